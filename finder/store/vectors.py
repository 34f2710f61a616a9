"""The HNSW vector index: a rebuildable cache of the catalog's ``vectors`` table.

hnswlib is not safe to use from two threads at once (``add_items`` beside
``knn_query``, ``resize_index`` beside anything), so this wrapper owns the index and a
lock; every method may be called from any thread. Labels are the catalog's vector ids.

Crash safety: the file is written to a temporary name, checked (its size is the one its
header implies: hnswlib does not report a short write), fsynced and renamed over the old
one, so it is always a whole index; a failed write leaves the old file and raises. It may
be older than the catalog (a kill between two saves); :meth:`VectorIndex.sync` brings it
level with the catalog's live ids, adding missing vectors from their stored blobs (no
model needed) and dropping dead labels. A damaged file (see :mod:`.hnsw_file`) is never
given to hnswlib: the index is rebuilt from the catalog instead.
"""

from __future__ import annotations

import contextlib
import errno
import logging
import os
import shutil
import threading
from collections.abc import Callable
from dataclasses import replace
from pathlib import Path

import hnswlib
import numpy as np

from finder.errors import DiskFullError, FinderError
from finder.store.atomic import fsync_dir
from finder.store.hnsw_file import (
    FileDigest,
    HnswFileError,
    Stamp,
    check_hnsw_file,
    digest_bytes,
    digest_file,
    expected_size,
    file_stamp,
)

log = logging.getLogger(__name__)

# M=16 / ef_construction=200 / ef=128: on 98k real MiniLM vectors, recall@10 0.988 at
# 0.25 ms a query. The model's ~8 ms per query dominates, so ef is chosen for recall.
HNSW_M = 16
HNSW_EF_CONSTRUCTION = 200
HNSW_EF_SEARCH = 128
_INITIAL_CAPACITY = 1024
_GROWTH = 1.5

VectorLoader = Callable[[np.ndarray], tuple[np.ndarray, np.ndarray]]
# The digest the last save recorded (the manifest's), read when the file is loaded.
DigestSource = Callable[[], FileDigest | None]
# Told the digest of every file save() writes, after the rename (the engine records it).
SavedCallback = Callable[[FileDigest], None]


