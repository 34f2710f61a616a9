"""The live service's value types: its options, its state for status displays and the
report of one batch, shared by the service, its control socket, the CLI and the window.

Thread: immutable values, safe to hand between threads.
"""

from __future__ import annotations

import os
from dataclasses import dataclass, field

from finder.domain import IndexReport, Progress
from finder.settings import IndexSettings
from finder.watch.watcher import RootWatch


@dataclass(frozen=True, slots=True)
class ServiceOptions:
    """Timings and policies of the service (defaults suit a laptop)."""

    quiet_s: float = 0.5  # a path is updated once it has had no event for this long
    max_hold_s: float = 30.0  # ... or at the latest this long after its first event
    poll_interval_s: float = 120.0  # rescans of polled roots (network shares, fallbacks)
    rescan_interval_s: float = 3600.0  # light rescans of watched roots (missed events)
    health_interval_s: float = 2.0  # how often dead watchers are looked for
    save_interval_s: float = 600.0  # vector index saves (the catalog commits as it goes)
    release_workers_s: float = 300.0  # parser processes are stopped after this long idle
    rebuild_slice_s: float = 5.0  # a rebuild runs this long at least before events go first
    force_polling: bool = False
    watch_limit: int | None = None  # None: the system's inotify limit
    nice: int = 10  # added to the writer thread's CPU niceness (Linux)
    control: bool = True  # answer finder pause / resume / status on the data dir's socket
    disk_full_retry_s: float = 60.0  # a full disk stops indexing; tried again after this


@dataclass(frozen=True, slots=True)
class ServiceState:
    """A snapshot of the service for status displays."""

    # "starting" | "reconciling" | "indexing" | "rebuilding" | "idle" | "paused" |
    # "disk full" | "stopped"
    phase: str
    roots: tuple[RootWatch, ...] = ()
    queued: int = 0  # paths with events not yet indexed
    paused: bool = False  # asked to pause (the phase says when it has)
    last_reconcile: float | None = None  # epoch seconds of the last full rescan
    progress: Progress | None = None
    settings: IndexSettings | None = None  # the index settings in force
    problem: str | None = None  # why indexing is held up (a full disk), for people
    pid: int = field(default_factory=os.getpid)

    def to_json(self) -> dict:
        return {
            "phase": self.phase,
            "pid": self.pid,
            "queued": self.queued,
            "paused": self.paused,
            "last_reconcile": self.last_reconcile,
            "problem": self.problem,
            "roots": [{"root": r.root, "mode": r.mode, "reason": r.reason} for r in self.roots],
            "progress": None
            if self.progress is None
            else {
                "phase": self.progress.phase,
                "done": self.progress.done,
                "total": self.progress.total,
                "rate": self.progress.rate,
            },
        }


@dataclass(frozen=True, slots=True)
class BatchReport:
    """What one update did, for ``on_batch`` listeners."""

    kind: str  # "reconcile" | "poll" | "events" | "rebuild" (a slice) | "swap" (its end)
    paths: tuple[str, ...]
    report: IndexReport
