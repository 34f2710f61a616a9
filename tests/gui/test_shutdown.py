"""The window's shutdown waits for indexing a bounded time, then says what it left."""

from __future__ import annotations

import logging
import threading
from collections.abc import Callable
from pathlib import Path

import pytest
from PySide6.QtCore import Qt

from finder.app import App


def test_shutdown_gives_up_on_a_busy_writer(
    make_app: Callable[..., App], root: Path, caplog: pytest.LogCaptureFixture
) -> None:
    """A writer thread held in a callback outlives shutdown's wait: shutdown returns,
    logs it and reports not stopped (so run() ends the process); the writer still ends
    once let go."""
    app = make_app()
    assert app.service is not None
    busy, release = threading.Event(), threading.Event()

    def hold(_roots: object) -> None:  # runs on the writer thread (direct connection)
        busy.set()
        release.wait(60)

    app.bridge.watch_changed.connect(hold, Qt.ConnectionType.DirectConnection)
    app.service.change_roots([str(root)], [])
    assert busy.wait(60)
    with caplog.at_level(logging.WARNING, logger="finder.app"):
        app.shutdown(service_timeout_s=0.05)
    assert not app.stopped
    assert "indexing did not stop" in caplog.text
    release.set()
    assert app.service.join(60)
