"""One vector per indexed file: the mean of its chunk vectors, scaled to unit length.

What the map lays out and clusters (the same "meaning of a file" as
:meth:`finder.engine.IndexReader.similar`). Read in one streaming pass over the catalog
(chunks in file order, summed batch by batch), so 100,000 files cost one query and
memory for the result only, not for every chunk vector at once.

Thread: the caller's, with a catalog connection it owns (the map keeper's read-only one).
"""

from __future__ import annotations

from dataclasses import dataclass

import numpy as np

from finder.store.catalog import Catalog


@dataclass(frozen=True, slots=True)
class FileVectors:
    """Row ``i`` of ``vectors`` is the meaning of file ``ids[i]`` at ``paths[i]``."""

    ids: np.ndarray  # int64 (n,), ascending
    paths: tuple[str, ...]  # catalog paths (what search hits carry)
    vectors: np.ndarray  # float32 (n, dimension), unit length

    def __len__(self) -> int:
        return len(self.ids)


def read_file_vectors(catalog: Catalog, dimension: int) -> FileVectors:
    """Every readable file that has at least one chunk vector (files waiting for the
    model, empty or failed ones are left out: they have no meaning yet)."""
    id_parts: list[np.ndarray] = []
    sum_parts: list[np.ndarray] = []
    for file_ids, blobs in catalog.file_chunk_vectors():
        matrix = np.frombuffer(b"".join(blobs), dtype=np.float32).reshape(-1, dimension)
        starts = np.flatnonzero(np.r_[True, file_ids[1:] != file_ids[:-1]])
        sums = np.add.reduceat(matrix.astype(np.float64), starts, axis=0)
        ids = file_ids[starts]
        if id_parts and id_parts[-1][-1] == ids[0]:  # a file split across two batches
            sum_parts[-1][-1] += sums[0]
            ids, sums = ids[1:], sums[1:]
        id_parts.append(ids)
        sum_parts.append(sums)
    if not id_parts:
        return FileVectors(np.zeros(0, np.int64), (), np.zeros((0, dimension), np.float32))
    ids = np.concatenate(id_parts)
    sums = np.concatenate(sum_parts)
    # The mean's direction is the sum's: unit length makes dot products cosines.
    norms = np.maximum(np.linalg.norm(sums, axis=1, keepdims=True), 1e-12)
    paths = catalog.file_paths()
    keep = np.fromiter((int(i) in paths for i in ids), bool, len(ids))  # deleted meanwhile
    ids, sums, norms = ids[keep], sums[keep], norms[keep]
    return FileVectors(ids, tuple(paths[int(i)] for i in ids), (sums / norms).astype(np.float32))


def read_vectors_of(catalog: Catalog, file_ids: list[int], dimension: int) -> dict[int, np.ndarray]:
    """file id -> its vector (as :func:`read_file_vectors` makes it) for the few files
    given; a file with no chunk vector yet is left out."""
    out = {}
    for file_id in file_ids:
        ids = catalog.file_vector_ids(file_id)
        if not ids:
            continue
        found, matrix = catalog.vectors_by_ids(sorted(set(ids)), dimension)
        row = {int(v): i for i, v in enumerate(found)}
        rows = [row[v] for v in ids if v in row]  # a text repeated in a file counts again
        if rows:
            total = matrix[rows].astype(np.float64).sum(axis=0)
            out[file_id] = (total / max(float(np.linalg.norm(total)), 1e-12)).astype(np.float32)
    return out
