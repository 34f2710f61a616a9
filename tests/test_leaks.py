"""The leak check run after every test (tests/leaks.py) sees what a test leaves running."""

from __future__ import annotations

import subprocess
import sys
import threading
import time

from tests import leaks


def test_a_thread_left_running_is_named_until_it_ends() -> None:
    """A Python thread started and not stopped is reported by name; once it has ended,
    nothing is."""
    before = leaks.snapshot()
    release = threading.Event()
    thread = threading.Thread(target=release.wait, name="forgotten", daemon=True)
    thread.start()
    [left] = leaks.leftovers(before, grace_s=0.05)
    assert "'forgotten'" in left
    release.set()
    assert leaks.leftovers(before) == []  # the grace period waits for it to end
    assert not thread.is_alive()


def test_a_child_left_running_is_named_by_its_command_line() -> None:
    """A child process still running is reported with its command line; a finished one
    (reaped or not) is not."""
    before = leaks.snapshot()
    child = subprocess.Popen(
        [sys.executable, "-c", "import sys; sys.stdin.read()"], stdin=subprocess.PIPE
    )
    [left] = leaks.leftovers(before, grace_s=0.05)
    assert f"child {child.pid}:" in left and "sys.stdin.read()" in left
    assert leaks.leftovers(before, grace_s=0.05, children=False) == []
    assert child.stdin is not None
    child.stdin.close()
    assert leaks.leftovers(before) == []
    child.wait(10)


def test_the_check_is_cheap_when_nothing_is_left() -> None:
    """Snapshot and check together stay well under a millisecond on average."""
    start = time.perf_counter()
    for _ in range(100):
        assert leaks.leftovers(leaks.snapshot()) == []
    assert (time.perf_counter() - start) / 100 < 0.001
