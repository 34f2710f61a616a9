"""Making the whole map from the catalog: file vectors, layout, topics and their labels.

Thread: the caller's (the map keeper's thread, or the CLI's), with a catalog connection
it owns; read-only. Takes seconds for thousands of files, about a minute for 100,000.
"""

from __future__ import annotations

from collections.abc import Callable

import numpy as np

from finder.explore.file_map import FileMap, Topic
from finder.explore.file_vectors import FileVectors, read_file_vectors
from finder.explore.layout import LayoutParams, layout, pca
from finder.explore.topics import count_words, even_out, kmeans, label_topics, topic_count
from finder.store.catalog import Catalog

# Label words come from the first chunks of at most this many files per topic: enough
# to name it, and 100,000 files' text is never read at once.
_LABEL_FILES = 200
_LABEL_CHUNKS = 3


class MapCancelled(Exception):
    """``stop()`` turned true while the map was being made (the service is closing)."""


def build_map(
    catalog: Catalog,
    dimension: int,
    params: LayoutParams | None = None,
    stop: Callable[[], bool] = lambda: False,
) -> tuple[FileMap, FileVectors]:
    """The map of every file with meaning, and the file vectors it was made from."""
    files = read_file_vectors(catalog, dimension)
    return map_vectors(catalog, files, params, stop), files


def map_vectors(
    catalog: Catalog,
    files: FileVectors,
    params: LayoutParams | None = None,
    stop: Callable[[], bool] = lambda: False,
) -> FileMap:
    """Lay out and group ``files``; labels read from ``catalog``."""
    params = params or LayoutParams()
    xy = layout(files.vectors, params, stop)
    if stop():
        raise MapCancelled
    topic, topics = find_topics(catalog, files, params.seed)
    return FileMap(files.paths, xy, topic, topics, laid_out=len(files), changed=0)


def find_topics(
    catalog: Catalog, files: FileVectors, seed: int = 0
) -> tuple[np.ndarray, tuple[Topic, ...]]:
    """Topic of each file (numbered largest first) and each topic's label."""
    n = len(files)
    if n == 0:
        return np.zeros(0, np.int32), ()
    k = topic_count(n)
    points = pca(files.vectors, 64)
    unit = files.vectors / np.maximum(np.linalg.norm(files.vectors, axis=1, keepdims=True), 1e-12)
    raw = even_out(unit, points, kmeans(points, k, seed), seed)
    sizes = np.bincount(raw, minlength=k)
    order = np.argsort(-sizes, kind="stable")
    order = order[sizes[order] > 0]
    renumber = np.full(k, -1, np.int32)
    renumber[order] = np.arange(len(order), dtype=np.int32)
    topic = renumber[raw]
    rng = np.random.default_rng(seed)
    sample: list[int] = []
    for t in range(len(order)):
        members = files.ids[topic == t]
        sample += [int(i) for i in rng.permutation(members)[:_LABEL_FILES]]
    topic_of = {int(i): int(t) for i, t in zip(files.ids, topic, strict=True)}
    counts = count_words(catalog.leading_text(sample, _LABEL_CHUNKS), topic_of, len(order))
    labels = label_topics(counts)
    topics = tuple(Topic(t, labels[t], int(sizes[order[t]])) for t in range(len(order)))
    return topic, topics
