"""The filter bar: folders offered as ~/…, filtered by their real paths."""

from __future__ import annotations

from finder.gui.filters import ANY_FOLDER, FilterBar


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
