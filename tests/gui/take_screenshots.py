"""Screenshots of the real window: run it under Xvfb (real xcb), type, save PNGs.

    xvfb-run -a -s "-screen 0 1280x800x24" .venv/bin/python tests/gui/take_screenshots.py OUT_DIR

Indexes a small demo folder (in a temp home folder, with one damaged PDF and one report
as PDF and DOCX) with the real model into a temp data dir, opens the window as `finder`
would, and saves ``start.png`` (the start screen), ``results.png`` (results and preview,
strong matches above "Related"), ``no-match.png`` (a nonsense query: "No file matches
well"), ``variants.png`` (the report shown once, "also as report.docx"),
``date-range.png`` (a custom date range and a typed sub-folder), ``similar.png`` (Files
similar to …), ``steered.png`` (typing steers them: about "the car"),
``open-failed.png`` (no application opens the file: Copy path),
``failed.png`` (a damaged file's preview and the list of files that could not be read),
``settings.png`` (the settings dialog), ``new-model.png`` (a model change under way),
``dark.png`` and ``dark-start.png`` (a dark palette) and ``empty.png`` (first run, no
folders). Not part of the test suite.
"""

from __future__ import annotations

import os
import shutil
import sys
import tempfile
import textwrap
import time
from pathlib import Path

from PySide6.QtCore import QDate, QEventLoop, Qt, QTimer
from PySide6.QtGui import QColor, QPalette
from PySide6.QtTest import QTest
from PySide6.QtWidgets import QApplication, QMessageBox, QPushButton
from reportlab.lib.pagesizes import A4
from reportlab.pdfgen import canvas

from finder.app import App, build
from finder.embed import DEFAULT_MODEL, resolve_model_path
from finder.gui.filters import CUSTOM
from tests.extract.test_office import make_docx

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
REPORT = (
    "Annual report of the allotment garden society. This year the society welcomed twelve "
    "new members and planted an orchard of apple, pear and plum trees along the northern "
    "fence. The water supply was renewed after the old pipes froze in February, and the "
    "committee thanks every volunteer who dug trenches on the spring work days."
)


def write_demo(root: Path) -> None:
    """The demo files, modified a day apart (the start screen lists the newest first),
    the garden report as PDF and as DOCX, and a damaged PDF."""
    now = time.time()
    for n, (rel, text) in enumerate(DEMO.items()):
        (root / rel).parent.mkdir(parents=True, exist_ok=True)
        (root / rel).write_text(text, encoding="utf-8")
        os.utime(root / rel, (now - 86_400 * (n + 2),) * 2)
    (root / "garden").mkdir()
    pdf = canvas.Canvas(str(root / "garden/society-report.pdf"), pagesize=A4)
    for n, line in enumerate(textwrap.wrap(REPORT, 80)):
        pdf.drawString(72, 780 - 14 * n, line)
    pdf.showPage()
    pdf.save()
    make_docx(root / "garden/society-report.docx", f"<w:p><w:r><w:t>{REPORT}</w:t></w:r></w:p>")
    (root / "scans").mkdir()
    (root / "scans/scanned-invoice.pdf").write_bytes(b"%PDF-1.4 damaged in a download")


def dark_palette() -> QPalette:
    """A dark desktop's palette (as KDE Breeze Dark or GNOME's dark style give)."""
    palette = QPalette()
    for role, color in (
        (QPalette.ColorRole.Window, "#2b2b2b"),
        (QPalette.ColorRole.WindowText, "#e6e6e6"),
        (QPalette.ColorRole.Base, "#1e1e1e"),
        (QPalette.ColorRole.AlternateBase, "#333333"),
        (QPalette.ColorRole.Text, "#e6e6e6"),
        (QPalette.ColorRole.Button, "#353535"),
        (QPalette.ColorRole.ButtonText, "#e6e6e6"),
        (QPalette.ColorRole.Highlight, "#3d7fc4"),
        (QPalette.ColorRole.HighlightedText, "#ffffff"),
        (QPalette.ColorRole.ToolTipBase, "#333333"),
        (QPalette.ColorRole.ToolTipText, "#e6e6e6"),
        (QPalette.ColorRole.PlaceholderText, "#9a9a9a"),
        (QPalette.ColorRole.Mid, "#555555"),
        (QPalette.ColorRole.Link, "#7fb2f0"),
    ):
        palette.setColor(role, QColor(color))
    for role in (QPalette.ColorRole.Text, QPalette.ColorRole.ButtonText):
        palette.setColor(QPalette.ColorGroup.Disabled, role, QColor("#7a7a7a"))
    return palette


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


