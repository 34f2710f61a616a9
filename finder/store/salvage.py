"""Finding a damaged catalog and rebuilding it from what can still be read.

A garbled page or a truncated ``catalog.sqlite3`` must not leave finder broken for good.
The catalog's files, chunks and keyword indexes can all be made again from the files on
disk; what is costly to make again is the vectors (the model's time), and those are
keyed by chunk text hash: a vector read back from the damaged file serves the same chunk
text again without the model. So the damaged file is set aside (kept for the person, as
``catalog.sqlite3.damaged-<time>``), a new catalog gets the settings, the roots and every
vector row that can still be read, and the next indexing run extracts the files again
and finds their vectors already there (only the lost ones are embedded).

API (also used by ``finder check``):

- ``catalog_problem(path) -> str | None``: a full ``PRAGMA quick_check`` (reads the whole
  file: 0.3 s warm, 4-8 s cold at 100k chunks), plus the tables finder needs. ``None``
  when sound or when there is no catalog yet.
- ``rebuild_damaged_catalog(paths, problem="") -> SalvageReport``: set aside and rebuild.
  The caller holds the writer lock and has closed its own connection to the catalog.
- ``damage_sign(path) -> str | None``: cheap reasons to run ``catalog_problem``: a note
  left by a process that met damage (:mod:`finder.store.sqlite_damage`), an empty file,
  a file shorter than its header says.
- ``suspected_problem(path) -> str | None``: ``catalog_problem`` only if there is a sign.
- ``open_writer_catalog(paths) -> Catalog``: the writer's catalog, rebuilt first when it
  fails to open or when a sign of damage is confirmed.

When it runs: never a full check on the hot path. The writer checks at open only on a
sign, and rebuilds whenever SQLite reports damage during a run (``Engine``); a reader
that meets damage leaves the note and says so. Damage nothing has read yet is found by
``finder check`` or by the first search that reads it.

Thread: the writer's (rebuilding); ``catalog_problem`` and ``damage_sign`` from any.
"""

from __future__ import annotations

import contextlib
import logging
import os
import sqlite3
import struct
import time
from collections.abc import Iterator
from dataclasses import dataclass
from pathlib import Path

import numpy as np

from finder.paths import DataPaths
from finder.store import schema as sql
from finder.store.atomic import fsync_dir
from finder.store.catalog import Catalog, CatalogDamagedError
from finder.store.manifest import read_manifest
from finder.store.sqlite_damage import damage_note

log = logging.getLogger(__name__)

REQUIRED_TABLES = ("meta", "roots", "files", "chunks", "vectors", "chunks_fts", "files_fts")
SIDE_FILES = ("-wal", "-shm")
KEPT_META = ("settings",)  # not last_reconcile: the new catalog has seen no file yet
ROWS_PER_READ = 256  # a failing range is halved down to single rows
UNBOUNDED_ROWIDS = 4096  # meta and roots rowids to try when their last one is unreadable


@dataclass(frozen=True, slots=True)
class SalvageReport:
    """What a rebuild kept."""

    problem: str
    aside: Path | None  # the damaged file, kept for the person (None: it was empty)
    vectors: int  # vector rows copied into the new catalog
    roots: int
    settings_kept: bool
    vector_index_kept: bool  # False: vectors.hnsw was removed, rebuilt at next use

    def message(self) -> str:
        kept = f"kept {self.vectors} vectors, {self.roots} folders"
        kept += ", the settings" if self.settings_kept else ""
        where = f"set it aside as {self.aside}" if self.aside else "removed the empty file"
        return (
            f"the catalog was damaged ({self.problem}); {where} and rebuilt it ({kept}); "
            "the files are read again, and only text whose vector was lost is embedded"
        )


# --- finding damage -------------------------------------------------------------------
def damage_sign(path: Path) -> str | None:
    """A cheap reason to suspect the catalog at ``path`` (no full read), or None."""
    note = damage_note(path)
    with contextlib.suppress(OSError):
        return note.read_text(encoding="utf-8").strip() or "damage seen"
    try:
        size = path.stat().st_size
        with open(path, "rb") as f:
            header = f.read(100)
    except OSError:
        return None  # missing: no index yet
    if size == 0:
        return "the catalog file is empty"
    wal = path.with_name(path.name + "-wal")
    if len(header) == 100 and header.startswith(b"SQLite format 3\0") and not _has_content(wal):
        # The page count in the header is valid when the two counters agree; with frames
        # waiting in the WAL the file may legitimately lag behind it.
        page_size = struct.unpack(">H", header[16:18])[0]
        page_size = 65536 if page_size == 1 else page_size
        changes, pages = struct.unpack(">II", header[24:32])
        (valid_for,) = struct.unpack(">I", header[92:96])
        if changes == valid_for and pages * page_size > size:
            return f"the catalog file is truncated: {size} of {pages * page_size} bytes"
    return None


