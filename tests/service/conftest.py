"""Fixtures for the index service tests: a started service and its batch reports."""

from __future__ import annotations

import queue
import sqlite3
import time
from collections.abc import Callable, Iterator
from pathlib import Path

import pytest

from finder.domain import Progress
from finder.embed import Embedder
from finder.engine import IndexReader, IndexWriter
from finder.service.live import IndexService
from finder.service.state import BatchReport, ServiceOptions
from tests.conftest import write

FAST = ServiceOptions(quiet_s=0.2, health_interval_s=0.2, nice=0)


class Running:
    """A started service, with a queue of its batch reports to wait on."""

    def __init__(self, service: IndexService, reports: queue.Queue[BatchReport], data: Path):
        self.service = service
        self.reports = reports
        self.data = data
        self.batches: list[BatchReport] = []

    def wait_for(self, condition: Callable[[], bool], timeout: float = 30.0) -> None:
        """Wait until ``condition`` holds, checking after each batch (and every 50 ms, for
        conditions no batch announces, such as a pause). Batches go to ``self.batches``."""
        deadline = time.monotonic() + timeout
        while not condition():
            remaining = deadline - time.monotonic()
            if remaining <= 0:
                raise AssertionError(f"condition not met in {timeout} s; {self.batches}")
            try:
                self.batches.append(self.reports.get(timeout=min(remaining, 0.05)))
            except queue.Empty:
                continue

    def barrier(self, root: Path) -> None:
        """Write a marker file and wait for the batch holding it: events are delivered in
        order, so every event before the marker has been handled by then."""
        marker = write(root / f"marker-{len(self.batches)}.txt", "marker")
        self.wait_for(lambda: any(str(marker) in b.paths for b in self.batches))

    def touching(self, path: Path) -> list[BatchReport]:
        return [b for b in self.batches if str(path) in b.paths]

    def wait_for_batch(self, kind: str, timeout: float = 60.0) -> BatchReport:
        """The next batch report of ``kind`` ("reconcile", "poll" or "events")."""
        deadline = time.monotonic() + timeout
        while True:
            report = self.reports.get(timeout=max(0.0, deadline - time.monotonic()))
            self.batches.append(report)
            if report.kind == kind:
                return report

    def files(self) -> dict[str, tuple[int, str]]:
        """Indexed paths -> (file id, status), read through a separate connection."""
        db = sqlite3.connect(f"file:{self.data / 'catalog.sqlite3'}?mode=ro", uri=True)
        try:
            return {p: (i, s) for i, p, s in db.execute("SELECT id, path, status FROM files")}
        finally:
            db.close()

    def pending(self) -> int:
        db = sqlite3.connect(f"file:{self.data / 'catalog.sqlite3'}?mode=ro", uri=True)
        try:
            return db.execute("SELECT COUNT(*) FROM chunks WHERE vector_id IS NULL").fetchone()[0]
        finally:
            db.close()

    def settled(self, path: Path) -> Callable[[], bool]:
        """A condition: ``path`` is indexed with its meaning."""
        return lambda: str(path) in self.files() and self.pending() == 0


@pytest.fixture
def start_service(
    embedder: Embedder, cache_dir: Path, tmp_path: Path
) -> Iterator[Callable[..., Running]]:
    """Starts services on a data dir under tmp_path; stops them after the test."""
    started: list[IndexService] = []

    def _start(
        roots: list[Path],
        options: ServiceOptions = FAST,
        data: Path | None = None,
        on_progress: Callable[[Progress], None] | None = None,
    ) -> Running:
        data = data or tmp_path / "data"
        if roots:
            with IndexWriter.open(data, cache_dir=cache_dir, embedder=embedder) as engine:
                engine.add_roots(roots)
        reports: queue.Queue[BatchReport] = queue.Queue()
        service = IndexService(
            data,
            cache_dir=cache_dir,
            embedder=embedder,
            options=options,
            on_batch=reports.put,
            on_progress=on_progress,
        )
        service.start()
        started.append(service)
        running = Running(service, reports, data)
        running.wait_for_batch("reconcile")
        return running

    yield _start
    for service in started:
        service.stop(timeout=30)
        assert service.join(0), "the writer thread did not stop"


def search(running: Running, query: str) -> str:
    with IndexReader.open(running.data) as reader:
        hits = reader.search(query, 1)
    return hits[0].path if hits else ""
