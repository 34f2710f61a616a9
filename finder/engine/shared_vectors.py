"""The vector indexes a writer in this process has loaded, for readers to share.

The window's process runs the indexing service (a writer) and a search worker (a
reader) over the same data dir: without this, every vector would be held twice. A
writer publishes the index it loaded and withdraws it when it closes or drops it; a
reader of the same file takes the published one (see
:meth:`finder.engine.generation.Generation.vector_index`).

Thread: any (one lock). The indexes themselves have their own lock.
"""

from __future__ import annotations

import threading
from pathlib import Path

from finder.store.vectors import VectorIndex

_lock = threading.Lock()
_published: dict[str, VectorIndex] = {}


def _key(path: Path) -> str:
    return str(path.resolve())


def publish(path: Path, index: VectorIndex) -> None:
    with _lock:
        _published[_key(path)] = index


def withdraw(path: Path, index: VectorIndex) -> None:
    with _lock:
        if _published.get(_key(path)) is index:
            del _published[_key(path)]


def find(path: Path) -> VectorIndex | None:
    """The index a writer in this process has loaded from ``path``, if any."""
    with _lock:
        return _published.get(_key(path))
