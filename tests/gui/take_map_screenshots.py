"""Screenshots of the map view over a real index: run under Xvfb, save PNGs.

    xvfb-run -a -s "-screen 0 1280x800x24" .venv/bin/python \
        tests/gui/take_map_screenshots.py DATA_DIR OUT_DIR [--query TEXT] [--dark]

Copies DATA_DIR to a temp dir first (the original is only read: another process may be
using it), makes the map there with finder.explore when the copy has none, opens the
window as `finder` would (over the copy, with a temp config dir), switches to the map
and saves ``map.png`` (every file lit, the legend beside), ``map-query.png`` (a query
lights its files up, strong matches largest, the rest dimmed; the first result hovered,
with its tooltip), ``map-topic.png`` (a topic chosen in the legend)
and, with ``--dark``, ``map-dark.png`` (the query on a dark palette). Not part of the
test suite.
"""

from __future__ import annotations

import argparse
import shutil
import sys
import tempfile
from pathlib import Path

from PySide6.QtCore import QEventLoop, QPoint, QRect, QTimer
from PySide6.QtWidgets import QApplication, QToolTip

from finder.app import App, build
from finder.engine import IndexReader
from finder.explore.build import build_map
from finder.explore.map_file import save_map
from finder.gui.plain_text import tooltip
from tests.gui.take_screenshots import dark_palette


def wait(ms: int) -> None:
    loop = QEventLoop()
    QTimer.singleShot(ms, loop.quit)
    loop.exec()


def wait_until(check: object, timeout_ms: int = 120_000) -> None:
    waited = 0
    while not check() and waited < timeout_ms:  # type: ignore[operator]
        wait(100)
        waited += 100


def copy_with_map(source: Path, into: Path) -> Path:
    data = into / "data"
    shutil.copytree(source, data, ignore=shutil.ignore_patterns("writer.lock"))
    with IndexReader.open(data) as reader:
        if reader.file_map() is None:
            dimension = reader.catalog.stored_dimension()
            assert dimension is not None, "no vectors in this index"
            file_map, _vectors = build_map(reader.catalog, dimension)
            save_map(reader.paths.file_map, file_map)
    return data


def typed(built: App, text: str) -> None:
    """Type ``text`` and wait for the answer with meaning."""
    loop = QEventLoop()

    def answered(_hits: object, meaning: bool, _again: bool) -> None:
        if meaning:
            loop.quit()

    built.controller.results_changed.connect(answered)
    QTimer.singleShot(120_000, loop.quit)
    built.window.search.setText(text)
    loop.exec()
    built.controller.results_changed.disconnect(answered)
    wait(300)


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__)
    parser.add_argument("data_dir", type=Path)
    parser.add_argument("out_dir", type=Path)
    parser.add_argument("--query", default="sourdough starter and baking bread")
    parser.add_argument("--dark", action="store_true")
    args = parser.parse_args()
    args.out_dir.mkdir(parents=True, exist_ok=True)
    app = QApplication(sys.argv[:1])
    with tempfile.TemporaryDirectory() as tmp:
        data = copy_with_map(args.data_dir, Path(tmp))
        built = build(data, config_dir=Path(tmp) / "config")
        window, mode = built.window, built.window.map_mode
        try:
            window.resize(1280, 780)
            window.show()
            wait(500)
            mode.button.click()
            wait_until(lambda: mode.view.file_map is not None)
            wait(500)
            window.grab().save(str(args.out_dir / "map.png"))
            typed(built, args.query)
            wait_until(lambda: not mode.view.bright.all(), 10_000)
            view = mode.view
            lit = [i for i, b in enumerate(view.bright) if b]
            chosen = window.selected()
            row = view.row_of(chosen.path) if chosen is not None else None
            if row is not None:  # the chosen (first) result: hovered, its tooltip shown
                view.hovered = row
                spot = view.mapToGlobal(view.point_at(row).toPoint())
                QToolTip.showText(spot + QPoint(8, 8), tooltip(view.describe(row)), view)
            wait(800)
            top_left = window.mapToGlobal(QPoint(0, 0))
            screen = window.screen().grabWindow(0)  # the tooltip is a window of its own
            screen.copy(QRect(top_left, window.frameGeometry().size())).save(
                str(args.out_dir / "map-query.png")
            )
            QToolTip.hideText()
            if args.dark:
                app.setPalette(dark_palette())
                wait(500)
                window.grab().save(str(args.out_dir / "map-dark.png"))
                app.setPalette(app.style().standardPalette())
            window.search.clear()
            wait(500)
            legend = mode.panel.legend
            topic = mode.view.file_map.topics[0].id if mode.view.file_map else None
            row = legend.row_of(topic)
            if row is not None:
                legend.itemClicked.emit(legend.item(row))  # as a click on it
            wait(800)
            window.grab().save(str(args.out_dir / "map-topic.png"))
            print("topics:", [(t.id, t.label, t.size) for t in mode.view.file_map.topics][:50])
            print("lit by the query:", len(lit), "files; map:", len(mode.view.file_map or ()))
        finally:
            built.shutdown()
    return 0


if __name__ == "__main__":
    sys.exit(main())
