"""Files like one file but about a text: candidates from the vector index, ranked by
their whole-file meaning against the steered vector (:mod:`finder.explore.steer`).

Thread: the caller's (it reads the catalog, whose connection belongs to its thread).
Changes nothing.
"""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import replace

import numpy as np

from finder.domain import SearchHit
from finder.explore.file_vectors import read_vectors_of
from finder.explore.steer import (
    SteerWeights,
    balanced,
    rank_files,
    steer,
    unit,
    with_keywords,
)
from finder.search import FusionWeights, Searcher
from finder.store.catalog import Catalog
from finder.store.vectors import VectorIndex

# Files gathered near the plain and near the steered vector, before ranking them again.
CANDIDATES = 100


def steered_similar(
    catalog: Catalog,
    vectors: VectorIndex,
    target: str,
    file_vector: np.ndarray,
    texts: tuple[str | None, np.ndarray | None, np.ndarray | None],
    limit: int,
    weights: SteerWeights | None = None,
) -> list[SearchHit]:
    """The ``limit`` files (not ``target``) whose mean vectors are nearest the file's
    vector steered by ``texts`` = (about text, its vector, the avoid text's vector).

    Candidates are the files whose passages are nearest the plain and the steered vector
    (so a file only about the text, or only like the file, can still be found); each is
    then judged as a whole, by its mean chunk vector, which keeps "like this" in the
    answer (one passage mentioning the text does not make a file like this one)."""
    w = weights or SteerWeights()
    about, about_vector, avoid_vector = texts
    plain = unit(file_vector)
    moved = steer(file_vector, about_vector, avoid_vector, w)
    found: dict[str, SearchHit] = {}
    words: list[SearchHit] = []
    fusion = replace(FusionWeights(), similarity_window=2.0)  # the absolute floor only
    for vector in (moved, plain):
        searcher = Searcher(catalog, vectors, _fixed(vector), fusion)
        try:
            for hit in searcher.search("similar", CANDIDATES, legs="meaning"):
                found.setdefault(hit.path, hit)
            if about and w.keyword > 0 and vector is moved:
                words = searcher.search(about, CANDIDATES, legs="keyword")
        finally:
            searcher.close()  # its helper thread, now rather than when collected
    found.pop(target, None)
    ids = {p: i for p in found if (i := catalog.file_id(p)) is not None}
    by_id = read_vectors_of(catalog, list(ids.values()), vectors.dimension)
    means = {p: by_id[i] for p, i in ids.items() if i in by_id}
    rows = np.stack([unit(m) for m in means.values()]) if means else np.zeros((0, 1))
    fair = balanced(w, file_vector, about_vector, avoid_vector, rows)
    ranked = rank_files(steer(file_vector, about_vector, avoid_vector, fair), means)
    hits = [replace(found[p], score=round(s, 6)) for p, s in ranked]
    hits = with_keywords(hits, {h.path: h.score for h in words}, w.keyword)
    return hits[:limit]


def _fixed(vector: np.ndarray) -> Callable[[str], np.ndarray]:
    """An "embedder" answering every query with ``vector``."""
    return lambda _text: vector
