"""The leak check after every test sees QThreads too, which Python's threading does not list."""

from __future__ import annotations

from PySide6.QtCore import QThread

from tests import leaks


def test_a_qthread_left_running_is_reported(qapp) -> None:
    """A running QThread (its own event loop) counts as left running until it ends."""
    before = leaks.snapshot()
    thread = QThread()
    thread.setObjectName("finder-forgotten")
    thread.start()
    try:
        [left] = leaks.leftovers(before, grace_s=0.05)
        assert "finder-forgotte" in left  # the kernel keeps 15 characters of a name
    finally:
        thread.quit()
        assert thread.wait(10_000)
    assert leaks.leftovers(before) == []
