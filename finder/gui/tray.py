"""The tray icon: closing the window hides it there; its menu shows the window, pauses
or resumes indexing, or quits.

GUI thread only. Created only where the desktop has a tray (:func:`tray_if_available`);
elsewhere closing the window quits, as the app is then unreachable once hidden.
"""

from __future__ import annotations

from collections.abc import Callable

from PySide6.QtCore import QObject
from PySide6.QtGui import QAction, QCloseEvent, QIcon
from PySide6.QtWidgets import QMenu, QSystemTrayIcon

from finder.gui.main_window import MainWindow

STILL_RUNNING = (
    "finder is still running",
    "It keeps your files searchable in the background. "
    "Click the icon to search, or quit from its menu.",
)


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
        self.notices: list[str] = []  # titles of the balloons shown in this session
        self.icon = QSystemTrayIcon(icon, self)
        self.menu = QMenu()
        self.show_action = QAction("Show finder", self.menu)
        self.show_action.triggered.connect(lambda: bring_forward(window))
        # Pausing goes through the status bar's button, so both always agree.
        pause = window.status.pause
        self.pause_action = QAction(pause.text(), self.menu)
        self.pause_action.triggered.connect(pause.toggle)
        pause.toggled.connect(lambda _paused: self.pause_action.setText(pause.text()))
        self.menu.aboutToShow.connect(lambda: self.pause_action.setVisible(not pause.isHidden()))
        self.quit_action = QAction("Quit finder", self.menu)
        self.quit_action.triggered.connect(quit_app)
        for action in (self.show_action, self.pause_action, self.quit_action):
            self.menu.addAction(action)
        self.icon.setContextMenu(self.menu)
        self.icon.setToolTip("finder")
        self.icon.activated.connect(lambda _reason: bring_forward(window))
        window.installEventFilter(self)

    def eventFilter(self, watched: QObject, event: object) -> bool:
        """Closing the window hides it: indexing goes on, the tray brings it back. The
        first time ever (remembered in the window's preferences), a balloon says so, as
        the window seems to have quit."""
        if watched is self.window and isinstance(event, QCloseEvent):
            event.ignore()
            self.window.hide()
            prefs = self.window.preferences
            if not prefs.tray_notice_shown:
                prefs.tray_notice_shown = True  # saved with the window's preferences
                self._notice(*STILL_RUNNING)
            return True
        return False

    def _notice(self, title: str, text: str) -> None:
        self.notices.append(title)
        self.icon.showMessage(title, text, QSystemTrayIcon.MessageIcon.Information, 8000)


def tray_if_available(window: MainWindow, icon: QIcon, quit_app: Callable[[], None]) -> Tray | None:
    if not QSystemTrayIcon.isSystemTrayAvailable():
        return None
    tray = Tray(window, icon, quit_app)
    tray.icon.show()
    return tray
