"""Synthetic data for the latency benchmark, built through the real catalog API."""

from __future__ import annotations

import hashlib
import os
import re
import time
from collections import Counter
from collections.abc import Sequence
from dataclasses import dataclass
from pathlib import Path

import numpy as np
from benchkit.common import (
    CHUNKS_PER_FILE,
    FILES_PER_TRANSACTION,
    REAL_COSINE,
    REPEATS,
    TOPIC_SHARE,
    WORDS_PER_CHUNK,
    log,
    median,
)

from finder.chunking import text_hash
from finder.domain import Chunk, FileStatus
from finder.store.catalog import Catalog


# --- synthetic data -------------------------------------------------------------------------
@dataclass(frozen=True)
class Vocabulary:
    """SciFact's words, for drawing synthetic chunks that read like topical text.

    A chunk takes TOPIC_SHARE of its words from one SciFact document (its file's topic)
    and the rest from the whole collection's word frequencies (Zipf-like). Drawing every
    word from the collection alone makes common words occur in far more chunks than in
    real text, which would overstate the keyword leg's cost (see scale_notes).
    """

    words: np.ndarray  # every distinct word, most frequent first
    cdf: np.ndarray  # cumulative frequencies of ``words``
    docs: list[np.ndarray]  # each document's words, as indexes into ``words``

    @classmethod
    def from_texts(cls, texts: Sequence[str]) -> Vocabulary:
        tokenised = [re.findall(r"[a-z][a-z0-9-]+", t.lower()) for t in texts]
        counts = Counter(w for tokens in tokenised for w in tokens)
        words = [w for w, _ in counts.most_common()]
        index = {w: i for i, w in enumerate(words)}
        freq = np.asarray([counts[w] for w in words], dtype=np.float64)
        docs = [np.asarray([index[w] for w in tokens]) for tokens in tokenised if tokens]
        return cls(np.asarray(words), np.cumsum(freq) / freq.sum(), docs)

    def chunk(self, rng: np.random.Generator, topic: np.ndarray, n: int) -> list[str]:
        """``n`` words: a TOPIC_SHARE from ``topic``, the rest from the whole collection."""
        k = round(TOPIC_SHARE * n)
        drawn = np.searchsorted(self.cdf, rng.random(n - k), side="right")
        ids = np.concatenate([topic[rng.integers(0, len(topic), k)], drawn])
        rng.shuffle(ids)
        return self.words[np.minimum(ids, len(self.words) - 1)].tolist()


def synthetic_texts(vocab: Vocabulary, rng: np.random.Generator, count: int) -> list[str]:
    """The chunks of one synthetic file, all on one topic."""
    topic = vocab.docs[rng.integers(len(vocab.docs))]
    lengths = rng.integers(WORDS_PER_CHUNK[0], WORDS_PER_CHUNK[1] + 1, size=count)
    return [" ".join(vocab.chunk(rng, topic, int(n))) for n in lengths]


def layout_chunks(texts: list[str]) -> tuple[str, list[Chunk]]:
    """The file body (texts separated by blank lines) and its chunks with offsets."""
    chunks, pos = [], 0
    for n, text in enumerate(texts):
        chunks.append(Chunk(n, None, pos, pos + len(text), text, text_hash(text)))
        pos += len(text) + 2
    return "\n\n".join(texts), chunks


def insert_synthetic_files(
    catalog: Catalog, n_chunks: int, vocab: Vocabulary, rng: np.random.Generator, root: str
) -> list[bytes]:
    """Put ``n_chunks`` chunks, 10 per file, through ``Catalog.put_file``; their text hashes."""
    n_files = -(-n_chunks // CHUNKS_PER_FILE)
    hashes: list[bytes] = []
    mtime_ns = time.time_ns()
    for first in range(0, n_files, FILES_PER_TRANSACTION):
        with catalog.transaction():
            for f in range(first, min(first + FILES_PER_TRANSACTION, n_files)):
                count = min(CHUNKS_PER_FILE, n_chunks - f * CHUNKS_PER_FILE)
                body, chunks = layout_chunks(synthetic_texts(vocab, rng, count))
                data = body.encode("utf-8")
                catalog.put_file(
                    f"{root}/d{f // 1000:04d}/doc{f:07d}.txt",
                    size=len(data),
                    mtime_ns=mtime_ns,
                    content_hash=hashlib.sha256(data).hexdigest(),
                    status=FileStatus.OK,
                    chunks=chunks,
                )
                hashes.extend(c.text_hash for c in chunks)
        if (first // FILES_PER_TRANSACTION) % 20 == 19:
            log(f"  inserted {len(hashes):,} / {n_chunks:,} chunks")
    return list(dict.fromkeys(hashes))


def blended_vectors(real: np.ndarray, n: int, rng: np.random.Generator) -> np.ndarray:
    """Unit vectors at a cosine in REAL_COSINE to a randomly chosen real embedding."""
    source = real[rng.integers(0, len(real), n)]
    noise = rng.standard_normal((n, real.shape[1]), dtype=np.float32)
    noise -= (noise * source).sum(axis=1, keepdims=True) * source  # orthogonal to the source
    noise /= np.linalg.norm(noise, axis=1, keepdims=True)
    cos = rng.uniform(*REAL_COSINE, size=(n, 1)).astype(np.float32)
    vectors = cos * source + np.sqrt(1 - cos**2) * noise
    return vectors / np.linalg.norm(vectors, axis=1, keepdims=True)


def store_synthetic_vectors(
    catalog: Catalog, hashes: list[bytes], real: np.ndarray, rng: np.random.Generator
) -> None:
    for start in range(0, len(hashes), 5000):
        part = hashes[start : start + 5000]
        vectors = blended_vectors(real, len(part), rng)
        with catalog.transaction():
            catalog.store_vectors(list(zip(part, vectors, strict=True)))
        if (start // 5000) % 20 == 19:
            log(f"  stored {start + len(part):,} / {len(hashes):,} vectors")


def write_small_files(folder: Path, count: int) -> None:
    """``count`` tiny name-only .bin files, 1,000 per sub-folder."""
    for n in range(count):
        sub = folder / f"d{n // 1000:03d}"
        if n % 1000 == 0:
            sub.mkdir(parents=True, exist_ok=True)
        (sub / f"blob{n:06d}.bin").write_bytes(n.to_bytes(4, "little"))


def stat_walk(folder: Path) -> int:
    """Stat every file under ``folder`` (the irreducible work of a no-op re-index)."""
    count, stack = 0, [str(folder)]
    while stack:
        with os.scandir(stack.pop()) as entries:
            for entry in entries:
                entry.stat(follow_symlinks=False)
                if entry.is_dir(follow_symlinks=False):
                    stack.append(entry.path)
                else:
                    count += 1
    return count


def timed_stat_walk(folder: Path) -> float:
    times = []
    for _ in range(REPEATS):
        start = time.perf_counter()
        stat_walk(folder)
        times.append(time.perf_counter() - start)
    return median(times)
