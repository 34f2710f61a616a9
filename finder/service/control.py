"""A running service's control line: a Unix socket in the data dir.

``finder pause``, ``finder resume``, ``finder status`` and ``finder roots add|remove``
send one JSON line (``{"command": "pause"}``, ``{"command": "add_roots", "paths":
[...]}``) and read one JSON line back (the service's state, or ``{"error": ...}``). The
socket lives in the data dir, which only its user can enter (mode 0700), and is itself
mode 0600; it is created only by the process holding the writer lock, which first
removes one a crashed service left behind.

Every request is checked before the handler sees it (:func:`parse_request`): a JSON
object, a known command, ``paths`` a list of absolute paths where the command takes
them, no other keys. Anything else is answered with an error and the server goes on.
Each client gets its own thread, at most :data:`MAX_REQUEST_BYTES` and
:data:`CLIENT_TIMEOUT_S` seconds to send its line, so a silent or hostile client never
delays another.

Not available where the platform has no Unix sockets (Windows before Python gains
them): the service then runs without it and the commands say so.

Threads: :class:`ControlServer` accepts on its own thread and answers each client on a
short-lived thread of its own, calling the handler there; the handler must be
thread-safe (the service's public methods are).
"""

from __future__ import annotations

import contextlib
import json
import logging
import os
import socket
import threading
import time
from collections.abc import Callable
from pathlib import Path
from typing import Any

from finder.errors import FinderError
from finder.paths import CONTROL_SOCKET_NAME

log = logging.getLogger(__name__)

COMMANDS = ("status", "pause", "resume", "rescan", "add_roots", "remove_roots")
PATH_COMMANDS = ("add_roots", "remove_roots")  # the commands that take ``paths``
MAX_REQUEST_BYTES = 64 * 1024
CLIENT_TIMEOUT_S = 2.0  # for the whole request line, however it trickles in
MAX_CLIENTS = 16  # answered at once; more are told the service is busy

Handler = Callable[[dict[str, Any]], dict[str, Any]]  # request -> reply


class BadRequest(ValueError):
    """A request the server answers with ``{"error": str(err)}``."""


class ControlError(FinderError):
    """The service's socket answered with an error, garbage or not in time."""


def parse_request(line: bytes) -> dict[str, Any]:
    """The request in ``line``, checked; raises :class:`BadRequest` saying what is wrong."""
    try:
        request = json.loads(line.decode("utf-8"))
    except (UnicodeDecodeError, ValueError) as err:
        raise BadRequest(f"not a JSON line: {err}") from None
    if not isinstance(request, dict):
        raise BadRequest(f"a request is a JSON object, not {type(request).__name__}")
    command = request.get("command")
    if command not in COMMANDS:
        raise BadRequest(f"unknown command {command!r}")
    allowed = {"command", "paths"} if command in PATH_COMMANDS else {"command"}
    unknown = sorted(set(request) - allowed)
    if unknown:
        raise BadRequest(f"unknown key(s) for {command}: {', '.join(map(str, unknown))}")
    if command in PATH_COMMANDS:
        paths = request.get("paths")
        if not isinstance(paths, list) or not all(isinstance(p, str) for p in paths):
            raise BadRequest(f"{command} needs 'paths', a list of strings")
        relative = [p for p in paths if not os.path.isabs(p)]
        if relative:
            raise BadRequest(f"paths must be absolute: {', '.join(relative[:3])}")
    return request


