"""What the indexing pipeline produces per file and per run, before and after committing.

Plain data built on the writer thread (:mod:`finder.indexing.pipeline`); no I/O.
"""

from __future__ import annotations

import time
from dataclasses import dataclass, field

from finder.domain import Chunk, FileState, FileStatus, IndexReport
from finder.indexing.planner import ScanPlan
from finder.indexing.scanner import DiskFile

REPORTED_PATHS = 100  # an IndexReport names at most this many changed paths


@dataclass(slots=True)
class Tally:
    """What a run changed so far: counts, and the first paths for people to see."""

    added: int = 0
    updated: int = 0
    removed: int = 0
    renamed: int = 0
    failed: int = 0
    paths: list[str] = field(default_factory=list)
    stopped: bool = False  # extraction ended early: some planned files were not reached

    def note(self, change: str, path: str) -> None:
        setattr(self, change, getattr(self, change) + 1)
        if len(self.paths) < REPORTED_PATHS:
            self.paths.append(path)

    def report(self, plan: ScanPlan, embedded: int, started: float) -> IndexReport:
        return IndexReport(
            added=self.added,
            updated=self.updated,
            removed=self.removed,
            renamed=self.renamed,
            unchanged=plan.unchanged,
            failed=self.failed,
            chunks_embedded=embedded,
            seconds=time.monotonic() - started,
            paths=tuple(self.paths),
        )


@dataclass(slots=True)
class FileResult:
    """What to write for one file; built off the catalog, committed in batches."""

    disk: DiskFile
    previous: FileState | None
    status: FileStatus
    digest: str | None
    error: str | None = None
    chunks: list[Chunk] = field(default_factory=list)
    copy_from: int | None = None
    keep_chunks: bool = False
