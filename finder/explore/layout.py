"""Lay file vectors out in 2-D so that files about the same thing sit together.

numpy + hnswlib only (the packaged app has no scipy, scikit-learn or numba): a UMAP-style
layout. Steps: PCA to at most 128 dimensions (cheap, and the neighbour graph is built
from it), a k-nearest-neighbour graph from hnswlib, UMAP's fuzzy edge weights, a PCA
start, then UMAP's attraction along edges and repulsion from random files (negative
sampling), in vectorised mini-batches instead of one edge at a time. Chosen by
measurement against umap-learn and openTSNE (tests/bench/bench_map.py).

Pure computation, any thread; it holds the GIL only in short numpy calls, so a search on
another thread keeps answering meanwhile.
"""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass

import hnswlib
import numpy as np

# UMAP's curve 1 / (1 + a d^2b) for min_dist 0.1, spread 1 (umap.umap_.find_ab_params).
_A, _B = 1.577, 0.895


@dataclass(frozen=True, slots=True)
class LayoutParams:
    """The knobs; the defaults are the measured choice."""

    neighbours: int = 15
    pca_dimensions: int = 128  # trustworthiness@10 at 10k: 0.968 (64: 0.962)
    negatives: int = 15  # per edge sample; umap-learn has 5, 15 keeps more local order
    batches: int = 24  # mini-batches per epoch: enough to behave like UMAP's SGD
    seed: int = 0
    threads: int = 2

    def epochs(self, n: int) -> int:
        """Fewer passes for big maps, as umap-learn does (its 500 / 200)."""
        return 300 if n <= 10_000 else 150


def pca(vectors: np.ndarray, dimensions: int) -> np.ndarray:
    """The centred vectors projected on their top principal axes (float32). The
    covariance is summed in slices, so memory stays near the size of the result."""
    mean = vectors.mean(axis=0, dtype=np.float64).astype(np.float32)
    dimensions = min(dimensions, vectors.shape[1], max(len(vectors) - 1, 1))
    cov = np.zeros((vectors.shape[1], vectors.shape[1]), np.float64)
    for start in range(0, len(vectors), 8192):
        part = vectors[start : start + 8192].astype(np.float32) - mean
        cov += (part.T @ part).astype(np.float64)
    _, eigvecs = np.linalg.eigh(cov)
    axes = np.ascontiguousarray(eigvecs[:, ::-1][:, :dimensions], dtype=np.float32)
    out = np.empty((len(vectors), dimensions), np.float32)
    for start in range(0, len(vectors), 8192):
        out[start : start + 8192] = (vectors[start : start + 8192].astype(np.float32) - mean) @ axes
    return out


def knn_graph(points: np.ndarray, k: int, threads: int, seed: int) -> tuple[np.ndarray, np.ndarray]:
    """(neighbour ids, distances) of each point's ``k`` nearest others (Euclidean)."""
    n, dim = points.shape
    index = hnswlib.Index(space="l2", dim=dim)
    index.init_index(max_elements=n, ef_construction=100, M=16, random_seed=seed)
    index.set_num_threads(threads)
    index.add_items(points, np.arange(n))
    index.set_ef(max(2 * k, 50))
    labels, d2 = index.knn_query(points, k=min(k + 1, n))
    labels, d2 = labels.astype(np.int64), np.sqrt(np.maximum(d2, 0.0))
    # Drop each point itself (usually column 0, but a duplicate may come first).
    own = labels == np.arange(n)[:, None]
    own[own.sum(axis=1) == 0, -1] = True  # itself missed: drop the farthest instead
    keep = ~own
    return labels[keep].reshape(n, -1), d2[keep].reshape(n, -1).astype(np.float32)


def fuzzy_edges(
    neighbours: np.ndarray, distances: np.ndarray
) -> tuple[np.ndarray, np.ndarray, np.ndarray]:
    """UMAP's graph: per point, weights exp(-(d - rho) / sigma) summing to log2(k); then
    the fuzzy union of i->j and j->i. Returns (heads, tails, weights), each edge once."""
    n, k = neighbours.shape
    rho = distances[:, :1]
    gap = np.maximum(distances - rho, 0.0).astype(np.float64)
    target = np.log2(k)
    low, high = np.zeros((n, 1)), np.full((n, 1), np.inf)
    sigma = np.ones((n, 1))
    for _ in range(48):  # binary search on every point at once
        total = np.exp(-gap / sigma).sum(axis=1, keepdims=True)
        big = total > target
        high = np.where(big, sigma, high)
        low = np.where(big, low, sigma)
        sigma = np.where(np.isinf(high), sigma * 2, (low + high) / 2)
    weights = np.exp(-gap / np.maximum(sigma, 1e-3 * distances.mean(axis=1, keepdims=True) + 1e-12))
    heads = np.repeat(np.arange(n), k)
    tails = neighbours.ravel()
    lo, hi = np.minimum(heads, tails), np.maximum(heads, tails)
    keys, inverse = np.unique(lo * n + hi, return_inverse=True)
    miss = np.clip(1.0 - weights.ravel(), 1e-9, 1.0)  # union: 1 - (1-a)(1-b)
    joined = 1.0 - np.exp(np.bincount(inverse, weights=np.log(miss), minlength=len(keys)))
    return keys // n, keys % n, joined.astype(np.float32)