def _has_content(path: Path) -> bool:
    try:
        return path.stat().st_size > 0
    except OSError:
        return False


def catalog_problem(path: Path) -> str | None:
    """What is wrong with the catalog at ``path``, by a full ``PRAGMA quick_check``;
    None when it is sound or missing. Opens it read-only (safe beside the writer)."""
    if not path.exists():
        return None
    if path.stat().st_size == 0:
        return "the catalog file is empty"
    try:
        db = sqlite3.connect(f"{path.resolve().as_uri()}?mode=ro", uri=True)
    except sqlite3.Error as err:
        return str(err)
    try:
        found = [str(r[0]) for r in db.execute("PRAGMA quick_check")]
        if found != ["ok"]:
            lines = "; ".join(found[:3]).replace("\n", " ")
            return lines[:300] + (f" (and {len(found) - 3} more)" if len(found) > 3 else "")
        tables = {r[0] for r in db.execute(sql.TABLE_NAMES)}
        missing = [t for t in REQUIRED_TABLES if t not in tables]
        return f"tables missing: {', '.join(missing)}" if missing else None
    except sqlite3.DatabaseError as err:
        return str(err)
    finally:
        db.close()


def suspected_problem(path: Path) -> str | None:
    """:func:`catalog_problem` if there is a :func:`damage_sign`, else None (cheap when
    there is none); a note the full check does not confirm is removed."""
    if damage_sign(path) is None:
        return None
    problem = catalog_problem(path)
    if problem is None:
        damage_note(path).unlink(missing_ok=True)  # a false alarm
    return problem


def open_writer_catalog(paths: DataPaths) -> Catalog:
    """The writer's catalog: rebuilt first (with a warning) when a sign of damage is
    confirmed, or when it fails to open or to read its settings and roots."""
    problem = suspected_problem(paths.catalog)
    if problem is None:
        try:
            catalog = Catalog(paths.catalog)
            try:
                catalog.get_meta("settings")
                catalog.roots()
                return catalog
            except CatalogDamagedError:
                catalog.close()
                raise
        except CatalogDamagedError as err:
            problem = err.detail
    rebuild_damaged_catalog(paths, problem)
    return Catalog(paths.catalog)


# --- rebuilding -----------------------------------------------------------------------
def rebuild_damaged_catalog(paths: DataPaths, problem: str = "") -> SalvageReport:
    """Set the catalog aside and make a new one holding what can still be read of it:
    the settings, the roots and every valid vector row (ids and the id high-water mark
    kept, so ``vectors.hnsw`` stays valid; it is removed if the mark cannot be read).

    The caller holds the writer lock and has closed its own connection to the catalog;
    readers still open keep reading the old file until they open the catalog again.
    Logs the report as a warning.
    """
    catalog = paths.catalog
    aside = _set_aside(catalog)
    Catalog(catalog).close()  # the schema, in a new file
    settings: str | None = None
    roots: list[tuple] = []
    vectors: list[tuple] = []
    watermark: int | None = None
    if aside is not None:
        settings, roots, vectors, watermark = _read_what_remains(aside, paths)
    db = sqlite3.connect(catalog, isolation_level=None)
    try:
        db.execute("BEGIN IMMEDIATE")
        if settings is not None:
            db.execute(sql.SET_META, ("settings", settings))
        db.executemany(sql.ADD_ROOT, roots)
        db.executemany(sql.RESTORE_VECTOR, vectors)
        if watermark is not None:
            db.execute(sql.RESTORE_VECTOR_WATERMARK, (watermark,))
            db.execute(sql.RAISE_VECTOR_WATERMARK, (watermark,))
        db.execute("COMMIT")
    finally:
        db.close()
    if watermark is None:
        # Without the old mark new vectors could take ids the file still holds as labels.
        for stale in (paths.vectors, paths.vectors.with_name(paths.vectors.name + ".tmp")):
            stale.unlink(missing_ok=True)
    damage_note(catalog).unlink(missing_ok=True)
    fsync_dir(catalog.parent)
    report = SalvageReport(
        problem=problem or "damaged",
        aside=aside,
        vectors=len(vectors),
        roots=len(roots),
        settings_kept=settings is not None,
        vector_index_kept=watermark is not None and paths.vectors.exists(),
    )
    log.warning("%s", report.message())
    return report


