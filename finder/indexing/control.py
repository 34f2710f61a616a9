"""A running service's control line: a Unix socket in the data dir.

``finder pause``, ``finder resume``, ``finder status`` and ``finder roots add|remove``
send one JSON line (``{"command": "pause"}``, ``{"command": "add_roots", "paths":
[...]}``) and read one JSON line back (the service's state). The
socket lives in the data dir, which only its user can enter (mode 0700), and is itself
mode 0600; it is created only by the process holding the writer lock, which first
removes one a crashed service left behind.

Not available where the platform has no Unix sockets (Windows before Python gains
them): the service then runs without it and the commands say so.

Thread: :class:`ControlServer` answers on its own thread and calls the handler there;
the handler must be thread-safe (the service's public methods are).
"""

from __future__ import annotations

import contextlib
import json
import logging
import os
import socket
import threading
from collections.abc import Callable
from pathlib import Path
from typing import Any

log = logging.getLogger(__name__)

SOCKET_NAME = "control.sock"
COMMANDS = ("status", "pause", "resume", "rescan", "add_roots", "remove_roots")

Handler = Callable[[dict[str, Any]], dict[str, Any]]  # request -> reply


class ControlServer:
    """Answers commands sent to ``data_dir/control.sock``."""

    def __init__(self, data_dir: Path, handler: Handler) -> None:
        self.path = data_dir / SOCKET_NAME
        self._handler = handler
        self._sock: socket.socket | None = None
        self._thread: threading.Thread | None = None

    def start(self) -> bool:
        """Listen; False (and a log line) where that is not possible."""
        if not hasattr(socket, "AF_UNIX"):
            log.info("no Unix sockets here: finder pause/resume/status cannot reach the service")
            return False
        with contextlib.suppress(FileNotFoundError):
            self.path.unlink()  # left by a crash; we hold the writer lock, so it is ours
        sock = socket.socket(socket.AF_UNIX, socket.SOCK_STREAM)
        try:
            old_umask = os.umask(0o177)
            try:
                sock.bind(str(self.path))
            finally:
                os.umask(old_umask)
            sock.listen(8)
        except OSError as err:  # e.g. a data dir path too long for a socket address
            sock.close()
            log.warning("cannot open the control socket %s: %s", self.path, err)
            return False
        self._sock = sock
        self._thread = threading.Thread(target=self._serve, name="finder-control", daemon=True)
        self._thread.start()
        return True

    def stop(self) -> None:
        sock, self._sock = self._sock, None
        if sock is None:
            return
        with contextlib.suppress(OSError):
            sock.shutdown(socket.SHUT_RDWR)
        sock.close()
        if self._thread is not None:
            self._thread.join(5)
        with contextlib.suppress(FileNotFoundError):
            self.path.unlink()

    def _serve(self) -> None:
        while self._sock is not None:
            try:
                conn, _ = self._sock.accept()
            except OSError:
                return  # closed by stop()
            with conn:
                conn.settimeout(5)
                try:
                    self._answer(conn)
                except (OSError, ValueError) as err:
                    log.info("control request failed: %s", err)

    def _answer(self, conn: socket.socket) -> None:
        line = conn.makefile("r", encoding="utf-8").readline()
        request = json.loads(line) if line else {}
        command = request.get("command")
        if command not in COMMANDS:
            reply: dict[str, Any] = {"error": f"unknown command {command!r}"}
        else:
            reply = self._handler(request)
        conn.sendall((json.dumps(reply) + "\n").encode("utf-8"))


def send_command(
    data_dir: Path, command: str, timeout: float = 10.0, **arguments: Any
) -> dict[str, Any] | None:
    """Send ``command`` to the service of ``data_dir``; None if no service is listening."""
    path = data_dir / SOCKET_NAME
    if not hasattr(socket, "AF_UNIX") or not path.exists():
        return None
    with socket.socket(socket.AF_UNIX, socket.SOCK_STREAM) as sock:
        sock.settimeout(timeout)
        try:
            sock.connect(str(path))
        except (ConnectionRefusedError, FileNotFoundError):
            return None  # a socket file left by a crash
        request = {"command": command, **arguments}
        sock.sendall((json.dumps(request) + "\n").encode("utf-8"))
        line = sock.makefile("r", encoding="utf-8").readline()
    reply: dict[str, Any] = json.loads(line)
    return reply
