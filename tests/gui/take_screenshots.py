"""Screenshots of the real window: run it under Xvfb (real xcb), type, save PNGs.

    xvfb-run -a -s "-screen 0 1280x800x24" .venv/bin/python tests/gui/take_screenshots.py OUT_DIR

Indexes a small demo folder (in a temp home folder, with one damaged PDF) with the real
model into a temp data dir, opens the window as `finder` would, types a paraphrase, and
saves ``results.png`` (results and preview), ``similar.png`` (Files similar to …),
``open-failed.png`` (no application opens the file: Copy path), ``failed.png`` (a
damaged file's preview and the list of files that could not be read), ``settings.png``
(the settings dialog), ``new-model.png`` (a model change under way) and ``empty.png``
(first run, no folders). Not part of the test suite.
"""

from __future__ import annotations

import os
import shutil
import sys
import tempfile
from pathlib import Path

from PySide6.QtCore import QEventLoop, Qt, QTimer
from PySide6.QtTest import QTest
from PySide6.QtWidgets import QApplication, QMessageBox, QPushButton

from finder.app import App, build
from finder.embed import DEFAULT_MODEL, resolve_model_path

DEMO = {
    "2024/quotes/renovation-agreement.txt": (
        "Agreement between the homeowner and the plumbing contractor.\n\n"
        "The plumber agrees to replace the kitchen pipes and the boiler for 1200 euros. "
        "Payment is due within thirty days of completion of the works."
    ),
    "pets/kitten.md": "# Kitten care\n\nFeed your kitten twice daily and book vaccinations.",
    "taxes/2024-deadline.txt": "Income declarations must reach the revenue office by April 30.",
    "kitchen/bread.md": "Knead the dough ten minutes, let it rise overnight, bake at 220 C.",
    "car/service-log.txt": "Changed the engine oil at 60,000 km; tyre pressure checked monthly.",
    "work/q3-report.txt": "Quarterly revenue grew 12 percent, driven by cloud subscriptions.",
    "home/boiler-manual.txt": "To reset the boiler, hold the red button for five seconds.",
}


def wait(ms: int) -> None:
    loop = QEventLoop()
    QTimer.singleShot(ms, loop.quit)
    loop.exec()


def wait_for(signal: object, timeout_ms: int = 120_000) -> None:
    loop = QEventLoop()
    signal.connect(loop.quit)  # type: ignore[attr-defined]
    QTimer.singleShot(timeout_ms, loop.quit)
    loop.exec()


def answered(built: App, action: object) -> None:
    """Do ``action`` and wait for the answer it brings."""
    loop = QEventLoop()
    built.controller.results_changed.connect(loop.quit)
    QTimer.singleShot(20_000, loop.quit)
    action()  # type: ignore[operator]
    loop.exec()
    built.controller.results_changed.disconnect(loop.quit)
    wait(800)  # the passage arrives after the list


def grab_failures(built: App, out: Path) -> None:
    """The damaged file selected (its preview says why), then the failures box."""
    built.window.search.clear()
    answered(built, lambda: QTest.keyClicks(built.window.search, "scanned-invoice.pdf"))
    built.window.grab().save(str(out / "failed.png"))
    built.window.show_failures()
    wait(300)
    box = built.window.findChild(QMessageBox)
    assert box is not None
    for button in box.findChildren(QPushButton):
        if button.text().startswith("Show Details"):
            button.click()
    wait(300)
    box.grab().save(str(out / "failed-list.png"))
    box.close()


def main(out: Path) -> int:
    out.mkdir(parents=True, exist_ok=True)
    app = QApplication(sys.argv[:1])
    with tempfile.TemporaryDirectory() as tmp:
        os.environ.setdefault("FINDER_CACHE_DIR", str(Path(tmp) / "cache"))
        os.environ["HOME"] = tmp  # paths show as ~/Documents/…
        root = Path(tmp) / "Documents"
        root.mkdir()  # the first-run screen offers to index it
        os.environ["FINDER_CONFIG_DIR"] = str(Path(tmp) / "config")
        empty = build(Path(tmp) / "empty-data")
        empty.window.resize(1100, 680)
        empty.window.show()
        wait(1500)
        empty.window.grab().save(str(out / "empty.png"))
        empty.shutdown()
        empty.window.close()

        for rel, text in DEMO.items():
            (root / rel).parent.mkdir(parents=True, exist_ok=True)
            (root / rel).write_text(text, encoding="utf-8")
        (root / "scans").mkdir()
        (root / "scans/scanned-invoice.pdf").write_bytes(b"%PDF-1.4 damaged in a download")
        built = build(Path(tmp) / "data")
        built.window.resize(1100, 680)
        built.window.show()
        assert built.service is not None
        built.service.change_roots([str(root)], [])
        while built.service.state().last_reconcile is None or built.service.state().phase != "idle":
            wait_for(built.bridge.batch_done)
        QTest.keyClicks(built.window.search, "the contract we signed with the plumber")
        for _ in range(3):  # keyword answer, then meaning, then the preview
            wait_for(built.controller.results_changed, 20_000)
        wait(1500)
        built.window.grab().save(str(out / "results.png"))
        agreement = str(root / "2024/quotes/renovation-agreement.txt")
        answered(built, lambda: built.window.find_similar(agreement))
        built.window.grab().save(str(out / "similar.png"))
        answered(built, lambda: QTest.keyClick(built.window.search, Qt.Key.Key_Escape))
        built.window.open_selected()  # Xvfb has no application to open it with
        wait(300)
        built.window.grab().save(str(out / "open-failed.png"))
        built.window.notice.hide()
        built.window.open_settings()
        wait(500)
        assert built.window.settings_dialog is not None
        built.window.settings_dialog.grab().save(str(out / "settings.png"))
        dialog = built.window.settings_dialog
        # A model change: the status bar says the new index is on its way.
        other_model = Path(tmp) / "models" / "my-model"
        shutil.copytree(resolve_model_path(DEFAULT_MODEL), other_model)
        dialog.model.setCurrentText(str(other_model))
        dialog.accept()
        status = built.window.status.activity
        while not status.text().startswith("New model: understanding"):
            wait_for(built.bridge.progress)
        built.window.grab().save(str(out / "new-model.png"))
        grab_failures(built, out)
        built.shutdown()
    app.quit()
    print(f"saved {', '.join(sorted(p.name for p in out.glob('*.png')))} in {out}")
    return 0


if __name__ == "__main__":
    raise SystemExit(main(Path(sys.argv[1] if len(sys.argv) > 1 else "screenshots")))
