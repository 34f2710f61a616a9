"""The control socket: one JSON line each way, private to the user, absent when stopped."""

from __future__ import annotations

import contextlib
import json
import socket
import stat
import threading
import time
from collections.abc import Iterator
from pathlib import Path
from typing import Any

import pytest

from finder.paths import CONTROL_SOCKET_NAME
from finder.service.control import (
    CLIENT_TIMEOUT_S,
    MAX_CLIENTS,
    MAX_REQUEST_BYTES,
    ControlError,
    ControlServer,
    send_command,
)


@pytest.fixture
def short_dir(tmp_path_factory: pytest.TempPathFactory) -> Path:
    """A data dir whose socket path fits the 108-byte limit of Unix socket addresses."""
    return tmp_path_factory.mktemp("c")


def test_a_command_reaches_the_handler_and_its_reply_comes_back(short_dir: Path) -> None:
    """send_command delivers the request (with arguments) and returns the reply."""
    received: list[dict[str, Any]] = []

    def handler(request: dict[str, Any]) -> dict[str, Any]:
        received.append(request)
        return {"phase": "paused"}

    server = ControlServer(short_dir, handler)
    assert server.start()
    try:
        assert send_command(short_dir, "pause") == {"phase": "paused"}
        assert send_command(short_dir, "add_roots", paths=["/x"]) == {"phase": "paused"}
        with pytest.raises(ControlError, match="unknown command 'format_disk'"):
            send_command(short_dir, "format_disk")
    finally:
        server.stop()
    assert received == [{"command": "pause"}, {"command": "add_roots", "paths": ["/x"]}]


def test_the_socket_is_private_and_removed_on_stop(short_dir: Path) -> None:
    """The socket file is mode 0600 and gone after stop: then nobody answers."""
    server = ControlServer(short_dir, lambda _r: {})
    assert server.start()
    mode = stat.S_IMODE((short_dir / CONTROL_SOCKET_NAME).stat().st_mode)
    server.stop()
    assert mode == 0o600
    assert not (short_dir / CONTROL_SOCKET_NAME).exists()
    assert send_command(short_dir, "status") is None


def test_a_socket_left_by_a_crash_is_not_mistaken_for_a_service(short_dir: Path) -> None:
    """A stale socket file (nobody listening) means no service; a new server replaces it."""
    stale = socket.socket(socket.AF_UNIX, socket.SOCK_STREAM)
    stale.bind(str(short_dir / CONTROL_SOCKET_NAME))
    stale.close()
    assert send_command(short_dir, "status") is None
    server = ControlServer(short_dir, lambda _r: {"ok": True})
    assert server.start()
    try:
        assert send_command(short_dir, "status") == {"ok": True}
    finally:
        server.stop()


@pytest.fixture
def echo_server(short_dir: Path) -> Iterator[tuple[ControlServer, list[dict[str, Any]]]]:
    """A running server whose handler records each request it is given."""
    received: list[dict[str, Any]] = []

    def handler(request: dict[str, Any]) -> dict[str, Any]:
        received.append(request)
        return {"ok": True}

    server = ControlServer(short_dir, handler)
    assert server.start()
    yield server, received
    server.stop()


def connect(server: ControlServer) -> socket.socket:
    sock = socket.socket(socket.AF_UNIX, socket.SOCK_STREAM)
    sock.settimeout(CLIENT_TIMEOUT_S + 5)
    sock.connect(str(server.path))
    return sock


def exchange(server: ControlServer, payload: bytes) -> dict[str, Any]:
    """Send raw bytes as a client would and return the one-line reply."""
    with connect(server) as sock:
        # The server stops reading an oversized line; its reply is queued all the same.
        with contextlib.suppress(BrokenPipeError, ConnectionResetError):
            sock.sendall(payload)
        reply: dict[str, Any] = json.loads(sock.makefile("rb").readline())
        return reply


