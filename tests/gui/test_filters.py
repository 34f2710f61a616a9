"""The filter bar: folders offered as ~/…, filtered by their real paths; sub-folders
completed; a custom date range."""

from __future__ import annotations

import os
from datetime import date, datetime
from pathlib import Path

from PySide6.QtCore import QDate, Qt

from finder.gui.filters import ANY_FOLDER, CUSTOM, FilterBar, filter_terms
from tests.conftest import write
from tests.gui.conftest import add_folders_and_wait
from tests.gui.test_main_window import results_paths, type_query


def test_folders_read_from_home_and_filter_by_the_real_path(qtbot, monkeypatch) -> None:
    """An indexed folder under home shows as ~/…; choosing it adds in:<real path>."""
    monkeypatch.setenv("HOME", "/home/ana")
    bar = FilterBar()
    qtbot.addWidget(bar)
    bar.set_folders(["/home/ana/Documents", "/srv/share"])
    labels = [bar.folder_box.itemText(i) for i in range(bar.folder_box.count())]
    assert labels == [ANY_FOLDER, "~/Documents", "/srv/share"]
    with qtbot.waitSignal(bar.changed):
        bar.folder_box.setCurrentIndex(1)
    assert bar.terms() == "in:/home/ana/Documents"
    bar.set_folders(["/srv/share", "/home/ana/Documents"])  # the choice is kept
    assert bar.folder() == "/home/ana/Documents"


def test_a_custom_range_becomes_after_and_before_its_days(qtbot) -> None:
    """ "Custom range…" shows two date pickers; the range includes both days, and a
    range picked the wrong way round is still that range."""
    bar = FilterBar()
    qtbot.addWidget(bar)
    assert bar.since.isHidden() and bar.until.isHidden()
    with qtbot.waitSignal(bar.changed):
        bar.age_box.setCurrentText(CUSTOM)
    assert not bar.since.isHidden() and not bar.until.isHidden()
    with qtbot.waitSignal(bar.changed):
        bar.since.setDate(QDate(2024, 3, 1))
    bar.until.setDate(QDate(2024, 3, 31))
    assert bar.terms() == "after:2024-03-01 before:2024-04-01"
    assert filter_terms("Any type", CUSTOM, span=(date(2024, 3, 31), date(2024, 3, 1))) == (
        "after:2024-03-01 before:2024-04-01"
    )


def test_the_folder_box_completes_sub_folders(qtbot, monkeypatch) -> None:
    """Typing part of a sub-folder offers it (as ~/…); Enter filters by its real path."""
    monkeypatch.setenv("HOME", "/home/ana")
    bar = FilterBar()
    qtbot.addWidget(bar)
    bar.set_folders(["/home/ana/Documents"])
    bar.set_subfolders(["/home/ana/Documents", "/home/ana/Documents/taxes/2024"])
    bar.show()
    qtbot.waitExposed(bar)
    typed = bar.folder_box.lineEdit()
    typed.clear()
    qtbot.keyClicks(typed, "tax")
    completer = bar.folder_box.completer()
    assert completer.completionCount() == 1
    assert completer.currentCompletion() == "~/Documents/taxes/2024"
    with qtbot.waitSignal(bar.changed):
        typed.setText(completer.currentCompletion())
        qtbot.keyClick(typed, Qt.Key.Key_Return)
    assert bar.terms() == "in:/home/ana/Documents/taxes/2024"


def test_the_window_filters_by_a_typed_sub_folder_and_a_date_range(
    qtbot, make_app, tmp_path: Path
) -> None:
    """Against a real index: a typed sub-folder keeps its files only, a custom range
    keeps the files modified within it only."""
    root = tmp_path / "files"
    old = write(root / "pets/cats/kitten.md", "Take the kitten to the vet for its shots.")
    os.utime(old, (datetime(2020, 1, 15).timestamp(),) * 2)
    write(root / "pets/dogs/puppy.md", "Take the puppy to the vet for its shots.")
    app = make_app()
    add_folders_and_wait(qtbot, app, [root], 2)
    window = app.window
    type_query(qtbot, app, "vet shots")
    assert len(results_paths(app)) == 2
    with qtbot.waitSignal(app.controller.results_changed, timeout=60_000):
        window.filters.folder_box.setEditText(str(root / "pets/dogs"))
        window.filters.folder_box.lineEdit().editingFinished.emit()
    assert results_paths(app) == [str(root / "pets/dogs/puppy.md")]
    window.filters.folder_box.setCurrentIndex(0)  # any folder
    window.filters.since.setDate(QDate(2020, 1, 1))
    window.filters.until.setDate(QDate(2020, 1, 31))
    with qtbot.waitSignal(
        app.controller.results_changed, timeout=60_000, check_params_cb=lambda _h, m, _a: m
    ):
        window.filters.age_box.setCurrentText(CUSTOM)
    assert results_paths(app) == [str(old)]
