"""The control socket: one JSON line each way, private to the user, absent when stopped."""

from __future__ import annotations

import socket
import stat
from pathlib import Path
from typing import Any

import pytest

from finder.indexing.control import SOCKET_NAME, ControlServer, send_command


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
        assert send_command(short_dir, "format_disk") == {"error": "unknown command 'format_disk'"}
    finally:
        server.stop()
    assert received == [{"command": "pause"}, {"command": "add_roots", "paths": ["/x"]}]


def test_the_socket_is_private_and_removed_on_stop(short_dir: Path) -> None:
    """The socket file is mode 0600 and gone after stop: then nobody answers."""
    server = ControlServer(short_dir, lambda _r: {})
    assert server.start()
    mode = stat.S_IMODE((short_dir / SOCKET_NAME).stat().st_mode)
    server.stop()
    assert mode == 0o600
    assert not (short_dir / SOCKET_NAME).exists()
    assert send_command(short_dir, "status") is None


def test_a_socket_left_by_a_crash_is_not_mistaken_for_a_service(short_dir: Path) -> None:
    """A stale socket file (nobody listening) means no service; a new server replaces it."""
    stale = socket.socket(socket.AF_UNIX, socket.SOCK_STREAM)
    stale.bind(str(short_dir / SOCKET_NAME))
    stale.close()
    assert send_command(short_dir, "status") is None
    server = ControlServer(short_dir, lambda _r: {"ok": True})
    assert server.start()
    try:
        assert send_command(short_dir, "status") == {"ok": True}
    finally:
        server.stop()
