"""One window per data dir: a second launch asks the first to show itself, and no
other user can stand in the way or pass for the first."""

from __future__ import annotations

import getpass
import hashlib
import logging
import os
import socket
import stat
import tempfile
from collections.abc import Iterator
from contextlib import contextmanager
from pathlib import Path

import pytest
from PySide6.QtCore import QDir

from finder.gui.single_instance import (
    DATA_DIR_SOCKET,
    MAX_SOCKET_PATH,
    SingleInstance,
    socket_path,
)

UID = os.getuid()


@pytest.fixture
def data(tmp_path_factory: pytest.TempPathFactory) -> Path:
    """A data dir short enough for a socket path inside it."""
    return tmp_path_factory.mktemp("si") / "data"


@contextmanager
def squatter(path: Path) -> Iterator[socket.socket]:
    """A plain socket server bound at ``path`` that accepts and says nothing."""
    with socket.socket(socket.AF_UNIX, socket.SOCK_STREAM) as sock:
        sock.bind(str(path))
        sock.listen(8)
        try:
            yield sock
        finally:
            path.unlink(missing_ok=True)


def test_a_second_launch_raises_the_first(qtbot, data: Path) -> None:
    """The first instance listens; a later one for the same data dir reaches it."""
    first = SingleInstance(data)
    assert first.listen()
    second = SingleInstance(data)
    with qtbot.waitSignal(first.raise_requested, timeout=5_000):
        assert second.ask_running_to_raise()


def test_another_data_dir_is_another_instance(qtbot, tmp_path: Path) -> None:
    """Nobody answers for a data dir no window has open."""
    first = SingleInstance(tmp_path / "one")
    assert first.listen()
    assert not SingleInstance(tmp_path / "two").ask_running_to_raise(timeout_ms=200)


def test_the_socket_is_in_the_private_runtime_dir_or_the_data_dir(tmp_path: Path) -> None:
    """$XDG_RUNTIME_DIR when ours and 0700; else the data dir, created 0700 if missing."""
    runtime = tmp_path / "run"
    runtime.mkdir(mode=0o700)
    data = tmp_path / "d"
    in_runtime = socket_path(data, runtime_dir=str(runtime), uid=UID)
    assert in_runtime is not None and in_runtime.parent == runtime
    runtime.chmod(0o755)
    assert socket_path(data, runtime_dir=str(runtime), uid=UID) == data / DATA_DIR_SOCKET
    assert socket_path(data, runtime_dir=None, uid=UID) == data / DATA_DIR_SOCKET
    assert stat.S_IMODE(data.stat().st_mode) == 0o700


def test_a_data_dir_too_long_or_writable_by_others_gives_a_private_temp_folder(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    """A data dir whose socket path is too long, or that others may write in, is passed
    over for a folder of our own, 0700, in the temp dir."""
    monkeypatch.setattr(tempfile, "tempdir", str(tmp_path))
    long_data = tmp_path / ("x" * 120)
    shared = tmp_path / "shared"
    shared.mkdir()
    shared.chmod(0o777)
    for data in (long_data, shared):
        path = socket_path(data, runtime_dir=None, uid=UID)
        assert path is not None and path.parent == tmp_path / f"finder-{UID}"
        assert len(os.fsencode(path)) <= MAX_SOCKET_PATH
        assert stat.S_IMODE(path.parent.stat().st_mode) == 0o700


def test_a_temp_folder_made_by_someone_else_is_not_used(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    """If the temp folder of that name belongs to another user, there is no socket
    (the window opens without the check) rather than one in a folder others control."""
    monkeypatch.setattr(tempfile, "tempdir", str(tmp_path))
    stranger = UID + 1  # the folder exists, but is ours, not the stranger's
    (tmp_path / f"finder-{stranger}").mkdir(mode=0o700)
    assert socket_path(tmp_path / ("x" * 120), runtime_dir=None, uid=stranger) is None


def test_a_squatter_at_the_old_temp_name_does_not_stop_the_window(qtbot, data: Path) -> None:
    """A socket another user bound at the shared /tmp name of old is not consulted: the
    window starts, and a second launch still raises it."""
    digest = hashlib.sha256(str(data.resolve()).encode()).hexdigest()[:16]
    old = Path(QDir.tempPath()) / f"finder-{getpass.getuser()}-{digest}"
    with squatter(old):
        first = SingleInstance(data)
        assert not first.ask_running_to_raise(timeout_ms=200)
        assert first.listen()
        with qtbot.waitSignal(first.raise_requested, timeout=5_000):
            assert SingleInstance(data).ask_running_to_raise()


def test_a_server_of_another_user_is_not_believed(
    qtbot, data: Path, caplog: pytest.LogCaptureFixture
) -> None:
    """A socket at our name held by another uid is not taken for our window: the launch
    says so, opens its own window and takes the name over."""
    me = SingleInstance(data, expected_uid=UID + 1)  # so the (real) squatter is a stranger
    assert me.name is not None
    with caplog.at_level(logging.WARNING), squatter(Path(me.name)):
        assert not me.ask_running_to_raise()
        assert "not by this user" in caplog.text
        assert me.listen()
        with qtbot.waitSignal(me.stranger_refused, timeout=5_000):  # the name is ours now
            SingleInstance(data).ask_running_to_raise()


def test_the_server_ignores_a_client_of_another_user(qtbot, data: Path) -> None:
    """A launch by another uid does not raise the window; it is turned away."""
    first = SingleInstance(data, expected_uid=UID + 1)
    assert first.listen()
    raised: list[bool] = []
    first.raise_requested.connect(lambda: raised.append(True))
    with qtbot.waitSignal(first.stranger_refused, timeout=5_000) as refused:
        SingleInstance(data).ask_running_to_raise()
    assert refused.args == [UID] and raised == []
