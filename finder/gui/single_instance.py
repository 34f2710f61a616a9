"""One window per data dir: launching finder again raises the running one.

A local socket named after the data dir: the first instance listens; a later one
connects, asks it to show itself and exits, so a desktop shortcut works as a global
hotkey and no second writer starts.

The socket lives where no other user can create files (:func:`socket_path`): the
user's ``$XDG_RUNTIME_DIR`` when it is ours and mode 0700, else the data dir, else (a
data dir path too long for a socket address) a folder of ours made 0700 in the temp
dir. A shared ``/tmp`` name would let another user squat it and keep the window from
ever opening. Both ends also check the peer's uid where the OS tells it (Linux
``SO_PEERCRED``): the server ignores a client of another user, and a client does not
believe a server of another user (it then opens its own window).

On Windows the socket is a named pipe that Qt restricts to the user; no path, no uid.
GUI thread only.
"""

from __future__ import annotations

import contextlib
import getpass
import hashlib
import logging
import os
import socket
import stat
import struct
import sys
import tempfile
from pathlib import Path

from PySide6.QtCore import QObject, Signal
from PySide6.QtNetwork import QLocalServer, QLocalSocket

log = logging.getLogger(__name__)

MAX_SOCKET_PATH = 100  # sockaddr_un holds 104 (macOS) or 108 (Linux) bytes with the NUL
DATA_DIR_SOCKET = "window.sock"


def _digest(data_dir: Path) -> str:
    return hashlib.sha256(str(data_dir.resolve()).encode()).hexdigest()[:16]


def is_private_dir(folder: Path, uid: int, *, writable_by: int = 0o077) -> bool:
    """True if ``folder`` is a real folder (not a symlink) owned by ``uid`` and none of
    the permission bits in ``writable_by`` are set."""
    try:
        info = folder.lstat()
    except OSError:
        return False
    return stat.S_ISDIR(info.st_mode) and info.st_uid == uid and not info.st_mode & writable_by


def socket_path(data_dir: Path, *, runtime_dir: str | None, uid: int) -> Path | None:
    """Where the window's socket for ``data_dir`` lives; None if nowhere is private.

    The data dir counts as private when it is ours and nobody else may write in it
    (reading is harmless: the socket itself is the user's only, and peers are checked);
    it is created mode 0700 if missing, as the index would create it.
    """
    if runtime_dir and is_private_dir(Path(runtime_dir), uid):
        path = Path(runtime_dir) / f"finder-{_digest(data_dir)}.sock"
        if len(os.fsencode(path)) <= MAX_SOCKET_PATH:
            return path
    with contextlib.suppress(OSError):  # a file in the way, a read-only parent: the
        data_dir.mkdir(parents=True, exist_ok=True, mode=0o700)  # index will say so
    path = data_dir / DATA_DIR_SOCKET
    if (
        is_private_dir(data_dir, uid, writable_by=0o022)
        and len(os.fsencode(path)) <= MAX_SOCKET_PATH
    ):
        return path
    own = Path(tempfile.gettempdir()) / f"finder-{uid}"
    with contextlib.suppress(OSError):
        own.mkdir(mode=0o700, exist_ok=True)
    if not is_private_dir(own, uid):  # someone else made it first, or it is a symlink
        log.warning("%s is not private to this user: no single-window check", own)
        return None
    return own / f"{_digest(data_dir)}.sock"


def peer_uid(descriptor: int) -> int | None:
    """The uid of the process at the other end of a connected Unix socket; None where
    the OS does not say. (macOS and the BSDs have getpeereid, which Python does not
    expose: there the private folder alone keeps other users out.)"""
    if not hasattr(socket, "SO_PEERCRED") or descriptor < 0:
        return None
    with socket.fromfd(descriptor, socket.AF_UNIX, socket.SOCK_STREAM) as dup:
        creds = dup.getsockopt(socket.SOL_SOCKET, socket.SO_PEERCRED, struct.calcsize("3i"))
    _pid, uid, _gid = struct.unpack("3i", creds)
    return uid


class SingleInstance(QObject):
    """Listens for later launches; ``raise_requested`` fires on the GUI thread.

    ``expected_uid`` is the user whose peers are trusted (this process's by default;
    tests give another one to meet a stranger with real sockets). The socket's folder
    is always one of this process's user.
    """

    raise_requested = Signal()
    stranger_refused = Signal(int)  # a client of this uid was turned away

    def __init__(self, data_dir: Path, expected_uid: int | None = None) -> None:
        super().__init__()
        self.name: str | None  # a socket path, a pipe name (Windows) or None: no check
        self.expected_uid: int | None = None
        if sys.platform == "win32":
            self.name = f"finder-{getpass.getuser()}-{_digest(data_dir)}"
        else:
            path = socket_path(
                data_dir, runtime_dir=os.environ.get("XDG_RUNTIME_DIR"), uid=os.getuid()
            )
            self.name = str(path) if path is not None else None
            self.expected_uid = os.getuid() if expected_uid is None else expected_uid
        self._server: QLocalServer | None = None

    def ask_running_to_raise(self, timeout_ms: int = 500) -> bool:
        """True if this user's running instance answered (it will show its window)."""
        if self.name is None:
            return False
        socket_ = QLocalSocket()
        socket_.connectToServer(self.name)
        if not socket_.waitForConnected(timeout_ms):
            return False
        uid = peer_uid(int(socket_.socketDescriptor()))
        if not self._trusted(uid):
            log.warning(
                "the window socket %s is held by uid %s, not by this user: opening a window",
                self.name,
                uid,
            )
            socket_.abort()
            return False
        socket_.write(b"raise\n")
        socket_.waitForBytesWritten(timeout_ms)
        socket_.disconnectFromServer()
        return True

    def listen(self) -> bool:
        """Listen for later launches; False (and a log line) if that cannot be done."""
        if self.name is None:
            return False
        server = QLocalServer(self)
        server.setSocketOptions(QLocalServer.SocketOption.UserAccessOption)
        if not server.listen(self.name):
            QLocalServer.removeServer(self.name)  # left by a crash, or not ours to trust
            if not server.listen(self.name):
                log.warning("cannot listen on %s: %s", self.name, server.errorString())
                return False
        server.newConnection.connect(self._on_connection)
        self._server = server
        return True

    def _trusted(self, uid: int | None) -> bool:
        return uid is None or self.expected_uid is None or uid == self.expected_uid

    def _on_connection(self) -> None:
        assert self._server is not None
        while (conn := self._server.nextPendingConnection()) is not None:
            conn.disconnected.connect(conn.deleteLater)
            uid = peer_uid(int(conn.socketDescriptor()))
            if not self._trusted(uid):
                log.warning("ignored a launch by uid %s on %s", uid, self.name)
                conn.abort()
                self.stranger_refused.emit(uid)
                continue
            self.raise_requested.emit()
