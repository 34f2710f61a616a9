"""The tray icon: closing the window hides it there; its menu shows the window or quits.

GUI thread only. Created only where the desktop has a tray (:func:`tray_if_available`);
elsewhere closing the window quits, as the app is then unreachable once hidden.
"""

from __future__ import annotations

from collections.abc import Callable

from PySide6.QtCore import QObject
from PySide6.QtGui import QAction, QCloseEvent, QIcon
from PySide6.QtWidgets import QMenu, QSystemTrayIcon

from finder.gui.main_window import MainWindow


def bring_forward(window: MainWindow) -> None:
    """Show the window in front with the search text selected, ready to type over."""
    window.showNormal()
    window.raise_()
    window.activateWindow()
    window.search.setFocus()
    window.search.selectAll()


class Tray(QObject):
    """The tray icon with its menu; also the window's close-event filter."""

    def __init__(self, window: MainWindow, icon: QIcon, quit_app: Callable[[], None]) -> None:
        super().__init__(window)
        self.window = window
        self.icon = QSystemTrayIcon(icon, self)
        self.menu = QMenu()
        self.show_action = QAction("Show finder", self.menu)
        self.show_action.triggered.connect(lambda: bring_forward(window))
        self.quit_action = QAction("Quit finder", self.menu)
        self.quit_action.triggered.connect(quit_app)
        self.menu.addAction(self.show_action)
        self.menu.addAction(self.quit_action)
        self.icon.setContextMenu(self.menu)
        self.icon.setToolTip("finder")
        self.icon.activated.connect(lambda _reason: bring_forward(window))
        window.installEventFilter(self)

    def eventFilter(self, watched: QObject, event: object) -> bool:
        """Closing the window hides it: indexing goes on, the tray brings it back."""
        if watched is self.window and isinstance(event, QCloseEvent):
            event.ignore()
            self.window.hide()
            return True
        return False


def tray_if_available(window: MainWindow, icon: QIcon, quit_app: Callable[[], None]) -> Tray | None:
    if not QSystemTrayIcon.isSystemTrayAvailable():
        return None
    tray = Tray(window, icon, quit_app)
    tray.icon.show()
    return tray
