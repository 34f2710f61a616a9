"""The tray: closing the window hides it, the menu brings it back, pauses or quits."""

from __future__ import annotations

from pathlib import Path

from PySide6.QtGui import QIcon

from finder.app import ICON
from finder.gui.tray import STILL_RUNNING, Tray
from tests.conftest import write
from tests.gui.conftest import add_folders_and_wait


def test_closing_hides_to_the_tray_and_its_menu_shows_or_quits(qtbot, make_app) -> None:
    """With a tray, close hides the window (indexing goes on); Show and Quit do so."""
    app = make_app()
    quits: list[bool] = []
    tray = Tray(app.window, QIcon(str(ICON)), lambda: quits.append(True))
    app.window.show()
    qtbot.waitExposed(app.window)
    app.window.search.setText("boiler")

    assert app.window.close() is False  # the close event was turned into a hide
    assert app.window.isHidden() and not app.closed
    tray.show_action.trigger()
    assert app.window.isVisible() and app.window.search.selectedText() == "boiler"
    assert not quits
    tray.quit_action.trigger()
    assert quits == [True]
    assert [a.text() for a in tray.menu.actions()] == [
        "Show finder",
        "Pause indexing",
        "Quit finder",
    ]


def test_the_first_close_says_finder_keeps_running_once(qtbot, make_app) -> None:
    """The first hide to the tray shows a notice; later ones do not repeat it."""
    app = make_app()
    tray = Tray(app.window, QIcon(str(ICON)), lambda: None)
    for _ in range(2):
        app.window.show()
        app.window.close()
    assert tray.notices == [STILL_RUNNING[0]]


def test_the_tray_menu_pauses_and_resumes_with_the_status_bar(
    qtbot, make_app, tmp_path: Path
) -> None:
    """Pause in the tray menu pauses indexing; its label then offers Resume, as the bar."""
    app = make_app()
    tray = Tray(app.window, QIcon(str(ICON)), lambda: None)
    write(tmp_path / "files/a.txt", "A note about the kitten.")
    add_folders_and_wait(qtbot, app, [tmp_path / "files"], 1)
    assert app.service is not None
    tray.pause_action.trigger()
    assert app.window.status.pause.isChecked() and app.service.state().paused
    assert tray.pause_action.text() == "Resume indexing"
    tray.pause_action.trigger()
    assert not app.service.state().paused and tray.pause_action.text() == "Pause indexing"


def test_the_tray_notice_is_shown_once_ever_not_once_per_session(
    qtbot, make_app, tmp_path: Path
) -> None:
    """After a session that showed "finder is still running", the next session (same
    config folder) hides to the tray without saying it again."""
    first = make_app(tmp_path / "data-1")
    tray = Tray(first.window, QIcon(str(ICON)), lambda: None)
    first.window.show()
    first.window.close()
    assert tray.notices == [STILL_RUNNING[0]]
    first.shutdown()  # saves the window's preferences
    second = make_app(tmp_path / "data-2")
    assert second.window.preferences.tray_notice_shown
    again = Tray(second.window, QIcon(str(ICON)), lambda: None)
    second.window.show()
    second.window.close()
    assert second.window.isHidden() and again.notices == []
