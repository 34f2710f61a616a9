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

A damaged pointer (garbled bytes, or naming a generation that holds no complete index,
i.e. no readable manifest beside a catalog) is never followed. The index in force is then
the *oldest* generation that holds a complete index: the pointer only ever moves to a
generation after it is complete, so the oldest complete one was in force at some point,
whereas a newer complete one may be a rebuild that was never swapped in. If the swap had
in fact happened (and the old generation was not yet removed), the settings still name
the new model, so the next writer run finds the rebuild pending and swaps to the newer
generation again, at the cost of a quick reconcile. The writer rewrites the pointer.

Thread: the writer's (under the data dir's writer lock) for changes; any for reading.
"""

from __future__ import annotations

import contextlib
import logging
import shutil
from pathlib import Path

from finder.paths import GENERATION_NAME, GENERATION_PREFIX, POINTER_NAME, DataPaths
from finder.store.atomic import write_text_atomically
from finder.store.manifest import read_manifest

log = logging.getLogger(__name__)
_warned: set[tuple[Path, bytes]] = set()  # damaged pointers already reported


def current_generation(root: Path, *, repair: bool = False) -> str:
    """The folder name of the index in force ("" for the data dir itself).

    A damaged pointer is resolved by the rule in the module docstring, with a warning
    (once per process); ``repair`` (the writer, under its lock) also rewrites it.
    """
    try:
        raw = (root / POINTER_NAME).read_bytes()
    except FileNotFoundError:
        raw = None
    except OSError:
        return ""
    name = raw.decode("utf-8", "replace").strip() if raw is not None else ""
    well_formed = raw is None or GENERATION_NAME.fullmatch(name) is not None
    if well_formed and holds_index(root, name):
        return name
    fallback = oldest_complete_generation(root)
    if well_formed and fallback is None:
        return name  # no index anywhere yet (a new data dir): nothing better to go on
    chosen = fallback or ""
    if (root, raw or b"") not in _warned:
        _warned.add((root, raw or b""))
        what = "missing" if raw is None else f"damaged ({raw[:40]!r})"
        log.warning(
            "the index pointer %s is %s: using %s, the oldest complete index%s",
            root / POINTER_NAME,
            what,
            f"generation {chosen}" if chosen else "the data dir itself",
            " (pointer rewritten)" if repair else "",
        )
    if repair:
        set_current(root, chosen)
    return chosen


def holds_index(root: Path, name: str) -> bool:
    """Whether generation ``name`` holds a complete index (manifest and catalog)."""
    index = DataPaths(root, generation=name)
    return index.catalog.is_file() and read_manifest(index.manifest) is not None


def oldest_complete_generation(root: Path) -> str | None:
    """The oldest generation holding a complete index, or None if none does."""
    names = [""] if holds_index(root, "") else []
    if root.is_dir():
        names += sorted(
            (e.name for e in root.iterdir() if GENERATION_NAME.fullmatch(e.name) and e.is_dir()),
            key=generation_number,
        )
    return next((n for n in names if holds_index(root, n)), None)


def set_current(root: Path, name: str) -> None:
    """Point at ``name``; for "" (the data dir itself) the pointer is removed."""
    if name:
        make_current(root, name)
    else:
        (root / POINTER_NAME).unlink(missing_ok=True)


def generation_number(name: str) -> int:
    match = GENERATION_NAME.fullmatch(name)
    return int(match.group(1)) if match else 0


def next_generation(name: str) -> str:
    return f"{GENERATION_PREFIX}{generation_number(name) + 1}"


def make_current(root: Path, name: str) -> None:
    """Point the data dir at generation ``name``: atomic and durable (fsync, rename)."""
    write_text_atomically(root / POINTER_NAME, name + "\n")


def remove_generation(root: Path, name: str) -> None:
    """Delete generation ``name``'s files; what cannot be deleted now is left for later.

    The manifest goes first: a half-removed generation then reads as "no index".
    """
    if name:
        shutil.rmtree(root / name, ignore_errors=True)
        return
    for file in DataPaths(root).index_files:  # the manifest first
        with contextlib.suppress(OSError):  # held open on Windows: left for later
            file.unlink(missing_ok=True)


def other_generations(root: Path, current: str) -> tuple[list[str], list[str]]:
    """Generations on disk besides ``current``: (older ones, newer ones being built)."""
    older: list[str] = []
    newer: list[str] = []
    number = generation_number(current)
    if current and any(f.exists() for f in DataPaths(root).index_files):
        older.append("")
    for entry in root.iterdir() if root.is_dir() else ():
        if entry.is_dir() and GENERATION_NAME.fullmatch(entry.name) and entry.name != current:
            (older if generation_number(entry.name) < number else newer).append(entry.name)
    return sorted(older, key=generation_number), sorted(newer, key=generation_number)