@pytest.mark.parametrize(
    ("payload", "says"),
    [
        (b"[]\n", "JSON object, not list"),
        (b'"x"\n', "JSON object, not str"),
        (b"{not json\n", "not a JSON line"),
        (b"\xff\xfe\n", "not a JSON line"),
        (b"\n", "not a JSON line"),
        (b'{"command": 1}\n', "unknown command 1"),
        (b'{"command": "add_roots", "paths": "abc"}\n', "list of strings"),
        (b'{"command": "add_roots", "paths": [1, 2]}\n', "list of strings"),
        (b'{"command": "add_roots"}\n', "list of strings"),
        (b'{"command": "remove_roots", "paths": ["rel/dir"]}\n', "absolute: rel/dir"),
        (b'{"command": "pause", "paths": ["/x"]}\n', "unknown key"),
        (b'{"command": "status", "force": true}\n', "unknown key"),
        (b"{" + b" " * (MAX_REQUEST_BYTES + 10) + b"}\n", "longer than 64 KB"),
        (b"x" * (4 * MAX_REQUEST_BYTES), "longer than 64 KB"),
    ],
)
def test_a_malformed_request_gets_an_error_and_the_server_goes_on(
    echo_server: tuple[ControlServer, list[dict[str, Any]]], payload: bytes, says: str
) -> None:
    """Each malformed request is answered with an error; the handler never sees it and
    the next good command is answered."""
    server, received = echo_server
    reply = exchange(server, payload)
    assert says in reply["error"]
    assert received == []
    assert send_command(server.path.parent, "status") == {"ok": True}
    assert received == [{"command": "status"}]


def test_a_silent_client_does_not_delay_others(
    echo_server: tuple[ControlServer, list[dict[str, Any]]],
) -> None:
    """While a client holds its connection without a word, another is answered at once;
    the silent one is told off after the client timeout."""
    server, _received = echo_server
    with connect(server) as silent:
        started = time.monotonic()
        assert send_command(server.path.parent, "pause") == {"ok": True}
        assert time.monotonic() - started < 1.0
        reply = json.loads(silent.makefile("rb").readline())
        assert "no complete request line" in reply["error"]
        assert time.monotonic() - started < CLIENT_TIMEOUT_S + 2


def test_clients_beyond_the_limit_are_told_the_service_is_busy(
    echo_server: tuple[ControlServer, list[dict[str, Any]]],
) -> None:
    """With MAX_CLIENTS connections held open, one more is answered "busy" at once; once
    they time out, commands are answered again."""
    server, _received = echo_server
    held = [connect(server) for _ in range(MAX_CLIENTS)]
    try:
        with pytest.raises(ControlError, match="busy"):
            send_command(server.path.parent, "status")
        for sock in held:
            assert "no complete request line" in json.loads(sock.makefile("rb").readline())["error"]
        deadline = time.monotonic() + 5
        while True:  # their threads free their slots just after replying
            try:
                assert send_command(server.path.parent, "status") == {"ok": True}
                break
            except ControlError:
                if time.monotonic() > deadline:
                    raise
    finally:
        for sock in held:
            sock.close()


def test_half_a_request_line_is_cut_off_at_the_deadline(
    echo_server: tuple[ControlServer, list[dict[str, Any]]],
) -> None:
    """A client that never finishes its line is answered with an error at the timeout."""
    server, received = echo_server
    with connect(server) as slow:
        slow.sendall(b'{"comm')
        reply = json.loads(slow.makefile("rb").readline())
    assert "no complete request line" in reply["error"] and received == []


def test_a_failing_handler_is_an_error_reply_not_a_dead_server(short_dir: Path) -> None:
    """An exception in the handler becomes an error reply; the next command is served."""
    calls: list[str] = []

    def handler(request: dict[str, Any]) -> dict[str, Any]:
        calls.append(request["command"])
        if len(calls) == 1:
            raise RuntimeError("boom")
        return {"ok": True}

    server = ControlServer(short_dir, handler)
    assert server.start()
    try:
        with pytest.raises(ControlError, match="status failed: boom"):
            send_command(short_dir, "status")
        assert send_command(short_dir, "status") == {"ok": True}
    finally:
        server.stop()


def test_a_garbled_or_missing_reply_is_a_clear_error(short_dir: Path) -> None:
    """send_command turns garbage or silence from the socket into a ControlError."""
    with socket.socket(socket.AF_UNIX, socket.SOCK_STREAM) as impostor:
        impostor.bind(str(short_dir / CONTROL_SOCKET_NAME))
        impostor.listen(4)
        with pytest.raises(ControlError, match=r"did not answer status within 0\.3 s"):
            send_command(short_dir, "status", timeout=0.3)
        impostor.accept()[0].close()  # the connection the timed-out client left

        def answer_garbage() -> None:
            conn, _ = impostor.accept()
            with conn:
                conn.recv(1024)
                conn.sendall(b"garbage\n")

        answering = threading.Thread(target=answer_garbage)
        answering.start()
        with pytest.raises(ControlError, match="answered status with 'garbage"):
            send_command(short_dir, "status", timeout=5)
        answering.join(5)
