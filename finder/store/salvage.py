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
sign, and rebuilds whenever SQLite reports damage during a run (the writer); a reader
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
from finder.store.catalog import Catalog, CatalogDamagedError, CatalogError
from finder.store.manifest import read_manifest
from finder.store.sqlite_damage import damage_note, is_damage

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
        folders = "folder" if self.roots == 1 else "folders"
        kept = f"kept {self.vectors} vectors, {self.roots} {folders}"
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
    None when it is sound or missing. Opens it read-only (safe beside the writer).
    Raises ``CatalogError`` when it cannot be read for another reason (permissions)."""
    if not path.exists():
        return None
    if path.stat().st_size == 0:
        return "the catalog file is empty"
    db = sqlite3.connect(f"{path.resolve().as_uri()}?mode=ro", uri=True)
    try:
        found = [str(r[0]) for r in db.execute("PRAGMA quick_check")]
        if found != ["ok"]:
            lines = "; ".join(found[:3]).replace("\n", " ")
            return lines[:300] + (f" (and {len(found) - 3} more)" if len(found) > 3 else "")
        tables = {r[0] for r in db.execute(sql.TABLE_NAMES)}
        missing = [t for t in REQUIRED_TABLES if t not in tables]
        return f"tables missing: {', '.join(missing)}" if missing else None
    except sqlite3.DatabaseError as err:
        if is_damage(err):
            return str(err)
        raise CatalogError(f"cannot check the catalog {path}: {err}") from err
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
    """Replace the catalog with a new one holding what can still be read of it: the
    settings, the roots and every valid vector row (their ids and the id high-water mark
    kept, so ``vectors.hnsw`` stays valid; it is removed if the mark cannot be read).
    The damaged file is kept beside it as ``catalog.sqlite3.damaged-<time>``.

    The new catalog is made under a temporary name and renamed over the old one: a crash
    leaves the damaged catalog in place (healed again next time) or the new one, never
    no catalog beside a vector file whose labels it does not know.

    The caller holds the writer lock and has closed its own connection to the catalog;
    readers still open keep reading the old file until they open the catalog again
    (``Catalog.replaced``). Logs the report as a warning.
    """
    catalog = paths.catalog
    new = catalog.with_name(catalog.name + ".rebuilding")
    _remove_with_side_files(new)  # left by a crash
    Catalog(new).close()  # the schema
    kept = _Kept()
    if _has_content(catalog):
        manifest = read_manifest(paths.manifest)
        _copy_what_remains(catalog, new, manifest.dimension if manifest else None, kept)
    if kept.watermark is None:
        # Without the old mark new vectors could take ids the file still holds as labels.
        for stale in (
            paths.vector_file,
            paths.vector_file.with_name(paths.vector_file.name + ".tmp"),
        ):
            stale.unlink(missing_ok=True)
    aside = _swap_in(catalog, new)
    damage_note(catalog).unlink(missing_ok=True)
    report = SalvageReport(
        problem=problem or "damaged",
        aside=aside,
        vectors=kept.vectors,
        roots=kept.roots,
        settings_kept=kept.settings,
        vector_index_kept=kept.watermark is not None and paths.vector_file.exists(),
    )
    log.warning("%s", report.message())
    return report


@dataclass(slots=True)
class _Kept:
    settings: bool = False
    roots: int = 0
    vectors: int = 0
    watermark: int | None = None


def _copy_what_remains(damaged: Path, new: Path, dimension: int | None, kept: _Kept) -> None:
    """Copy the settings, roots and valid vector rows that can be read from ``damaged``
    into ``new``, streaming (a big catalog's vectors need not fit in memory)."""
    try:
        old = sqlite3.connect(f"{damaged.resolve().as_uri()}?mode=ro", uri=True)
        # Lets SQLite read a truncated file (the pages past its end are then missing)
        # instead of refusing it whole.
        old.execute("PRAGMA writable_schema=ON")
    except sqlite3.Error:
        return
    db = sqlite3.connect(new, isolation_level=None)
    try:
        meta = dict(_readable(old, sql.SALVAGE_META, _last_rowid(old, "meta", UNBOUNDED_ROWIDS)))
        db.execute("BEGIN IMMEDIATE")
        for key in KEPT_META:
            if isinstance(meta.get(key), str):
                db.execute(sql.SET_META, (key, meta[key]))
                kept.settings = True
        last_root = _last_rowid(old, "roots", UNBOUNDED_ROWIDS)
        kept.roots = _insert(db, sql.ADD_ROOT, _readable(old, sql.SALVAGE_ROOTS, last_root))
        kept.watermark = _one(old, sql.SALVAGE_VECTOR_WATERMARK)
        last = _one(old, sql.SALVAGE_LAST_ROWID.format(table="vectors")) or 0
        last = max(last, kept.watermark or 0)
        rows = _readable(old, sql.SALVAGE_VECTORS, last)
        kept.vectors = _insert(db, sql.RESTORE_VECTOR, (r for r in rows if _valid(r, dimension)))
        if kept.watermark is not None:
            db.execute(sql.RESTORE_VECTOR_WATERMARK, (kept.watermark,))
            db.execute(sql.RAISE_VECTOR_WATERMARK, (kept.watermark,))
        db.execute("COMMIT")
    finally:
        db.close()
        old.close()


def _insert(db: sqlite3.Connection, statement: str, rows: Iterator[tuple]) -> int:
    count = 0
    for row in rows:
        db.execute(statement, row)
        count += 1
    return count


def _swap_in(catalog: Path, new: Path) -> Path | None:
    """Put ``new`` in place of ``catalog``, which is kept as ``<name>.damaged-<time>``
    (returned; None if it was empty or missing, then it is removed)."""
    if not _has_content(catalog):
        _remove_with_side_files(catalog)
        os.replace(new, catalog)
        fsync_dir(catalog.parent)
        return None
    stamp = time.strftime("%Y%m%d-%H%M%S")
    aside = catalog.with_name(f"{catalog.name}.damaged-{stamp}")
    n = 1
    while aside.exists():
        n += 1
        aside = catalog.with_name(f"{catalog.name}.damaged-{stamp}-{n}")
    # The -wal and -shm go first: left beside the new file they would be applied to it.
    for suffix in SIDE_FILES:
        side = catalog.with_name(catalog.name + suffix)
        if side.exists():
            os.replace(side, aside.with_name(aside.name + suffix))
    try:
        os.link(catalog, aside)  # so the catalog's name is never missing
    except OSError:
        os.replace(catalog, aside)  # a file system without hard links
    os.replace(new, catalog)
    _remove_with_side_files(new)  # its -shm, if SQLite left one
    fsync_dir(catalog.parent)
    return aside


def _remove_with_side_files(path: Path) -> None:
    for suffix in ("", *SIDE_FILES):
        path.with_name(path.name + suffix).unlink(missing_ok=True)


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