class ControlServer:
    """Answers commands sent to ``data_dir/control.sock``."""

    def __init__(self, data_dir: Path, handler: Handler) -> None:
        self.path = data_dir / CONTROL_SOCKET_NAME
        self._handler = handler
        self._sock: socket.socket | None = None
        self._thread: threading.Thread | None = None
        self._clients = threading.BoundedSemaphore(MAX_CLIENTS)

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
            sock.listen(MAX_CLIENTS)
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
        """The accept loop: hands each client to a thread; only stop() ends it."""
        while (listening := self._sock) is not None:
            try:
                conn, _ = listening.accept()
            except OSError:
                if self._sock is None:
                    return  # closed by stop()
                log.exception("control socket: accept failed")
                time.sleep(0.1)  # e.g. out of file descriptors: do not spin
                continue
            if not self._clients.acquire(blocking=False):
                self._refuse_busy(conn)
                continue
            threading.Thread(
                target=self._client, args=(conn,), name="finder-control-client", daemon=True
            ).start()

    def _refuse_busy(self, conn: socket.socket) -> None:
        with conn, contextlib.suppress(OSError):
            conn.settimeout(0.2)
            conn.sendall(_encode({"error": "the service is busy answering others; try again"}))

    def _client(self, conn: socket.socket) -> None:
        """One client's request and reply; nothing it sends can escape this function."""
        try:
            with conn:
                reply = self._reply_to(conn)
                conn.settimeout(CLIENT_TIMEOUT_S)  # a client that does not read is dropped
                conn.sendall(_encode(reply))
        except OSError as err:  # the client went away or stopped reading
            log.info("control client: %s", err)
        except Exception:
            log.exception("control client: unexpected failure")
        finally:
            self._clients.release()

    def _reply_to(self, conn: socket.socket) -> dict[str, Any]:
        try:
            request = parse_request(_read_line(conn))
        except BadRequest as err:
            log.info("control request refused: %s", err)
            return {"error": str(err)}
        try:
            return self._handler(request)
        except Exception as err:
            log.exception("control command %s failed", request["command"])
            return {"error": f"{request['command']} failed: {err}"}


def _read_line(conn: socket.socket) -> bytes:
    """The first line the client sends, without its newline (all it sent if it closes
    first). Raises :class:`BadRequest` past :data:`MAX_REQUEST_BYTES` or when no line
    arrives within :data:`CLIENT_TIMEOUT_S`, however slowly it trickles in."""
    deadline = time.monotonic() + CLIENT_TIMEOUT_S
    data = bytearray()
    while b"\n" not in data and len(data) <= MAX_REQUEST_BYTES:
        left = deadline - time.monotonic()
        if left <= 0:
            raise BadRequest(f"no complete request line within {CLIENT_TIMEOUT_S:g} s")
        conn.settimeout(left)
        try:
            chunk = conn.recv(MAX_REQUEST_BYTES + 1 - len(data))
        except TimeoutError:
            continue  # the deadline check above answers
        if not chunk:
            break
        data += chunk
    line = bytes(data).split(b"\n", 1)[0]
    if len(line) > MAX_REQUEST_BYTES:
        raise BadRequest(f"request longer than {MAX_REQUEST_BYTES // 1024} KB")
    return line


def _encode(reply: dict[str, Any]) -> bytes:
    return (json.dumps(reply) + "\n").encode("utf-8")


def send_command(
    data_dir: Path, command: str, timeout: float = 10.0, **arguments: Any
) -> dict[str, Any] | None:
    """Send ``command`` to the service of ``data_dir``; None if no service is listening.

    Raises :class:`ControlError` (a message for the person) when the service answers
    with an error, with garbage, or not within ``timeout`` seconds.
    """
    path = data_dir / CONTROL_SOCKET_NAME
    if not hasattr(socket, "AF_UNIX") or not path.exists():
        return None
    with socket.socket(socket.AF_UNIX, socket.SOCK_STREAM) as sock:
        sock.settimeout(timeout)
        try:
            sock.connect(str(path))
        except (ConnectionRefusedError, FileNotFoundError):
            return None  # a socket file left by a crash
        except OSError as err:
            raise ControlError(f"cannot reach the finder service at {path}: {err}") from None
        request = {"command": command, **arguments}
        try:
            sock.sendall(_encode(request))
            line = sock.makefile("rb").readline(MAX_REQUEST_BYTES * 16)
        except TimeoutError:
            raise ControlError(
                f"the finder service at {path} did not answer {command} within {timeout:g} s"
            ) from None
        except OSError as err:
            raise ControlError(f"the finder service at {path} hung up: {err}") from None
    return _reply_of(line, command, path)


def _reply_of(line: bytes, command: str, path: Path) -> dict[str, Any]:
    try:
        reply = json.loads(line.decode("utf-8"))
    except (UnicodeDecodeError, ValueError):
        reply = None
    if not isinstance(reply, dict):
        shown = line[:80].decode("utf-8", "replace") or "nothing"
        raise ControlError(f"the finder service at {path} answered {command} with {shown!r}")
    if "error" in reply:
        raise ControlError(f"the finder service refused {command}: {reply['error']}")
    return reply
