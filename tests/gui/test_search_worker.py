"""The search worker turns a damaged index into a message for the window, never a crash."""

from __future__ import annotations

from collections.abc import Callable
from pathlib import Path

from finder.engine import IndexWriter
from finder.gui.search_worker import SearchWorker
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
