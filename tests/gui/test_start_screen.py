"""The start screen: what the window shows while the query is empty."""

from __future__ import annotations

import os
import threading
from collections.abc import Callable
from pathlib import Path

from PySide6.QtCore import Qt
from PySide6.QtWidgets import QLabel

from finder.app import App
from finder.gui.home_paths import home_relative
from finder.gui.start_screen import PathRole
from tests.conftest import write
from tests.gui.conftest import RecordingDesktop, add_folders_and_wait

FILES = {
    "pets/kitten.md": "Feed your kitten twice daily and book vaccinations at the vet.",
    "kitchen/bread.md": "Knead the dough ten minutes, let it rise overnight, then bake.",
    "taxes/2024/return.txt": "The income tax return for 2024 is due at the end of April.",
}


def test_an_empty_query_shows_recent_files_examples_and_what_is_indexed(
    qtbot, make_app: Callable[..., App], tmp_path: Path
) -> None:
    """With folders and no query the start screen lists the newest files first, the
    indexed folder with its count, every folder for the filter (read on the worker's
    thread), and an example query that searches when clicked."""
    root = tmp_path / "files"
    for n, (rel, text) in enumerate(FILES.items()):
        os.utime(write(root / rel, text), (1_700_000_000 + n, 1_700_000_000 + n))
    app = make_app()
    threads: list[bool] = []
    app.controller.worker.overview_ready.connect(
        lambda *_: threads.append(threading.current_thread() is threading.main_thread()),
        Qt.ConnectionType.DirectConnection,
    )
    add_folders_and_wait(qtbot, app, [root], len(FILES))
    window, start = app.window, app.window.start
    qtbot.waitUntil(lambda: start.recent.count() == len(FILES), timeout=30_000)
    assert window.pages.currentWidget() is start
    recent = [start.recent.item(r).data(PathRole) for r in range(start.recent.count())]
    assert recent == [str(root / rel) for rel in reversed(FILES)]
    assert threads and not any(threads)  # never on the GUI thread
    assert home_relative(str(root)) in [label.text() for label in start.findChildren(QLabel)]
    assert start.counts.text() == "3 files by content"
    offered = [os.path.expanduser(f) for f in window.filters.subfolders.stringList()]
    assert str(root / "taxes") in offered and str(root / "taxes/2024") in offered

    qtbot.mouseClick(start.example_buttons[0], Qt.MouseButton.LeftButton)
    assert window.search.text() == start.example_buttons[0].text()
    assert window.pages.currentWidget() is window.splitter
    qtbot.keyClick(window.search, Qt.Key.Key_Escape)
    assert window.pages.currentWidget() is start


def test_enter_on_a_recent_file_opens_it(qtbot, make_app, tmp_path: Path) -> None:
    """Down from the search field reaches the recent files; Enter opens the chosen one."""
    write(tmp_path / "files/note.txt", "A note about the boiler.")
    app = make_app()
    add_folders_and_wait(qtbot, app, [tmp_path / "files"], 1)
    start = app.window.start
    qtbot.waitUntil(lambda: start.recent.count() == 1, timeout=30_000)
    app.window.show()
    qtbot.waitExposed(app.window)
    qtbot.keyClick(app.window.search, Qt.Key.Key_Down)
    assert app.window.focusWidget() is start.recent
    qtbot.keyClick(start.recent, Qt.Key.Key_Return)
    desktop = app.window.desktop
    assert isinstance(desktop, RecordingDesktop)
    assert desktop.opened == [str(tmp_path / "files/note.txt")]
