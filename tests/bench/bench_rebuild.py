"""Benchmark: a model change while searching goes on (the rebuild beside the old index).

Not part of the test suite. Run from the repository root::

    .venv/bin/python tests/bench/bench_rebuild.py [--collection cisi] [--out F.md]

One IR collection from ``shared/data/ir`` is written out as files and indexed with the
default model. Then, as in the window (one process: the writer thread at nice +10, the
searches on another thread), a writer thread builds the index for a second model (a
local copy of the default one, so rankings stay comparable) with ``IndexWriter.rebuild`` while
the main thread answers the collection's queries in a loop on a reader opened before.
Printed, each beside its baseline from the same run:

1. search latency during the rebuild vs the same reader with the writer idle;
2. whether answers during the rebuild equal the idle answers (the old index in full),
   and nDCG@10 before, during and after the swap;
3. the rebuild's wall time vs a clean build with the second model in a fresh data dir
   (both load that model);
4. the data dir's peak size during the rebuild (both generations) vs the old index alone;
5. how long a reader takes to follow the swap (``refresh``: reopen, load vectors).
"""

from __future__ import annotations

import argparse
import contextlib
import os
import shutil
import sys
import tempfile
import threading
import time
from dataclasses import replace
from datetime import datetime
from pathlib import Path

from benchkit.common import Latency, log
from benchkit.ir import Collection, score_one
from benchkit.report import git_commit, machine

from finder.embed import DEFAULT_MODEL, Embedder, resolve_model_path
from finder.embed.loader import load_index_embedder
from finder.engine import IndexReader, IndexWriter
from finder.settings import default_threads

DATA = Path(__file__).resolve().parents[3] / "shared" / "data" / "ir"


def dir_size(path: Path) -> int:
    total = 0
    for root, _dirs, files in os.walk(path):
        for name in files:
            with contextlib.suppress(OSError):  # removed meanwhile (a swap)
                total += os.stat(os.path.join(root, name)).st_size
    return total


def answers(reader: IndexReader, collection: Collection, seconds: list[float]) -> dict[str, list]:
    """Each judged query's top 10 file stems; per-call times go to ``seconds``."""
    out = {}
    for qid, text in collection.queries.items():
        started = time.perf_counter()
        hits = reader.search(text.replace('"', " "), 10)
        seconds.append(time.perf_counter() - started)
        out[qid] = [Path(h.path).stem for h in hits]
    return out


def ndcg(collection: Collection, ranked: dict[str, list]) -> float:
    scores = [score_one(ranked[q], collection.qrels[q])["ndcg@10"] for q in collection.queries]
    return sum(scores) / len(scores)


def build(data: Path, files: Path, model: str, embedder: Embedder | None = None) -> float:
    started = time.monotonic()
    with IndexWriter.open(data, embedder=embedder) as engine:
        engine.add_roots([files])
        engine.update_settings(replace(engine.settings, model=model))
        engine.index()
    return time.monotonic() - started


def main() -> int:
    p = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    p.add_argument("--collection", default="cisi")
    p.add_argument("--out", type=Path)
    args = p.parse_args()
    work = Path(tempfile.mkdtemp(prefix="finder-bench-rebuild-"))
    os.environ["FINDER_CACHE_DIR"] = str(work / "cache")
    os.environ["FINDER_CONFIG_DIR"] = str(work / "config")
    os.environ.setdefault("HF_HUB_OFFLINE", "1")
    try:
        collection = Collection.read(DATA / args.collection)
        files, data = work / "files", work / "data"
        docs = collection.write_files(files)
        other = work / "models" / "my-model"
        shutil.copytree(resolve_model_path(DEFAULT_MODEL), other)
        embedder = load_index_embedder(DEFAULT_MODEL, default_threads())
        log(f"indexing {docs} files with {DEFAULT_MODEL}")
        first_build = build(data, files, DEFAULT_MODEL, embedder)

        reader = IndexReader.open(data)
        reader.prepare_meaning()
        idle_s: list[float] = []
        for _ in range(3):
            idle = answers(reader, collection, idle_s)
        old_size = dir_size(data)

        chunks = reader.status().chunks
        timing: dict[str, float] = {}

        def rebuild() -> None:  # the writer thread: it opens its own engine
            os.setpriority(os.PRIO_PROCESS, threading.get_native_id(), 10)  # as the service
            started = time.monotonic()
            with IndexWriter.open(data, embedder=embedder) as writer:
                writer.update_settings(replace(writer.settings, model=str(other)))
                writer.index()
            timing["rebuild"] = time.monotonic() - started

        log("rebuilding with the second model while searching")
        thread = threading.Thread(target=rebuild)
        thread.start()
        busy_s: list[float] = []
        same = rounds = 0
        during: dict[str, list] = {}  # the first round wholly before the swap
        peak = old_size
        while thread.is_alive():
            answered = answers(reader, collection, busy_s)
            if thread.is_alive():  # the swap has not happened yet
                same += sum(answered[q] == idle[q] for q in collection.queries)
                rounds += 1
                during = during or answered
            peak = max(peak, dir_size(data))
        thread.join()
        started = time.monotonic()
        reader.refresh()
        follow_s = time.monotonic() - started
        after = answers(reader, collection, [])
        reader.close()

        log("clean build with the second model, for comparison")
        clean_s = build(work / "clean", files, str(other))
        idle_l, busy_l = Latency.of(idle_s), Latency.of(busy_s)
        lines = [
            f"# Model change under search ({collection.name}, {docs} files, {chunks} chunks)",
            "",
            f"- **date**: {datetime.now():%Y-%m-%d %H:%M}; **commit**: {git_commit()}",
            f"- **machine**: {machine()}",
            "",
            "| Measurement | Result | Baseline (same run) |",
            "|---|---|---|",
            f"| hybrid search while the new index is built | {busy_l} | writer idle: {idle_l} |",
            f"| answers during the build equal to idle (top 10) | {same} / "
            f"{rounds * len(collection.queries)} | |",
            f"| nDCG@10 during the build / after the swap | {ndcg(collection, during):.3f} / "
            f"{ndcg(collection, after):.3f} | before: {ndcg(collection, idle):.3f} |",
            f"| rebuild wall time (loads the new model) | {timing['rebuild']:.0f} s | clean "
            f"build with that model: {clean_s:.0f} s (first build, model loaded: "
            f"{first_build:.0f} s) |",
            f"| data dir at its peak during the build | {peak / 1e6:.0f} MB | old index alone: "
            f"{old_size / 1e6:.0f} MB |",
            f"| reader following the swap (refresh) | {follow_s * 1000:.0f} ms | |",
        ]
        text = "\n".join(lines) + "\n"
        print(text)
        if args.out:
            args.out.write_text(text, encoding="utf-8")
        return 0
    finally:
        shutil.rmtree(work, ignore_errors=True)


if __name__ == "__main__":
    sys.exit(main())
