"""The SQLite catalog: files, chunks, vectors and the keyword indexes.

One ``Catalog`` wraps one connection and is used by one thread (sqlite3's own rule).
The writer thread opens it writable; searchers open their own read-only connections,
which WAL mode lets read while the writer writes. Every statement is in
:mod:`finder.store.schema`.
"""

from __future__ import annotations

import os
import sqlite3
import time
from collections.abc import Iterable, Iterator, Sequence
from contextlib import contextmanager
from pathlib import Path, PurePath

import numpy as np

from finder.domain import Chunk, FileState, FileStatus
from finder.errors import DiskFullError
from finder.path_rules import folder_prefix
from finder.store import rows as named  # the search queries' rows
from finder.store import schema as sql
from finder.store.catalog_errors import CatalogDamagedError, CatalogError
from finder.store.catalog_vectors import VectorRows
from finder.store.sqlite_damage import is_damage, is_out_of_space, note_damage, reports_damage


@reports_damage(CatalogDamagedError)
class Catalog(VectorRows):
    """A connection to ``catalog.sqlite3`` with the operations finder needs (those on
    stored vectors in :class:`~finder.store.catalog_vectors.VectorRows`)."""

    def __init__(self, path: Path, *, readonly: bool = False) -> None:
        self.path = path
        self.readonly = readonly
        if readonly:
            if not path.exists():
                raise CatalogError(f"no index at {path.parent} yet: run `finder index` first")
            uri = f"{path.resolve().as_uri()}?mode=ro"
            self._db = sqlite3.connect(uri, uri=True, isolation_level=None)
        else:
            # Created 0600 whatever the umask; SQLite gives its -wal and -shm the same mode.
            os.close(os.open(path, os.O_RDWR | os.O_CREAT, 0o600))
            self._db = sqlite3.connect(path, isolation_level=None)
        try:
            for pragma in sql.PRAGMAS:
                if not (readonly and "journal_mode" in pragma):
                    self._db.execute(pragma)
            if not readonly:  # all tables or none: a reader never meets half a schema
                self._db.executescript(f"BEGIN IMMEDIATE;\n{sql.CREATE}\nCOMMIT;")
            self._check_version()
        except sqlite3.DatabaseError as err:
            self._db.close()
            if is_damage(err):
                note_damage(path, str(err))
                raise CatalogDamagedError(path, str(err)) from err
            if is_out_of_space(err, path.parent):
                raise DiskFullError(path.parent) from err
            raise CatalogError(f"cannot open the catalog {path}: {err}") from err
        self._inode = os.stat(path).st_ino

    def _check_version(self) -> None:
        found = self.get_meta("schema_version")
        if found is None and not self.readonly:
            self.set_meta("schema_version", str(sql.SCHEMA_VERSION))
        elif found is not None and int(found) > sql.SCHEMA_VERSION:
            raise CatalogError(
                f"the index was written by a newer finder (schema {found}); upgrade finder"
            )

    def close(self) -> None:
        self._db.close()

    def replaced(self) -> bool:
        """Whether ``path`` names another file than the one open now (the writer rebuilt
        a damaged catalog): a reader should open it again."""
        try:
            return os.stat(self.path).st_ino != self._inode
        except OSError:
            return False

    @contextmanager
    def transaction(self) -> Iterator[None]:
        """All writes inside happen together or not at all (a crash rolls them back).

        A full disk raises ``DiskFullError``, with nothing of the transaction kept."""
        with self._disk_full_is_reported():
            self._db.execute("BEGIN IMMEDIATE")
            try:
                yield
                self._db.execute("COMMIT")
            except BaseException:
                if self._db.in_transaction:  # SQLite may have rolled back already
                    self._db.execute("ROLLBACK")
                raise

    @contextmanager
    def _disk_full_is_reported(self) -> Iterator[None]:
        """SQLITE_FULL (no space for the database or its journal) as ``DiskFullError``."""
        try:
            yield
        except sqlite3.OperationalError as err:
            if is_out_of_space(err, self.path.parent):
                raise DiskFullError(self.path.parent) from err
            raise

    # --- meta and roots ---------------------------------------------------------------
    def get_meta(self, key: str) -> str | None:
        row = self._db.execute(sql.GET_META, (key,)).fetchone()
        return None if row is None else str(row[0])

    def set_meta(self, key: str, value: str) -> None:
        with self._disk_full_is_reported():  # a write outside any transaction
            self._db.execute(sql.SET_META, (key, value))

    def roots(self) -> list[str]:
        return [r[0] for r in self._db.execute(sql.LIST_ROOTS)]

    def add_root(self, path: str) -> None:
        with self._disk_full_is_reported():  # a write outside any transaction
            self._db.execute(sql.ADD_ROOT, (path, time.time()))

    def remove_root(self, path: str) -> None:
        with self._disk_full_is_reported():  # a write outside any transaction
            self._db.execute(sql.REMOVE_ROOT, (path,))

    # --- files ------------------------------------------------------------------------
    def file_states(self) -> dict[str, FileState]:
        """Every file the catalog knows, by path: what the scanner compares with disk."""
        return {row[1]: _file_state(row) for row in self._db.execute(sql.FILE_STATES)}

    def file_states_at_or_under(self, path: str) -> dict[str, FileState]:
        """The file at ``path`` and every file below it (``path`` as a folder), by path."""
        below = folder_prefix(path)
        rows = self._db.execute(
            sql.FILE_STATES_AT_OR_UNDER, (path, below, below[:-1] + chr(ord(os.sep) + 1))
        )
        return {row[1]: _file_state(row) for row in rows}

    def file_id(self, path: str) -> int | None:
        row = self._db.execute(sql.FILE_BY_PATH, (path,)).fetchone()
        return None if row is None else int(row[0])

    def put_file(
        self,
        path: str,
        *,
        size: int,
        mtime_ns: int,
        content_hash: str | None,
        status: FileStatus,
        error: str | None = None,
        chunks: Sequence[Chunk] = (),
        copy_chunks_from: int | None = None,
    ) -> int:
        """Insert or replace a file and its chunks; returns the file id.

        Chunks whose text already has a vector are linked to it at once, so only new
        text is left for the embedder. ``copy_chunks_from`` reuses another file's chunks
        (same content hash) instead of ``chunks``. Call inside :meth:`transaction`.
        """
        name = PurePath(path).name
        ext = PurePath(path).suffix.lower().lstrip(".")
        now = time.time()
        file_id = self.file_id(path)
        if file_id is None:
            cur = self._db.execute(
                sql.INSERT_FILE,
                (path, name, ext, size, mtime_ns, content_hash, status, error, now),
            )
            file_id = int(cur.lastrowid or 0)
        else:
            self._db.execute(sql.DELETE_FILE_CHUNKS, (file_id,))
            self._db.execute(
                sql.UPDATE_FILE, (size, mtime_ns, content_hash, status, error, now, file_id)
            )
        if copy_chunks_from is not None:
            self._db.execute(sql.COPY_CHUNKS, (file_id, copy_chunks_from))
        else:
            self._db.executemany(
                sql.INSERT_CHUNK,
                ((file_id, c.ord, c.page, c.start, c.stop, c.text, c.text_hash) for c in chunks),
            )
        return file_id

    def file_with_content(self, content_hash: str, *, other_than: int = -1) -> int | None:
        """A readable file with this content whose chunks can be copied, if any."""
        row = self._db.execute(sql.FILE_BY_HASH_WITH_CHUNKS, (content_hash, other_than))
        found = row.fetchone()
        return None if found is None else int(found[0])

    def content_hash(self, file_id: int) -> str | None:
        row = self._db.execute(sql.FILE_CONTENT_HASH, (file_id,)).fetchone()
        return None if row is None else row[0]

    def rename_file(self, file_id: int, new_path: str, mtime_ns: int) -> None:
        """Point a file row (and so its chunks and vectors) at a new path."""
        pure = PurePath(new_path)
        self._db.execute(
            sql.RENAME_FILE,
            (new_path, pure.name, pure.suffix.lower().lstrip("."), mtime_ns, file_id),
        )

    def delete_file(self, file_id: int) -> None:
        self._db.execute(sql.DELETE_FILE_CHUNKS, (file_id,))
        self._db.execute(sql.DELETE_FILE, (file_id,))

    def files_by_ids(self, ids: Iterable[int]) -> dict[int, named.FileRow]:
        ids = list(ids)
        if not ids:
            return {}
        rows = self._db.execute(sql.FILES_BY_IDS.format(marks=sql.marks(len(ids))), ids)
        return {row.id: row for row in map(named.FileRow._make, rows)}

    # --- search -----------------------------------------------------------------------
    def keyword_chunks(self, fts_query: str, limit: int) -> list[named.KeywordChunk]:
        """Chunks by BM25, best first; bm25 is negated so higher is better."""
        rows = self._db.execute(sql.KEYWORD_CHUNKS, (fts_query, limit))
        return [named.KeywordChunk(chunk, file, -float(bm25)) for chunk, file, bm25 in rows]

    def count_matches(self, fts_term: str, cap: int) -> int:
        """How many chunks match one FTS5 term, counting no further than ``cap`` (cheap:
        no scoring, and a very common term stops early)."""
        return int(self._db.execute(sql.COUNT_MATCHES, (fts_term, cap)).fetchone()[0])

    def chunks_matching(self, fts_term: str, chunk_ids: Sequence[int]) -> set[int]:
        """Which of ``chunk_ids`` match one FTS5 term, by FTS5's ``rowid IN (...)`` plan
        (one lookup per id): for a term with too many postings to read whole. Otherwise
        intersecting :meth:`postings` is ~50x faster."""
        if not chunk_ids:
            return set()
        query = sql.CHUNKS_MATCHING_AMONG.format(marks=sql.marks(len(chunk_ids)))
        return {r[0] for r in self._db.execute(query, (fts_term, *chunk_ids))}

    def postings(self, fts_term: str) -> set[int]:
        """Every chunk matching one FTS5 term (check its count first: no cap here; past
        a budget, ask :meth:`chunks_matching` about the chunks of interest)."""
        return {r[0] for r in self._db.execute(sql.POSTINGS, (fts_term,))}

    def chunks_of_files(self, file_ids: Sequence[int]) -> dict[int, list[int]]:
        """The chunk ids of each of ``file_ids`` that has chunks, in reading order."""
        out: dict[int, list[int]] = {}
        if not file_ids:
            return out
        query = sql.CHUNKS_OF_FILES.format(marks=sql.marks(len(file_ids)))
        for file_id, chunk_id in self._db.execute(query, list(file_ids)):
            out.setdefault(file_id, []).append(chunk_id)
        return out

    def count_name_matches(self, fts_term: str) -> int:
        """How many file names match one FTS5 term."""
        return int(self._db.execute(sql.COUNT_NAME_MATCHES, (fts_term,)).fetchone()[0])

    def count_files(self) -> int:
        return int(self._db.execute(sql.COUNT_FILES).fetchone()[0])

    def keyword_files(self, fts_query: str, limit: int) -> list[named.KeywordFile]:
        """Files by BM25 over their names, best first; negated so higher is better."""
        rows = self._db.execute(sql.KEYWORD_FILES, (fts_query, limit))
        return [named.KeywordFile(file, -float(bm25)) for file, bm25 in rows]

    def files_named(self, name: str) -> list[int]:
        """Files whose name, or name without extension, equals ``name`` (any case)."""
        return [r[0] for r in self._db.execute(sql.FILES_NAMED, (name.lower(),))]

    def recent_files(self) -> Iterator[named.RecentFile]:
        """Every file, most recently modified first."""
        yield from map(named.RecentFile._make, self._db.execute(sql.FILES_RECENT))

    def chunks_containing(
        self, fts_query: str, needle: str, file_ids: Sequence[int]
    ) -> list[named.ChunkOfFile]:
        """The chunks of ``file_ids`` that contain ``needle`` literally."""
        if not file_ids:
            return []
        query = sql.CHUNKS_CONTAINING.format(marks=sql.marks(len(file_ids)))
        rows = self._db.execute(query, (fts_query, *file_ids, needle.lower()))
        return list(map(named.ChunkOfFile._make, rows))

    def chunks_by_vectors(self, vector_ids: Sequence[int]) -> list[named.VectorChunk]:
        """Every chunk using these vectors."""
        if not len(vector_ids):
            return []
        ids = [int(i) for i in vector_ids]
        rows = self._db.execute(sql.CHUNKS_BY_VECTORS.format(marks=sql.marks(len(ids))), ids)
        return list(map(named.VectorChunk._make, rows))

    def chunk_vectors(self, chunk_ids: Sequence[int], dimension: int) -> np.ndarray:
        """The stored vectors of those chunks that have one, one row each (order not kept)."""
        if not chunk_ids:
            return np.zeros((0, dimension), dtype=np.float32)
        query = sql.CHUNK_VECTORS.format(marks=sql.marks(len(chunk_ids)))
        blobs = [r[0] for r in self._db.execute(query, list(chunk_ids))]
        return np.frombuffer(b"".join(blobs), dtype=np.float32).reshape(-1, dimension)

    def chunks_by_ids(self, ids: Sequence[int]) -> dict[int, named.ChunkRow]:
        """Chunks by id (those that exist)."""
        if not ids:
            return {}
        rows = self._db.execute(sql.CHUNKS_BY_IDS.format(marks=sql.marks(len(ids))), list(ids))
        return {r.id: r for r in map(named.ChunkRow._make, rows)}

    def chunks_around(self, chunk_id: int, context: int) -> named.ChunksAround | None:
        """The chunks near a chunk, in order: its whole page for paged files, else
        ``context`` chunks either side."""
        place = self._db.execute(sql.CHUNK_PLACE, (chunk_id,)).fetchone()
        if place is None:
            return None
        file_id, ord_, page, path = place
        if page is not None:
            rows = self._db.execute(sql.CHUNKS_OF_PAGE, (file_id, page))
        else:
            rows = self._db.execute(
                sql.CHUNKS_OF_FILE_BETWEEN, (file_id, ord_ - context, ord_ + context)
            )
        return named.ChunksAround(path, list(map(named.PassageChunk._make, rows)))

    # --- status -----------------------------------------------------------------------
    def count_files_by_status(self) -> dict[str, int]:
        return {r[0]: r[1] for r in self._db.execute(sql.COUNT_FILES_BY_STATUS)}

    def count_files_pending_vectors(self) -> int:
        return int(self._db.execute(sql.COUNT_FILES_PENDING_VECTORS).fetchone()[0])

    def count_chunks(self) -> int:
        return int(self._db.execute(sql.COUNT_CHUNKS).fetchone()[0])

    def count_vectors(self) -> int:
        return int(self._db.execute(sql.COUNT_VECTORS).fetchone()[0])

    def failed_files(self, limit: int = 1000) -> list[tuple[str, str]]:
        return [(r[0], r[1] or "") for r in self._db.execute(sql.FAILED_FILES, (limit,))]

    # --- the window's start screen and result variants ----------------------------------
    def recently_modified(self, limit: int) -> list[tuple[str, int]]:
        """(path, mtime_ns) of the ``limit`` most recently modified readable files."""
        return [(r[0], r[1]) for r in self._db.execute(sql.RECENT_READABLE, (limit,))]

    def count_files_under(self, folder: str) -> int:
        below = folder.rstrip(os.sep) + os.sep
        args = (below, below[:-1] + chr(ord(os.sep) + 1))
        return int(self._db.execute(sql.COUNT_FILES_UNDER, args).fetchone()[0])

    def file_folders(self) -> set[str]:
        """The folder of every file (not their parents), without a trailing separator."""
        return {r[0][:-1] or os.sep for r in self._db.execute(sql.FILE_FOLDERS, (os.sep,))}

    def leading_chunks(self, paths: Sequence[str], count: int) -> dict[str, list[tuple]]:
        """path -> its first ``count`` chunks as (page, start, stop, text), readable files."""
        out: dict[str, list[tuple]] = {}
        if paths:
            query = sql.LEADING_CHUNKS.format(marks=sql.marks(len(paths)))
            for path, *chunk in self._db.execute(query, (*paths, count)):
                out.setdefault(path, []).append(tuple(chunk))
        return out

    def all_chunks(self) -> Iterator[tuple]:
        """(file id, page, start, stop, text) of every readable file's chunks, a file's
        together and in order: streamed, so a large index is never held twice."""
        yield from self._db.execute(sql.ALL_CHUNKS)


def _file_state(row: tuple) -> FileState:
    return FileState(row[0], row[1], row[2], row[3], row[4], FileStatus(row[5]))
