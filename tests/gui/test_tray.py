"""The tray: closing the window hides it, the menu brings it back or quits."""

from __future__ import annotations

from PySide6.QtGui import QIcon

from finder.app import ICON
from finder.gui.tray import Tray


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
    assert [a.text() for a in tray.menu.actions()] == ["Show finder", "Quit finder"]