class VectorIndex:
    """Cosine k-NN over unit vectors, labelled by catalog vector id."""

    def __init__(
        self,
        path: Path,
        dimension: int,
        *,
        threads: int = 1,
        on_saved: SavedCallback | None = None,
    ) -> None:
        self.path = path
        self.dimension = dimension
        self._threads = max(1, threads)
        self._on_saved = on_saved
        self._lock = threading.RLock()
        self._index = self._new_index(_INITIAL_CAPACITY)
        self._live = 0
        self._dirty = False

    def _new_index(self, capacity: int) -> hnswlib.Index:
        index = hnswlib.Index(space="ip", dim=self.dimension)
        index.init_index(
            max_elements=capacity,
            M=HNSW_M,
            ef_construction=HNSW_EF_CONSTRUCTION,
            allow_replace_deleted=True,
        )
        index.set_ef(HNSW_EF_SEARCH)
        index.set_num_threads(self._threads)
        return index

    # --- lifecycle --------------------------------------------------------------------
    def load_and_sync(
        self,
        live_ids: np.ndarray,
        load_vectors: VectorLoader,
        expected: DigestSource = lambda: None,
    ) -> None:
        """Open the saved file if it is sound, then match it to ``live_ids``.

        A missing file, one of another dimension, or a damaged one (checksum other than
        ``expected()``'s, or inconsistent structure when there is none) is rebuilt from
        the catalog, with one log line saying so.
        """
        with self._lock:
            problem = self._load_checked(expected)
            if problem is not None:
                self._index = self._new_index(max(_INITIAL_CAPACITY, len(live_ids)))
            self.sync(live_ids, load_vectors, have_labels=problem is None)
            if problem:
                log.warning(
                    "the vector index %s could not be used (%s): rebuilt it from the "
                    "catalog's %d stored vectors",
                    self.path,
                    problem,
                    len(live_ids),
                )

    def _load_checked(self, expected: DigestSource) -> str | None:
        """Load the file into ``self._index`` if it passes the checks; else what is
        wrong with it ("" when there is no file)."""
        problem = ""
        for attempt in range(3):
            try:
                before = file_stamp(self.path)
            except FileNotFoundError:
                return ""
            wanted = expected()
            try:
                check_hnsw_file(self.path, self.dimension, wanted)
                index = hnswlib.Index(space="ip", dim=self.dimension)
                index.load_index(str(self.path), allow_replace_deleted=True)
                replaced = file_stamp(self.path) != before
            except (HnswFileError, RuntimeError, ValueError, OSError, MemoryError) as err:
                problem = str(err) or type(err).__name__
                changed = _stamp_or_none(self.path) != before or expected() != wanted
                if attempt < 2 and changed:
                    continue  # the writer saved a new file meanwhile: check that one
                return problem
            if replaced:
                problem = "it kept changing while it was read"
                continue  # what was checked may not be what was loaded
            # ef is not stored in the file: set it after every load.
            index.set_ef(HNSW_EF_SEARCH)
            index.set_num_threads(self._threads)
            self._index = index
            if wanted is None and self._on_saved is not None:
                self._on_saved(digest_file(self.path))  # a sound file of an older finder
            return None
        return problem

    def sync(
        self, live_ids: np.ndarray, load_vectors: VectorLoader, *, have_labels: bool = True
    ) -> None:
        """Make the index hold exactly ``live_ids``: add the missing, delete the dead.

        Relies on the catalog never reusing a vector id (AUTOINCREMENT): a label deleted
        here is dead for good, so a label present in the file is taken as live without
        asking hnswlib, which would cost a call per label at every open.
        """
        with self._lock:
            labels = (
                np.asarray(self._index.get_ids_list(), dtype=np.int64)
                if have_labels
                else np.zeros(0, dtype=np.int64)
            )
            dead = np.setdiff1d(labels, live_ids, assume_unique=True)
            for label in dead:
                # A label deleted before the last save is still listed by hnswlib.
                with contextlib.suppress(RuntimeError):
                    self._index.mark_deleted(int(label))
            missing = np.setdiff1d(live_ids, labels, assume_unique=True)
            for start in range(0, len(missing), 10_000):
                ids, vectors = load_vectors(missing[start : start + 10_000])
                self._add_locked(ids, vectors)
            self._live = len(live_ids)
            self._dirty = self._dirty or bool(len(dead) or len(missing))

    def save(self) -> None:
        """Write the index atomically: a crash leaves the old file or the new one.

        Raises ``DiskFullError`` (or ``FinderError`` for another write failure) with
        the old file untouched and no temporary file left behind.
        """
        with self._lock:
            if not self._dirty and self.path.exists():
                return
            tmp = self.path.with_name(self.path.name + ".tmp")
            try:
                data = self._write_checked(tmp)
            except (OSError, RuntimeError, HnswFileError) as err:
                with contextlib.suppress(OSError):
                    tmp.unlink()
                raise self._write_error(err) from err
            os.replace(tmp, self.path)
            fsync_dir(self.path.parent)
            self._dirty = False
            if self._on_saved is not None:  # the identity after the rename, which sets ctime
                self._on_saved(replace(digest_bytes(data), stamp=file_stamp(self.path)))

    def _write_checked(self, tmp: Path) -> bytes:
        """Save to ``tmp`` and read it back whole; raises if it is short or not synced."""
        self._index.save_index(str(tmp))
        with open(tmp, "rb") as f:
            data = f.read()
            os.fsync(f.fileno())
        size = expected_size(data)
        count = self._index.get_current_count()
        if size != len(data) or int.from_bytes(data[16:24], "little") != count:
            raise HnswFileError(f"{len(data)} of {size} bytes were written")
        return data

    def _write_error(self, err: Exception) -> FinderError:
        folder = self.path.parent
        needed = self._estimated_bytes()
        free = shutil.disk_usage(folder).free if folder.exists() else 0
        if getattr(err, "errno", None) in (errno.ENOSPC, errno.EDQUOT) or free < needed:
            return DiskFullError(folder, needed - free if free < needed else needed)
        return FinderError(f"could not save the vector index in {folder} ({err}); kept the old one")

    def _estimated_bytes(self) -> int:
        """About what a saved file takes: level-0 records plus ~1/M upper link lists."""
        count = self._index.get_current_count()
        record = 4 + 8 * HNSW_M + 4 * self.dimension + 8 + 4
        return 96 + count * (record + 4 * (HNSW_M + 1) // (HNSW_M - 1))

    # --- changes ----------------------------------------------------------------------
    def add(self, ids: np.ndarray, vectors: np.ndarray) -> None:
        """Add vectors under new labels (catalog ids are never reused); grows as needed."""
        with self._lock:
            self._add_locked(ids, vectors)
            self._live += len(ids)

    def _add_locked(self, ids: np.ndarray, vectors: np.ndarray) -> None:
        if not len(ids):
            return
        needed = self._index.get_current_count() + len(ids)
        capacity = self._index.get_max_elements()
        if needed > capacity:
            self._index.resize_index(max(needed, int(capacity * _GROWTH)))
        self._index.add_items(
            np.ascontiguousarray(vectors, dtype=np.float32),
            np.asarray(ids, dtype=np.int64),
            replace_deleted=True,
        )
        self._dirty = True

    def remove(self, ids: list[int]) -> None:
        """Forget these labels; unknown or already removed ones are ignored."""
        with self._lock:
            for label in ids:
                try:
                    self._index.mark_deleted(int(label))
                    self._live -= 1
                    self._dirty = True
                except RuntimeError:
                    pass

    # --- queries ----------------------------------------------------------------------
    def __len__(self) -> int:
        return self._live

    def query(self, vector: np.ndarray, k: int) -> tuple[np.ndarray, np.ndarray]:
        """(labels, cosine similarities) of up to ``k`` nearest vectors, best first."""
        with self._lock:
            k = min(k, self._live)
            while k > 0:
                try:
                    labels, distances = self._index.knn_query(
                        np.asarray(vector, dtype=np.float32).reshape(1, -1), k=k
                    )
                    # "ip" distance is 1 - dot product.
                    return labels[0].astype(np.int64), 1.0 - distances[0]
                except RuntimeError:
                    # Too few reachable live elements for k (many deletions): ask for fewer.
                    k //= 2
            return np.zeros(0, dtype=np.int64), np.zeros(0, dtype=np.float32)


def _stamp_or_none(path: Path) -> Stamp | None:
    try:
        return file_stamp(path)
    except OSError:
        return None
