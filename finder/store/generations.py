"""Index generations: which folder of a data dir holds the index that answers.

A model change needs a whole new index (new chunks, new vectors), built while the old
one keeps answering. SQLite files cannot be swapped under open readers (their -wal and
-shm files would be applied to the new database), so each index lives in its own folder
and a small pointer file, ``current``, names the one in force:

- no pointer: the index sits in the data dir itself (every data dir starts so);
- ``index-N``: the index sits in ``<data dir>/index-N``.

The writer builds ``index-N+1`` beside the current one, then swaps by replacing the
pointer atomically: a crash before the replace leaves the old index in force (and the
new one to be finished), after it the new one. Readers resolve the pointer when they open
and again when they refresh. Old generations are removed after the swap; on Windows a
file a reader still holds is removed at a later writer start instead.

Thread: the writer's (under the data dir's writer lock) for changes; any for reading.
"""

from __future__ import annotations

import contextlib
import re
import shutil
from pathlib import Path

from finder.store.atomic import write_text_atomically

POINTER = "current"
INDEX_FILES = ("catalog.sqlite3", "catalog.sqlite3-wal", "catalog.sqlite3-shm", "vectors.hnsw")
MANIFEST = "manifest.json"
_NAME = re.compile(r"index-(\d+)")


def current_generation(root: Path) -> str:
    """The folder name of the index in force ("" for the data dir itself)."""
    try:
        name = (root / POINTER).read_text(encoding="utf-8").strip()
    except OSError:
        return ""
    return name if _NAME.fullmatch(name) else ""


def generation_number(name: str) -> int:
    match = _NAME.fullmatch(name)
    return int(match.group(1)) if match else 0


def next_generation(name: str) -> str:
    return f"index-{generation_number(name) + 1}"


def make_current(root: Path, name: str) -> None:
    """Point the data dir at generation ``name``: atomic and durable (fsync, rename)."""
    write_text_atomically(root / POINTER, name + "\n")


def remove_generation(root: Path, name: str) -> None:
    """Delete generation ``name``'s files; what cannot be deleted now is left for later.

    The manifest goes first: a half-removed generation then reads as "no index".
    """
    if name:
        shutil.rmtree(root / name, ignore_errors=True)
        return
    for file in (MANIFEST, *INDEX_FILES):
        with contextlib.suppress(OSError):  # held open on Windows: left for later
            (root / file).unlink(missing_ok=True)


def other_generations(root: Path, current: str) -> tuple[list[str], list[str]]:
    """Generations on disk besides ``current``: (older ones, newer ones being built)."""
    older: list[str] = []
    newer: list[str] = []
    number = generation_number(current)
    if current and any((root / f).exists() for f in (MANIFEST, *INDEX_FILES)):
        older.append("")
    for entry in root.iterdir() if root.is_dir() else ():
        if entry.is_dir() and _NAME.fullmatch(entry.name) and entry.name != current:
            (older if generation_number(entry.name) < number else newer).append(entry.name)
    return sorted(older, key=generation_number), sorted(newer, key=generation_number)