def _scatter(n: int, ids: np.ndarray, moves: np.ndarray) -> np.ndarray:
    """Sum the rows of ``moves`` into ``n`` rows by ``ids`` (bincount: faster than add.at)."""
    out = np.empty((n, 2), np.float32)
    out[:, 0] = np.bincount(ids, weights=moves[:, 0], minlength=n)
    out[:, 1] = np.bincount(ids, weights=moves[:, 1], minlength=n)
    return out


def optimise(
    start: np.ndarray,
    edges: tuple[np.ndarray, np.ndarray, np.ndarray],
    params: LayoutParams,
    stop: Callable[[], bool] = lambda: False,
) -> np.ndarray:
    """UMAP's cross-entropy by stochastic gradient steps in mini-batches of edges, each
    edge sampled in proportion to its weight; returns the 2-D positions."""
    y = start.astype(np.float32).copy()
    n = len(y)
    heads, tails, weights = edges
    rng = np.random.default_rng(params.seed)
    epochs = params.epochs(n)
    chance = weights / max(float(weights.max()), 1e-12)
    for epoch in range(epochs):
        if stop():
            break
        rate = np.float32(1.0 - epoch / epochs)
        chosen = np.flatnonzero(rng.random(len(chance)) < chance)
        rng.shuffle(chosen)
        for batch in np.array_split(chosen, params.batches):
            if len(batch) == 0:
                continue
            a, b = heads[batch], tails[batch]
            diff = y[a] - y[b]
            d2 = np.einsum("ij,ij->i", diff, diff)
            d2b = np.power(d2 + 1e-12, _B)
            coef = (-2 * _A * _B * d2b / (d2 + 1e-12)) / (_A * d2b + 1)
            pull = np.clip(coef[:, None] * diff, -4, 4) * rate
            # Repel each head from random files (UMAP's negative samples; only it moves).
            heads_neg = np.repeat(a, params.negatives)
            others = rng.integers(0, n, len(heads_neg))
            diff_n = y[heads_neg] - y[others]
            d2n = np.einsum("ij,ij->i", diff_n, diff_n)
            coef_n = 2 * _B / ((0.001 + d2n) * (_A * np.power(d2n + 1e-12, _B) + 1))
            push = np.clip(coef_n[:, None] * diff_n, -4, 4) * rate
            push[others == heads_neg] = 0
            y += _scatter(n, a, pull) - _scatter(n, b, pull) + _scatter(n, heads_neg, push)
    return y


def layout(
    vectors: np.ndarray,
    params: LayoutParams | None = None,
    stop: Callable[[], bool] = lambda: False,
) -> np.ndarray:
    """2-D positions (float32, (n, 2), in the unit square) of unit-length ``vectors``."""
    params = params or LayoutParams()
    n = len(vectors)
    if n < 3:
        return (
            np.full((n, 2), 0.5, np.float32)
            if n < 2
            else np.array([[0.25, 0.5], [0.75, 0.5]], np.float32)
        )
    reduced = pca(vectors, params.pca_dimensions)
    start = reduced[:, :2].copy()
    start *= 10.0 / max(float(np.abs(start).max()), 1e-12)  # umap-learn's start scale
    neighbours, distances = knn_graph(
        reduced, min(params.neighbours, n - 1), params.threads, params.seed
    )
    y = optimise(start, fuzzy_edges(neighbours, distances), params, stop)
    return to_unit_square(y)


def to_unit_square(y: np.ndarray) -> np.ndarray:
    """Scale into [0, 1] keeping the aspect, the few far outliers clamped to the edge."""
    low, high = np.percentile(y, [0.5, 99.5], axis=0)
    span = max(float((high - low).max()), 1e-12)
    centre = (low + high) / 2
    return np.clip((y - centre) / span + 0.5, 0.0, 1.0).astype(np.float32)
