"""The search worker turns a damaged index into a message for the window, never a crash;
its controller stops it within a bounded wait."""

from __future__ import annotations

import logging
import threading
from collections.abc import Callable
from pathlib import Path

import pytest

from finder.engine import IndexReader, IndexWriter
from finder.gui.search_worker import SearchController, SearchWorker
from tests.conftest import index_sample


def test_a_damaged_catalog_is_said_not_raised(
    qtbot, open_engine: Callable[..., IndexWriter], tmp_path: Path, cache_dir: Path
) -> None:
    """A catalog whose header is garbage: the worker emits a problem naming the damage
    (what the window shows) instead of letting an exception escape its slot."""
    data = index_sample(open_engine, tmp_path)
    catalog = data / "catalog.sqlite3"
    with open(catalog, "r+b") as f:
        f.write(b"\xff" * 100)
    worker = SearchWorker(data, cache_dir)
    worker.latest = 1
    with qtbot.waitSignal(worker.problem, timeout=10_000) as said:
        worker.search(1, "roses")
    assert "damaged" in said.args[0]
    worker.close()


class BusyWorker(SearchWorker):
    """A worker whose searches hold its thread until the test lets go: a slow search."""

    def __init__(self, data_dir: Path, cache_dir: Path) -> None:
        super().__init__(data_dir, cache_dir)
        self.busy = threading.Event()
        self.release = threading.Event()

    def _open(self) -> IndexReader | None:
        # Not a slot override: PySide6 calls an overridden slot directly, on the
        # emitting thread; the base class's slot calls this on the worker's thread.
        self.busy.set()
        self.release.wait(60)
        return None


def test_stopping_a_busy_worker_is_bounded(
    qtbot, tmp_path: Path, cache_dir: Path, caplog: pytest.LogCaptureFixture
) -> None:
    """stop() gives up after its timeout on a search that holds the thread, says so in
    the log, and a later stop() ends the thread once the search has returned."""
    worker = BusyWorker(tmp_path / "data", cache_dir)
    controller = SearchController(worker)
    controller.find_similar("/any")  # sent at once, no debounce
    assert worker.busy.wait(10)
    with caplog.at_level(logging.WARNING, logger="finder.gui.search_worker"):
        assert controller.stop(timeout_s=0.05) is False
    assert "still busy" in caplog.text
    worker.release.set()
    assert controller.stop() is True
    assert controller.stop() is True  # idempotent
