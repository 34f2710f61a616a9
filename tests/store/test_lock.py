"""The writer lock: one holder at a time, released on release() or on the holder's death."""

from __future__ import annotations

import os
import select
import signal
import subprocess
import sys
from collections.abc import Iterator
from pathlib import Path

import pytest

from finder.store.lock import WriterLock, WriterLockedError

HOLDER = """
import sys
from pathlib import Path
from finder.store.lock import WriterLock

lock = WriterLock(Path(sys.argv[1]))  # keep a reference: closing the file unlocks
lock.acquire()
print("locked", flush=True)
sys.stdin.readline()  # hold the lock until killed
"""


@pytest.fixture
def lock_path(tmp_path: Path) -> Path:
    return tmp_path / "writer.lock"


@pytest.fixture
def held(lock_path: Path) -> Iterator[WriterLock]:
    lock = WriterLock(lock_path)
    lock.acquire()
    yield lock
    lock.release()


def test_second_lock_is_refused_naming_the_holder(lock_path: Path, held: WriterLock) -> None:
    """A second WriterLock on the same file raises WriterLockedError with the holder's pid."""
    with pytest.raises(WriterLockedError, match=rf"pid {os.getpid()}\b") as err:
        WriterLock(lock_path).acquire()
    assert str(lock_path.parent) in str(err.value)
    assert lock_path.read_text(encoding="utf-8") == str(os.getpid())


def test_lock_can_be_taken_after_release(lock_path: Path, held: WriterLock) -> None:
    """After release() another WriterLock acquires the same file."""
    held.release()
    again = WriterLock(lock_path)
    again.acquire()
    try:
        with pytest.raises(WriterLockedError):
            WriterLock(lock_path).acquire()
    finally:
        again.release()


def test_release_is_idempotent(lock_path: Path) -> None:
    """release() without acquire, or twice, does nothing."""
    lock = WriterLock(lock_path)
    lock.release()
    lock.acquire()
    lock.release()
    lock.release()


def test_failed_acquire_does_not_disturb_the_holder(lock_path: Path, held: WriterLock) -> None:
    """A refused acquire leaves the holder's pid in the file and the lock held."""
    for _ in range(3):
        with pytest.raises(WriterLockedError):
            WriterLock(lock_path).acquire()
    assert lock_path.read_text(encoding="utf-8") == str(os.getpid())


@pytest.mark.skipif(sys.platform == "win32", reason="SIGKILL is POSIX")
def test_lock_of_a_killed_process_is_taken_over(lock_path: Path) -> None:
    """A holder killed with SIGKILL leaves no stale lock: the next acquire succeeds."""
    proc = subprocess.Popen(
        [sys.executable, "-c", HOLDER, str(lock_path)],
        stdin=subprocess.PIPE,
        stdout=subprocess.PIPE,
        text=True,
    )
    try:
        assert proc.stdout is not None
        ready, _, _ = select.select([proc.stdout], [], [], 60)
        assert ready, "the holder process did not report the lock in time"
        assert proc.stdout.readline().strip() == "locked"
        with pytest.raises(WriterLockedError, match=rf"pid {proc.pid}\b"):
            WriterLock(lock_path).acquire()
        proc.send_signal(signal.SIGKILL)
        assert proc.wait(timeout=30) == -signal.SIGKILL
        lock = WriterLock(lock_path)
        lock.acquire()
        lock.release()
    finally:
        if proc.poll() is None:
            proc.kill()
            proc.wait(timeout=30)
        for stream in (proc.stdin, proc.stdout):
            if stream is not None:
                stream.close()
