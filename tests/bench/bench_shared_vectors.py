"""Memory of one process that writes and searches (the window's): one vector index or two.

Not part of the test suite. Builds a synthetic data dir of ``--chunks`` chunks through
the real catalog API (random 384-d unit vectors), then, each in a fresh process, opens
the real ``IndexWriter`` and loads its vector index, opens an ``IndexReader`` on the same
data dir and runs a search by meaning, and reports the resident memory after each step:

- **shared** (the shipped behaviour): the reader takes the writer's loaded index
  (:mod:`finder.engine.shared_vectors`);
- **separate** (the baseline, as before): the reader loads a copy of its own.

    .venv/bin/python tests/bench/bench_shared_vectors.py [--chunks 100000]
"""

from __future__ import annotations

import argparse
import json
import subprocess
import sys
import tempfile
from pathlib import Path

import numpy as np
import psutil
from benchkit.synthetic import Vocabulary, insert_synthetic_files, store_synthetic_vectors

from finder.embed import DEFAULT_MODEL
from finder.engine import IndexReader, IndexWriter
from finder.paths import DataPaths
from finder.store.catalog import Catalog
from finder.store.manifest import Manifest, write_manifest

DIMENSION = 384


def build(data_dir: Path, cache: Path, chunks: int) -> None:
    rng = np.random.default_rng(7)
    words = [f"w{n}" for n in range(5000)]
    vocab = Vocabulary.from_texts([" ".join(rng.choice(words, 200)) for _ in range(200)])
    paths = DataPaths(data_dir, cache).ensure()
    write_manifest(paths.manifest, Manifest(model=DEFAULT_MODEL, dimension=DIMENSION))
    catalog = Catalog(paths.catalog)
    try:
        hashes = insert_synthetic_files(catalog, chunks, vocab, rng, str(data_dir / "files"))
        real = rng.standard_normal((1000, DIMENSION)).astype(np.float32)
        real /= np.linalg.norm(real, axis=1, keepdims=True)
        store_synthetic_vectors(catalog, hashes, real, rng)
    finally:
        catalog.close()
    with IndexWriter.open(data_dir, cache_dir=cache) as writer:
        writer.current.vector_index().save()


def measure(data_dir: Path, cache: Path, mode: str) -> dict[str, float]:
    """In this (fresh) process: RSS after each step, in MB."""
    me = psutil.Process()
    out = {"start": me.memory_info().rss / 2**20}
    with IndexWriter.open(data_dir, cache_dir=cache) as writer:
        writer.current.vector_index()
        out["writer loaded"] = me.memory_info().rss / 2**20
        with IndexReader.open(data_dir, cache_dir=cache) as reader:
            if mode == "separate":  # as before: the reader loads a copy of its own
                reader.generation._vectors = reader.generation._load_vectors()
            vector = np.ones(DIMENSION, dtype=np.float32) / np.sqrt(DIMENSION)
            reader.generation.vector_index().query(vector, 10)
            out["reader searched"] = me.memory_info().rss / 2**20
    return out


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--chunks", type=int, default=100_000)
    parser.add_argument("--measure", nargs=3, help=argparse.SUPPRESS)  # data cache mode
    args = parser.parse_args()
    if args.measure:
        data, cache, mode = args.measure
        print(json.dumps(measure(Path(data), Path(cache), mode)))
        return 0
    with tempfile.TemporaryDirectory() as tmp:
        data, cache = Path(tmp) / "data", Path(tmp) / "cache"
        build(data, cache, args.chunks)
        rows = {}
        for mode in ("separate", "shared", "separate", "shared"):  # in turn: noise shows
            cmd = [sys.executable, __file__, "--measure", str(data), str(cache), mode]
            found = json.loads(subprocess.run(cmd, check=True, capture_output=True).stdout)
            rows.setdefault(mode, []).append(found)
    head = f"{args.chunks:,} chunks, {DIMENSION}-d"
    print(f"| {head} | writer loaded | + reader searched | reader's cost |")
    print("|---|---|---|---|")
    for mode, runs in rows.items():
        loaded = min(r["writer loaded"] for r in runs)
        searched = min(r["reader searched"] for r in runs)
        print(f"| {mode} | {loaded:.0f} MB | {searched:.0f} MB | {searched - loaded:+.0f} MB |")
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
