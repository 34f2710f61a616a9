"""One window per data dir: launching finder again raises the running one.

A local socket (a Unix socket or a Windows pipe, private to the user) named after the
data dir: the first instance listens; a later one connects, asks it to show itself and
exits, so a desktop shortcut works as a global hotkey and no second writer starts.
"""

from __future__ import annotations

import getpass
import hashlib
from pathlib import Path

from PySide6.QtCore import QObject, Signal
from PySide6.QtNetwork import QLocalServer, QLocalSocket


def server_name(data_dir: Path) -> str:
    digest = hashlib.sha256(str(data_dir.resolve()).encode()).hexdigest()[:16]
    return f"finder-{getpass.getuser()}-{digest}"


class SingleInstance(QObject):
    """Listens for later launches; ``raise_requested`` fires on the GUI thread."""

    raise_requested = Signal()

    def __init__(self, data_dir: Path) -> None:
        super().__init__()
        self.name = server_name(data_dir)
        self._server: QLocalServer | None = None

    def ask_running_to_raise(self, timeout_ms: int = 500) -> bool:
        """True if another instance answered (it will show its window)."""
        socket = QLocalSocket()
        socket.connectToServer(self.name)
        if not socket.waitForConnected(timeout_ms):
            return False
        socket.write(b"raise\n")
        socket.waitForBytesWritten(timeout_ms)
        socket.disconnectFromServer()
        return True

    def listen(self) -> bool:
        server = QLocalServer(self)
        server.setSocketOptions(QLocalServer.SocketOption.UserAccessOption)
        if not server.listen(self.name):
            QLocalServer.removeServer(self.name)  # left by a crash
            if not server.listen(self.name):
                return False
        server.newConnection.connect(self._on_connection)
        self._server = server
        return True

    def _on_connection(self) -> None:
        assert self._server is not None
        while (conn := self._server.nextPendingConnection()) is not None:
            conn.disconnected.connect(conn.deleteLater)
            self.raise_requested.emit()
