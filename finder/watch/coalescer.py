"""Per-path "last event wins" over a short quiet interval, handed out in batches.

An editor's atomic save (write a temp file, rename it over the real one) and a file
still being written each become one update once they settle, and a ``git checkout``
that touches 5,000 files becomes a few batches instead of 5,000 updates.

Thread: thread-safe. watchdog's threads call :meth:`touch` and :meth:`move`; the
service's writer thread calls :meth:`take_ready` and :meth:`due_in`.
"""

from __future__ import annotations

import threading
import time
from collections.abc import Callable, Iterable
from dataclasses import dataclass, field


@dataclass(frozen=True, slots=True)
class Batch:
    """Paths to bring level with the disk, and the moves among them in order."""

    paths: tuple[str, ...] = ()
    moves: tuple[tuple[str, str], ...] = ()

    def __bool__(self) -> bool:
        return bool(self.paths)


@dataclass(slots=True)
class _Pending:
    first: float
    last: float


@dataclass
class Coalescer:
    """Collects touched paths until each has been quiet for ``quiet_s``.

    A path that never goes quiet (a log appended to all day) is still handed out once
    every ``max_hold_s``, so it is never stale for longer than that.
    ``on_first`` is called (outside the lock) when the coalescer goes from empty to
    holding something, so a waiting consumer can compute its next wake-up.
    """

    quiet_s: float = 0.5
    max_hold_s: float = 30.0
    on_first: Callable[[], None] = lambda: None
    clock: Callable[[], float] = time.monotonic
    _pending: dict[str, _Pending] = field(default_factory=dict, init=False)
    _moved_from: dict[str, str] = field(default_factory=dict, init=False)  # dest -> origin
    _lock: threading.Lock = field(default_factory=threading.Lock, init=False)

    def touch(self, *paths: str) -> None:
        """Something happened at these paths (created, written, deleted)."""
        self._add(paths)

    def move(self, src: str, dest: str) -> None:
        """``src`` was renamed to ``dest``; both are touched and the move remembered."""
        with self._lock:
            # a -> b then b -> c is one move a -> c; a -> b -> a is no move at all.
            origin = self._moved_from.pop(src, src)
            if origin != dest:
                self._moved_from[dest] = origin
        self._add((src, dest))

    def _add(self, paths: Iterable[str]) -> None:
        now = self.clock()
        with self._lock:
            was_empty = not self._pending
            for path in paths:
                entry = self._pending.get(path)
                if entry is None:
                    self._pending[path] = _Pending(now, now)
                else:
                    entry.last = now
        if was_empty:
            self.on_first()

    def __len__(self) -> int:
        with self._lock:
            return len(self._pending)

    def due_in(self) -> float | None:
        """Seconds until some path is ready (0 if one is), or None when nothing waits."""
        now = self.clock()
        with self._lock:
            if not self._pending:
                return None
            return max(0.0, min(self._ready_at(e) for e in self._pending.values()) - now)

    def take_ready(self, limit: int = 2000) -> Batch:
        """Remove and return up to ``limit`` paths that have settled, with their moves.

        Both ends of a move leave in the same batch, so the move is applied as a rename
        rather than seen as a deletion now and a new file later.
        """
        now = self.clock()
        with self._lock:
            ready = [p for p, e in self._pending.items() if self._ready_at(e) <= now][:limit]
            taken = set(ready)
            moves = []
            for dest, origin in list(self._moved_from.items()):
                if dest in taken or origin in taken:
                    taken.update((dest, origin))
                    moves.append((origin, dest))
                    del self._moved_from[dest]
            for path in taken:
                self._pending.pop(path, None)
            return Batch(tuple(sorted(taken)), tuple(moves))

    def _ready_at(self, entry: _Pending) -> float:
        return min(entry.last + self.quiet_s, entry.first + self.max_hold_s)
