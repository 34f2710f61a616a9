"""The HNSW vector index: a rebuildable cache of the catalog's ``vectors`` table.

hnswlib is not safe to use from two threads at once (``add_items`` beside
``knn_query``, ``resize_index`` beside anything), so this wrapper owns the index and a
lock; every method may be called from any thread. Labels are the catalog's vector ids.

Crash safety: the file is written to a temporary name, fsynced and renamed over the old
one, so it is always a whole index. It may be older than the catalog (a kill between two
saves); :meth:`VectorIndex.sync` brings it level with the catalog's live ids, adding
missing vectors from their stored blobs (no model needed) and dropping dead labels.
"""

from __future__ import annotations

import contextlib
import logging
import os
import struct
import threading
from collections.abc import Callable
from pathlib import Path

import hnswlib
import numpy as np

from finder.store.atomic import fsync_dir

log = logging.getLogger(__name__)

# M=16 / ef_construction=200 / ef=128: on 98k real MiniLM vectors, recall@10 0.988 at
# 0.25 ms a query. The model's ~8 ms per query dominates, so ef is chosen for recall.
HNSW_M = 16
HNSW_EF_CONSTRUCTION = 200
HNSW_EF_SEARCH = 128
_INITIAL_CAPACITY = 1024
_GROWTH = 1.5

VectorLoader = Callable[[np.ndarray], tuple[np.ndarray, np.ndarray]]


class VectorIndex:
    """Cosine k-NN over unit vectors, labelled by catalog vector id."""

    def __init__(self, path: Path, dimension: int, *, threads: int = 1) -> None:
        self.path = path
        self.dimension = dimension
        self._threads = max(1, threads)
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
    def load_and_sync(self, live_ids: np.ndarray, load_vectors: VectorLoader) -> None:
        """Open the saved file if it is usable, then match it to ``live_ids``.

        A missing, unreadable or wrong-dimension file is rebuilt from the catalog.
        """
        with self._lock:
            loaded = False
            stored_dim = _stored_dimension(self.path)
            if stored_dim is not None and stored_dim != self.dimension:
                log.warning(
                    "rebuilding the vector index: %s holds %d-d vectors, not %d-d",
                    self.path,
                    stored_dim,
                    self.dimension,
                )
            elif stored_dim is not None:
                try:
                    index = hnswlib.Index(space="ip", dim=self.dimension)
                    index.load_index(str(self.path), allow_replace_deleted=True)
                    # ef is not stored in the file: set it after every load.
                    index.set_ef(HNSW_EF_SEARCH)
                    index.set_num_threads(self._threads)
                    self._index = index
                    loaded = True
                except (RuntimeError, ValueError, OSError) as err:
                    log.warning("rebuilding the vector index: cannot load %s: %s", self.path, err)
            if not loaded:
                self._index = self._new_index(max(_INITIAL_CAPACITY, len(live_ids)))
            self.sync(live_ids, load_vectors, have_labels=loaded)

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
        """Write the index atomically: a crash leaves the old file or the new one."""
        with self._lock:
            if not self._dirty and self.path.exists():
                return
            tmp = self.path.with_name(self.path.name + ".tmp")
            self._index.save_index(str(tmp))
            with open(tmp, "rb") as f:
                os.fsync(f.fileno())
            os.replace(tmp, self.path)
            fsync_dir(self.path.parent)
            self._dirty = False

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

    def file_bytes(self) -> int:
        return self.path.stat().st_size if self.path.exists() else 0


def _stored_dimension(path: Path) -> int | None:
    """The vector dimension recorded in an hnswlib file's header, or None if unreadable.

    hnswlib does not check it on load; a file from another model would be read with the
    wrong stride. Header: offsetLevel0, max_elements, cur_count, size_data_per_element,
    label_offset, offset_data (size_t each); vectors are float32.
    """
    try:
        with open(path, "rb") as f:
            header = f.read(48)
    except OSError:
        return None
    if len(header) < 48:
        return None
    _, _, _, _, label_offset, offset_data = struct.unpack("<6Q", header)
    return (label_offset - offset_data) // 4 if label_offset > offset_data else None