def _set_aside(catalog: Path) -> Path | None:
    """Rename the catalog and its -wal and -shm to ``<name>.damaged-<time>``; an empty
    catalog is removed instead. Returns the new name of the main file."""
    if not catalog.exists() or catalog.stat().st_size == 0:
        for name in ("", *SIDE_FILES):
            catalog.with_name(catalog.name + name).unlink(missing_ok=True)
        return None
    stamp = time.strftime("%Y%m%d-%H%M%S")
    aside = catalog.with_name(f"{catalog.name}.damaged-{stamp}")
    n = 1
    while aside.exists():
        n += 1
        aside = catalog.with_name(f"{catalog.name}.damaged-{stamp}-{n}")
    for suffix in SIDE_FILES:
        side = catalog.with_name(catalog.name + suffix)
        if side.exists():
            os.replace(side, aside.with_name(aside.name + suffix))
    os.replace(catalog, aside)
    fsync_dir(catalog.parent)
    return aside


def _read_what_remains(
    aside: Path, paths: DataPaths
) -> tuple[str | None, list[tuple], list[tuple], int | None]:
    """(settings, roots, vector rows, vector id high-water mark) readable from ``aside``."""
    try:
        db = sqlite3.connect(f"{aside.resolve().as_uri()}?mode=ro", uri=True)
        # Lets SQLite read a truncated file (pages past its end are then missing)
        # instead of refusing it whole.
        db.execute("PRAGMA writable_schema=ON")
    except sqlite3.Error:
        return None, [], [], None
    try:
        meta = dict(_readable(db, sql.SALVAGE_META, _last_rowid(db, "meta", UNBOUNDED_ROWIDS)))
        settings = next((meta[k] for k in KEPT_META if k in meta), None)
        roots = list(_readable(db, sql.SALVAGE_ROOTS, _last_rowid(db, "roots", UNBOUNDED_ROWIDS)))
        watermark = _one(db, sql.SALVAGE_VECTOR_WATERMARK)
        last = max(_one(db, sql.SALVAGE_LAST_ROWID.format(table="vectors")) or 0, watermark or 0)
        manifest = read_manifest(paths.manifest)
        dimension = manifest.dimension if manifest else None
        vectors = [
            row for row in _readable(db, sql.SALVAGE_VECTORS, last) if _valid(row, dimension)
        ]
        return settings, roots, vectors, watermark
    finally:
        db.close()


def _readable(db: sqlite3.Connection, query: str, last: int) -> Iterator[tuple]:
    """The rows of ``query`` (rowids between ?1 and ?2) for rowids 1..``last`` that can
    be read: a range that fails is halved until single rows, so a bad page loses only
    its own rows (a bad interior page, the rows below it)."""
    for start in range(1, last + 1, ROWS_PER_READ):
        ranges = [(start, min(start + ROWS_PER_READ - 1, last))]
        while ranges:
            low, high = ranges.pop()
            try:
                rows = db.execute(query, (low, high)).fetchall()
            except sqlite3.DatabaseError:
                if low < high:
                    mid = (low + high) // 2
                    ranges += [(mid + 1, high), (low, mid)]
                continue
            yield from rows


def _last_rowid(db: sqlite3.Connection, table: str, otherwise: int) -> int:
    last = _one(db, sql.SALVAGE_LAST_ROWID.format(table=table))
    return otherwise if last is None else last


def _one(db: sqlite3.Connection, query: str) -> int | None:
    """The integer a one-value query gives, or None if it cannot be read."""
    try:
        row = db.execute(query).fetchone()
    except sqlite3.DatabaseError:
        return None
    return int(row[0]) if row and isinstance(row[0], int) else None


def _valid(row: tuple, dimension: int | None) -> bool:
    """A vector row as finder writes them: a 16-byte hash and a finite unit vector
    (a page garbled without SQLite noticing yields something else)."""
    _id, text_hash, blob = row
    if not isinstance(text_hash, bytes) or len(text_hash) != 16 or not isinstance(blob, bytes):
        return False
    if len(blob) % 4 or (dimension is not None and len(blob) != 4 * dimension):
        return False
    vector = np.frombuffer(blob, dtype=np.float32)
    norm = float(np.linalg.norm(vector)) if len(vector) else 0.0
    return bool(np.isfinite(vector).all()) and abs(norm - 1.0) < 1e-3
