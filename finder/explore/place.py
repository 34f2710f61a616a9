"""Placing files on an existing map without laying it out again, and dropping files.

A new file goes where its nearest mapped files are: an hnswlib query of its vector
against the mapped files' vectors, the weighted mean of their positions (weights fall
off fast with lower similarity, so a near twin decides alone) and the topic most of the
weight is in. Measured well under the 50 ms a file may take (bench_map.py).

Thread: one owner (the map keeper's thread); not safe to share.
"""

from __future__ import annotations

from collections.abc import Iterable
from dataclasses import replace

import hnswlib
import numpy as np

from finder.explore.file_map import FileMap, Topic

_NEIGHBOURS = 10
_SHARPNESS = 0.02  # weight exp((similarity - best) / this): 0.05 less similar = e^-2.5


class Placer:
    """A map plus the vectors of its files, ready to place more files on it."""

    def __init__(self, file_map: FileMap, vectors: np.ndarray) -> None:
        """``vectors``: unit length, row ``i`` the file at ``file_map.paths[i]``."""
        self.file_map = file_map
        n, dim = vectors.shape
        self._index = hnswlib.Index(space="ip", dim=dim)
        self._index.init_index(max_elements=max(2 * n, 1024), ef_construction=100, M=16)
        self._index.set_num_threads(1)  # a background thread: leave the cores to search
        self._index.set_ef(64)
        self._labels: dict[str, int] = {}  # path -> hnswlib label
        self._next = 0
        self._xy: dict[int, np.ndarray] = {}
        self._topic: dict[int, int] = {}
        self._add(file_map.paths, vectors, file_map.xy, file_map.topic)

    def _add(
        self, paths: Iterable[str], vectors: np.ndarray, xy: np.ndarray, topic: np.ndarray
    ) -> None:
        labels = np.arange(self._next, self._next + len(vectors))
        if len(vectors) == 0:
            return
        if self._next + len(vectors) > self._index.get_max_elements():
            self._index.resize_index(2 * (self._next + len(vectors)))
        self._index.add_items(vectors, labels)
        for label, path, point, t in zip(labels, paths, xy, topic, strict=True):
            self._labels[path] = int(label)
            self._xy[int(label)] = point
            self._topic[int(label)] = int(t)
        self._next += len(vectors)

    def where(self, vector: np.ndarray) -> tuple[np.ndarray, int]:
        """The place (x, y) and topic a file with ``vector`` gets on this map."""
        if not self._labels:
            return np.array([0.5, 0.5], np.float32), -1
        k = min(_NEIGHBOURS, len(self._labels))
        labels, distances = self._index.knn_query(vector.reshape(1, -1), k=k)
        sims = 1.0 - distances[0]  # "ip" space gives 1 - dot product
        weights = np.exp((sims - sims.max()) / _SHARPNESS)
        points = np.stack([self._xy[int(label)] for label in labels[0]])
        xy = (weights[:, None] * points).sum(axis=0) / weights.sum()
        votes: dict[int, float] = {}
        for label, w in zip(labels[0], weights, strict=True):
            t = self._topic[int(label)]
            votes[t] = votes.get(t, 0.0) + float(w)
        return xy.astype(np.float32), max(votes, key=lambda t: votes[t])

    def place(self, paths: list[str], vectors: np.ndarray) -> FileMap:
        """The map with ``paths`` added (or moved, if mapped already) beside their
        nearest mapped files; each placed file can neighbour the next."""
        file_map = self.remove(p for p in paths if p in self._labels)
        new_xy, new_topic = [], []
        for path, vector in zip(paths, vectors, strict=True):
            xy, topic = self.where(vector)
            self._add([path], vector.reshape(1, -1), xy.reshape(1, 2), np.array([topic]))
            new_xy.append(xy)
            new_topic.append(topic)
        if not paths:
            return file_map
        self.file_map = _with_sizes(
            replace(
                file_map,
                paths=file_map.paths + tuple(paths),
                xy=np.vstack([file_map.xy, np.array(new_xy, np.float32)]),
                topic=np.concatenate([file_map.topic, np.array(new_topic, np.int32)]),
                changed=file_map.changed + len(paths),
            )
        )
        return self.file_map

    def remove(self, paths: Iterable[str]) -> FileMap:
        """The map without ``paths`` (those not on it are ignored)."""
        gone = {p for p in paths if p in self._labels}
        if not gone:
            return self.file_map
        for path in gone:
            self._index.mark_deleted(self._labels.pop(path))
        m = self.file_map
        keep = np.fromiter((p not in gone for p in m.paths), bool, len(m.paths))
        self.file_map = _with_sizes(
            replace(
                m,
                paths=tuple(p for p, k in zip(m.paths, keep, strict=True) if k),
                xy=m.xy[keep],
                topic=m.topic[keep],
                changed=m.changed + len(gone),
            )
        )
        return self.file_map


def _with_sizes(file_map: FileMap) -> FileMap:
    """Topic sizes counted again after files came or went (labels are kept)."""
    sizes = np.bincount(file_map.topic[file_map.topic >= 0], minlength=len(file_map.topics))
    topics = tuple(Topic(t.id, t.words, int(sizes[t.id])) for t in file_map.topics)
    return replace(file_map, topics=topics)
