"""The catalog's stored vectors: one per distinct chunk text, the truth the HNSW index
is rebuilt from (see :mod:`finder.store.vectors`).

A part of :class:`finder.store.catalog.Catalog` (which mixes it in): the same
connection, the same thread rule, the same translation of damage into
``CatalogDamagedError``.
"""

from __future__ import annotations

import sqlite3
from collections.abc import Iterator, Sequence

import numpy as np

from finder.store import schema as sql
from finder.store.catalog_errors import CatalogDamagedError
from finder.store.sqlite_damage import reports_damage


@reports_damage(CatalogDamagedError)
class VectorRows:
    """Vector rows of the catalog's connection (``_db``, opened by the catalog)."""

    _db: sqlite3.Connection

    def pending_texts(self, limit: int) -> list[tuple[bytes, str]]:
        """Up to ``limit`` distinct chunk texts that have no vector yet."""
        rows = self._db.execute(sql.PENDING_TEXTS, (limit,))
        return list(dict(rows).items())

    def count_pending_texts(self) -> int:
        return int(self._db.execute(sql.COUNT_PENDING_TEXTS).fetchone()[0])

    def store_vectors(self, items: Sequence[tuple[bytes, np.ndarray]]) -> list[int]:
        """Save one vector per text hash and link waiting chunks; returns the vector ids.

        Call inside :meth:`transaction`; the caller adds the returned ids to the HNSW
        index only after the transaction commits.
        """
        ids = []
        for text_hash, vector in items:
            blob = np.asarray(vector, dtype=np.float32).tobytes()
            self._db.execute(sql.INSERT_VECTOR, (text_hash, blob))
            vector_id = int(self._db.execute(sql.VECTOR_ID_BY_HASH, (text_hash,)).fetchone()[0])
            self._db.execute(sql.LINK_CHUNKS_TO_VECTOR, (vector_id, text_hash))
            ids.append(vector_id)
        return ids

    def live_vector_ids(self) -> np.ndarray:
        return np.fromiter((r[0] for r in self._db.execute(sql.LIVE_VECTOR_IDS)), dtype=np.int64)

    def stored_dimension(self) -> int | None:
        """The length of the stored vectors (float32), or None when none is stored yet."""
        row = self._db.execute(sql.ONE_VECTOR_BYTES).fetchone()
        return int(row[0]) // 4 if row is not None and row[0] else None

    def vectors_by_ids(self, ids: Sequence[int], dimension: int) -> tuple[np.ndarray, np.ndarray]:
        """(ids, vectors) for the ids that exist, read in slices to bound memory."""
        found_ids: list[int] = []
        blobs: list[bytes] = []
        for start in range(0, len(ids), 900):
            part = [int(i) for i in ids[start : start + 900]]
            query = sql.VECTORS_BY_IDS.format(marks=sql.marks(len(part)))
            for vid, blob in self._db.execute(query, part):
                found_ids.append(vid)
                blobs.append(blob)
        matrix = np.frombuffer(b"".join(blobs), dtype=np.float32).reshape(-1, dimension)
        return np.asarray(found_ids, dtype=np.int64), matrix

    def delete_orphan_vectors(self) -> list[int]:
        """Drop vectors no chunk uses any more; returns their ids for the HNSW index."""
        orphans = [r[0] for r in self._db.execute(sql.ORPHAN_VECTOR_IDS)]
        self._db.executemany(sql.DELETE_VECTOR, ((i,) for i in orphans))
        return orphans

    def file_vector_ids(self, file_id: int) -> list[int]:
        return [r[0] for r in self._db.execute(sql.FILE_VECTOR_IDS, (file_id,))]

    def file_chunk_vectors(self, batch: int = 20000) -> Iterator[tuple[np.ndarray, list[bytes]]]:
        """Every chunk vector of readable files as (file ids, vector blobs) batches, in
        file id order (a file may span two batches): the map's one pass."""
        cursor = self._db.execute(sql.FILE_CHUNK_VECTORS)
        while rows := cursor.fetchmany(batch):
            yield np.fromiter((r[0] for r in rows), np.int64, len(rows)), [r[1] for r in rows]

    def file_paths(self) -> dict[int, str]:
        """file id -> path of every readable file."""
        return dict(self._db.execute(sql.FILE_PATHS))

    def leading_text(self, file_ids: Sequence[int], count: int) -> Iterator[tuple[int, str]]:
        """(file id, text) of the first ``count`` chunks of each file, in slices."""
        for start in range(0, len(file_ids), 900):
            part = [int(i) for i in file_ids[start : start + 900]]
            query = sql.LEADING_TEXT_BY_FILE_IDS.format(marks=sql.marks(len(part)))
            yield from self._db.execute(query, (*part, count))

    # --- name vectors (finder.indexing.name_vectors) ------------------------------------
    def names_without_vector(self, limit: int) -> list[tuple[int, str]]:
        """Up to ``limit`` readable files (id, path) whose name has no vector yet."""
        return list(self._db.execute(sql.NAMES_WITHOUT_VECTOR, (limit,)))

    def store_name_vectors(self, items: Sequence[tuple[int, np.ndarray]]) -> None:
        """Save each file's name vector. Call inside :meth:`transaction`."""
        self._db.executemany(
            sql.INSERT_NAME_VECTOR,
            ((file_id, np.asarray(v, dtype=np.float32).tobytes()) for file_id, v in items),
        )

    def name_vectors(self, file_ids: Sequence[int], dimension: int) -> dict[int, np.ndarray]:
        """file id -> name vector, for those of ``file_ids`` that have one (none from a
        catalog that no writer has opened since name vectors came, read-only)."""
        found: dict[int, np.ndarray] = {}
        for start in range(0, len(file_ids), 900):
            part = [int(i) for i in file_ids[start : start + 900]]
            query = sql.NAME_VECTORS_BY_FILES.format(marks=sql.marks(len(part)))
            try:
                rows = self._db.execute(query, part).fetchall()
            except sqlite3.OperationalError as err:
                if "no such table" in str(err):
                    return {}
                raise
            for file_id, blob in rows:
                vector = np.frombuffer(blob, dtype=np.float32)
                if len(vector) == dimension:
                    found[file_id] = vector
        return found
