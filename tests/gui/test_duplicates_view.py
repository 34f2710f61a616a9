"""The window's duplicates view over a real index: groups listed, newest marked, open
and reveal the selected file; opened from the window by Alt+D."""

from __future__ import annotations

import os
import random
from collections.abc import Callable
from pathlib import Path

from PySide6.QtCore import Qt

from finder.app import App
from finder.engine import IndexWriter
from finder.gui.duplicates_view import DuplicatesDialog
from tests.conftest import write
from tests.explore.planting import edit, write_format
from tests.explore.test_duplicates import GARDEN, REPORT
from tests.gui.conftest import RecordingDesktop, add_folders_and_wait


def plant(root: Path) -> None:
    """Minutes as PDF and DOCX, a plan and its 10 % edit, and an unrelated note."""
    for ext in ("pdf", "docx"):
        write_format(root / f"minutes.{ext}", "Hall committee minutes", REPORT)
    write(root / "plan v1.txt", GARDEN)
    write(root / "newer/plan v2.txt", edit(GARDEN, 0.10, random.Random(5)))
    write(root / "note.txt", "Buy milk, eggs and a new bicycle pump on the way home.")
    os.utime(root / "minutes.docx", (2_000_000_000, 2_000_000_000))  # the newest of each
    os.utime(root / "newer/plan v2.txt", (2_000_000_000, 2_000_000_000))


def test_the_dialog_lists_each_group_with_its_newest_file_first(
    qtbot, open_engine: Callable[..., IndexWriter], cache_dir: Path, tmp_path: Path
) -> None:
    """Computed on its thread: two groups, each newest first and marked; Enter opens
    the selected file and Show in folder reveals it."""
    plant(tmp_path / "files")
    engine = open_engine(tmp_path / "data")
    engine.add_roots([tmp_path / "files"])
    engine.index()
    engine.close()
    desktop = RecordingDesktop()
    dialog = DuplicatesDialog(tmp_path / "data", cache_dir, desktop)
    qtbot.addWidget(dialog)
    with qtbot.waitSignal(dialog.worker.found, timeout=30_000):
        dialog.show()
    qtbot.waitUntil(lambda: dialog.tree.topLevelItemCount() == 2)
    qtbot.waitUntil(lambda: not dialog.thread_.isRunning())
    rows = {
        dialog.tree.topLevelItem(g).child(f).text(0)
        for g in range(2)
        for f in range(dialog.tree.topLevelItem(g).childCount())
    }
    assert rows == {"minutes.docx  (newest)", "minutes.pdf", "plan v2.txt  (newest)", "plan v1.txt"}
    assert "2 groups" in dialog.note.text()
    qtbot.keyClick(dialog.tree, Qt.Key.Key_Return)
    assert desktop.opened == [dialog.selected_path()]
    dialog.reveal_button.click()
    assert desktop.revealed == [dialog.selected_path()]


def test_alt_d_opens_the_view_from_the_window(
    qtbot, make_app: Callable[..., App], tmp_path: Path
) -> None:
    """The window's Duplicates… button (Alt+D) opens the dialog, which lists the group."""
    plant(tmp_path / "files")
    app = make_app()
    add_folders_and_wait(qtbot, app, [tmp_path / "files"], 5)
    app.window.show()
    app.window.activateWindow()
    qtbot.waitUntil(app.window.isActiveWindow)
    qtbot.keyClick(app.window.search, Qt.Key.Key_D, Qt.KeyboardModifier.AltModifier)
    qtbot.waitUntil(lambda: getattr(app.window, "duplicates", None) is not None)
    dialog = app.window.duplicates
    qtbot.waitUntil(lambda: dialog.tree.topLevelItemCount() == 2, timeout=30_000)
    qtbot.waitUntil(lambda: not dialog.thread_.isRunning())
    dialog.close()