def type_and_wait(built: App, text: str) -> None:
    """Replace the query with ``text`` and wait for the answer with meaning."""
    built.window.search.clear()
    QTest.keyClicks(built.window.search, text)
    for _ in range(2):  # keyword answer, then meaning (or a refresh)
        wait_for(built.controller.results_changed, 20_000)
    wait(1000)  # the passage arrives after the list


def grab_new_screens(built: App, root: Path, out: Path) -> None:
    """The start screen, strong / related, no good match, variants and a date range."""
    built.window.grab().save(str(out / "start.png"))
    type_and_wait(built, "how do I reset the boiler")
    built.window.grab().save(str(out / "results.png"))
    type_and_wait(built, "xqzvbnmkw")
    built.window.grab().save(str(out / "no-match.png"))
    type_and_wait(built, "allotment garden report")
    built.window.grab().save(str(out / "variants.png"))
    built.window.search.clear()
    filters = built.window.filters
    filters.since.setDate(QDate.currentDate().addDays(-6))
    filters.until.setDate(QDate.currentDate().addDays(-3))
    filters.age_box.setCurrentText(CUSTOM)  # a listing of the files changed then
    wait_for(built.controller.results_changed, 20_000)
    wait(1000)
    built.window.grab().save(str(out / "date-range.png"))
    filters.age_box.setCurrentText("Any time")
    typed = filters.folder_box.lineEdit()
    typed.clear()
    typed.setFocus()
    QTest.keyClicks(typed, "20")  # the completion offers ~/Documents/2024, …/2024/quotes
    wait(800)
    screen = built.window.screen().grabWindow(0)  # the popup is a window of its own
    frame = built.window.frameGeometry()
    screen.copy(frame.x(), frame.y(), frame.width(), 260).save(str(out / "folder-completion.png"))
    typed.clear()
    QTest.keyClick(typed, Qt.Key.Key_Escape)
    filters.folder_box.setCurrentIndex(0)


def grab_dark(app: QApplication, built: App, out: Path) -> None:
    """The start screen and results under a dark palette."""
    app.setStyle("Fusion")
    app.setPalette(dark_palette())
    built.window.search.clear()
    wait(1500)
    built.window.grab().save(str(out / "dark-start.png"))
    type_and_wait(built, "how do I reset the boiler")
    built.window.grab().save(str(out / "dark.png"))


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

        write_demo(root)
        built = build(Path(tmp) / "data")
        built.window.resize(1100, 680)
        built.window.show()
        assert built.service is not None
        built.service.change_roots([str(root)], [])
        while built.service.state().last_reconcile is None or built.service.state().phase != "idle":
            wait_for(built.bridge.batch_done)
        wait(1500)  # the start screen's overview
        grab_new_screens(built, root, out)
        type_and_wait(built, "agreement with the plumber")
        agreement = str(root / "2024/quotes/renovation-agreement.txt")
        answered(built, lambda: built.window.find_similar(agreement))
        built.window.grab().save(str(out / "similar.png"))
        # Typing steers it: like the agreement, but about the car.
        answered(built, lambda: QTest.keyClicks(built.window.search, "the car"))
        built.window.grab().save(str(out / "steered.png"))
        answered(built, lambda: QTest.keyClick(built.window.search, Qt.Key.Key_Escape))
        type_and_wait(built, "scanned-invoice.pdf")
        built.window.open_selected()  # Xvfb has no PDF viewer to open it with
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
        grab_dark(app, built, out)
        built.shutdown()
    app.quit()
    print(f"saved {', '.join(sorted(p.name for p in out.glob('*.png')))} in {out}")
    return 0


if __name__ == "__main__":
    raise SystemExit(main(Path(sys.argv[1] if len(sys.argv) > 1 else "screenshots")))
