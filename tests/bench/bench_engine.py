"""Benchmark harness for finder's engine: indexing, no-op re-indexing, query latency, memory.

Not part of the test suite (pytest collects nothing here, see ``conftest.py``). Run it on
demand from the repository root; it needs only the project installed (``pip install -e
.[test]``) and the SciFact collection (``--data``)::

    .venv/bin/python tests/bench/bench_engine.py [--scale 100000] [--big 1000000] [--out F.md]

Everything lives in one temporary folder, deleted at the end unless ``--keep``. One model
cache (``FINDER_CACHE_DIR``) is shared by the whole run; its ONNX query export is made once,
up front, and timed on its own, so no other number includes it. Progress goes to stderr,
the Markdown report to stdout (and ``--out``; raw numbers to ``--json``). Every measurement
sits next to a baseline measured in the same run:

1. **Indexing throughput.** SciFact (5,183 abstracts) written as one .txt per document
   (title, blank line, text). Timed in-process: ``IndexWriter.open(embedder=<the model,
   already loaded>)``, ``add_roots``, ``index``, ``close``, so process start and model load
   are excluded; phases come from the progress callback. Baseline: the same loaded
   ``SentenceTransformerEmbedder`` embedding exactly the catalog's distinct chunk texts in
   slices of 128 (what the pipeline hands it). Ratio = bare seconds / in-process seconds.
   The real ``finder index`` CLI also indexes a fresh data dir; its wall time is split by
   the progress lines it prints on stderr.
2. **No-op re-index** of the unchanged folder, in-process and as ``finder index`` (median
   of 3), and the same for 20,000 name-only ``.bin`` files. Baselines: a bare
   ``os.scandir``/``stat`` walk over the same files, and a fresh ``python -c "import
   finder.cli"`` (what any CLI run pays before it does anything).
3. **Query latency at scale.** A data dir of ``--scale`` synthetic chunks (and ``--big``)
   built through the real ``Catalog`` API without running the model: 130-170 words per
   chunk drawn from SciFact's own word frequencies (Zipf-like), 10 chunks per file. Each
   text gets a vector blending a real SciFact chunk embedding (from step 1) with a random
   unit vector (cosine to the real one uniform in [0.4, 0.9]), so neighbourhoods have
   structure and are not pure noise. The HNSW index is built by
   ``IndexWriter.open().vector_index()`` and saved. One fresh reader process
   (``IndexReader.open`` and one warm-up search) then times the 300 SciFact queries:
   ONNX query embedding alone, HNSW k-NN alone (k = the search's candidate pool), the
   keyword and meaning legs, and the whole hybrid ``engine.search(q, 10)``. Baseline:
   brute-force NumPy dot product over every vector for the same query vectors (also the
   ground truth for HNSW recall@10). The 300 queries also go through ``finder search -``.
4. **Memory.** Peak RSS of the ``finder index`` process on SciFact (its VmHWM), and the
   sampled peak of it plus its extractor workers; RSS of the step-3 reader process right
   after its first search. Baseline: a fresh process that imports sentence_transformers
   and loads the model.
5. **Cold search.** Wall time of a fresh ``finder search "..." --json`` on the SciFact
   index, median of 5. Baseline: a fresh ``python -c "import sentence_transformers"``,
   median of 3.
"""

from __future__ import annotations

import argparse
import contextlib
import json
import os
import shutil
import signal
import sqlite3
import sys
import tempfile
import time
from collections.abc import Callable, Sequence
from dataclasses import asdict, dataclass
from datetime import datetime
from pathlib import Path
from typing import Any

import numpy as np
import psutil
from benchkit.common import (
    _STARTED,
    BUSY_LIMIT,
    CHUNKS_PER_FILE,
    COLD_GOAL_S,
    COLD_QUERY,
    COLD_REPEATS,
    DEFAULT_DATA,
    DIMENSION,
    LATENCY_GOAL_MS,
    MODEL_RSS_SNIPPET,
    ORDER_SAMPLE,
    RATIO_GOAL,
    READER_RSS_GOAL_MB,
    REAL_COSINE,
    REAL_SAMPLE,
    REPEATS,
    SECTIONS,
    SEED,
    SMALL_FILES,
    TOPIC_SHARE,
    WORDS_PER_CHUNK,
    Latency,
    PhaseClock,
    catalog_file,
    finder_cmd,
    format_phases,
    log,
    mb,
    median,
    per_1000,
    read_jsonl,
    segments,
    time_each,
)
from benchkit.procs import ProcRun, Quiet, Stopwatch, high_water_mark, median_wall, run_checked
from benchkit.report import Report, git_commit, machine, versions
from benchkit.synthetic import (
    Vocabulary,
    insert_synthetic_files,
    store_synthetic_vectors,
    timed_stat_walk,
    write_small_files,
)

from finder.domain import IndexReport
from finder.embed import DEFAULT_MODEL, Embedder
from finder.engine import IndexReader, IndexWriter
from finder.indexing.pipeline import EMBED_BATCH
from finder.paths import DataPaths
from finder.search import FusionWeights
from finder.settings import IndexSettings
from finder.store.catalog import Catalog
from finder.store.manifest import Manifest, write_manifest


# --- the bench: shared state, built lazily ---------------------------------------------------
@dataclass
class InProcessIndex:
    seconds: float
    report: IndexReport
    phases: list[tuple[str, float]]
    watch: Stopwatch | None = None


@dataclass(frozen=True)
class ScaleBuild:
    chunks: int
    files: int
    insert_s: float
    vectors_s: float
    hnsw_s: float
    catalog_mb: float
    hnsw_mb: float
    watch: Stopwatch


@dataclass(frozen=True)
class ScaleResult:
    build: ScaleBuild
    reader: dict[str, Any]  # what reader_worker returned
    reader_watch: Stopwatch
    stream: ProcRun  # the queries through `finder search -`
    stream_watch: Stopwatch


def index_in_process(
    data_dir: Path, folder: Path, cache: Path, embedder: Embedder
) -> InProcessIndex:
    """A fresh data dir indexing ``folder`` in this process, timed phase by phase."""
    shutil.rmtree(data_dir, ignore_errors=True)
    clock = PhaseClock()
    start = time.perf_counter()
    with IndexWriter.open(data_dir, cache_dir=cache, embedder=embedder) as engine:
        engine.add_roots([folder])
        report = engine.index(clock)
    end = time.perf_counter()
    return InProcessIndex(end - start, report, segments(clock.first, start, end))


class Bench:
    """The temp folder, the shared model and the indexes the sections reuse."""

    def __init__(self, args: argparse.Namespace, work: Path) -> None:
        self.args = args
        self.work = work
        self.cache = work / "cache"
        self.report = Report()
        self.quiet = Quiet(args.wait_idle, args.retries)
        self.docs = read_jsonl(args.data / "corpus.jsonl")[: args.docs]
        self.queries = [q["text"] for q in read_jsonl(args.data / "queries.jsonl")]
        self.scifact = work / "scifact"
        self.inproc_dir = work / "data-inproc"
        self.cli_dir = work / "data-cli"
        self._embedder: Embedder | None = None
        self._inproc: InProcessIndex | None = None
        self._cli: tuple[ProcRun, Stopwatch] | None = None
        self._scales: dict[int, ScaleResult] = {}

    def embedder(self) -> Embedder:
        """The torch index embedder, loaded and warmed once (timed and noted)."""
        if self._embedder is None:
            from finder.embed.torch_embedder import SentenceTransformerEmbedder

            start = time.perf_counter()
            embedder = SentenceTransformerEmbedder(DEFAULT_MODEL, threads=IndexSettings().threads)
            embedder.embed([f"{d['title']} {d['text']}" for d in self.docs[:32]])  # warm-up
            seconds = time.perf_counter() - start
            self.report.raw["model_load_s"] = seconds
            self.report.raw["precision"] = embedder.precision
            self.report.note(
                "Model load + one warm-up batch in the bench process (torch import included): "
                f"{seconds:.1f} s, precision {embedder.precision}; not in the in-process numbers."
            )
            self._embedder = embedder
        return self._embedder

    def warm_cache(self) -> None:
        from finder.embed.loader import ensure_query_export

        self.embedder()
        start = time.perf_counter()
        ok = ensure_query_export(DEFAULT_MODEL, DataPaths(self.work, self.cache).model_cache)
        seconds = time.perf_counter() - start
        self.report.raw["onnx_export_s"] = seconds
        self.report.note(
            f"One-time ONNX export of the query model into the shared cache: {seconds:.1f} s "
            f"({'ok' if ok else 'FAILED: queries fall back to torch'}); in no other number."
        )

    def write_scifact(self) -> None:
        self.scifact.mkdir(parents=True)
        for doc in self.docs:
            body = f"{doc['title']}\n\n{doc['text']}"
            (self.scifact / f"{doc['_id']}.txt").write_text(body, encoding="utf-8")
        log(f"wrote {len(self.docs):,} SciFact files to {self.scifact}")

    def inproc_index(self) -> InProcessIndex:
        """SciFact indexed in this process with the preloaded model (measured once)."""
        if self._inproc is None:
            log("indexing SciFact in-process ...")
            embedder = self.embedder()
            run, watch = self.quiet.measure(
                "in-process index",
                lambda: index_in_process(self.inproc_dir, self.scifact, self.cache, embedder),
            )
            run.watch = watch
            self._inproc = run
        return self._inproc

    def cli_index(self) -> tuple[ProcRun, Stopwatch]:
        """``finder index`` on SciFact into a fresh data dir (measured once, memory sampled)."""
        if self._cli is None:
            log("indexing SciFact with the finder CLI ...")
            cmd = [*finder_cmd(), "--data-dir", str(self.cli_dir), "index", str(self.scifact)]

            def attempt() -> ProcRun:
                shutil.rmtree(self.cli_dir, ignore_errors=True)
                return run_checked(cmd, sample=True, echo="finder index")

            self._cli = self.quiet.measure("finder index", attempt)
        return self._cli

    def real_vectors(self) -> np.ndarray:
        """Real SciFact embeddings: the in-process index's, or a sample embedded now."""
        if self._inproc is None:
            log(f"embedding {REAL_SAMPLE:,} SciFact documents for the synthetic vectors ...")
            texts = [f"{d['title']}\n\n{d['text']}" for d in self.docs[:REAL_SAMPLE]]
            return self.embedder().embed(texts)
        catalog = Catalog(catalog_file(self.inproc_dir), readonly=True)
        try:
            _, matrix = catalog.vectors_by_ids(catalog.live_vector_ids(), DIMENSION)
        finally:
            catalog.close()
        return matrix

    def scale(self, n_chunks: int) -> ScaleResult:
        """A synthetic data dir of ``n_chunks`` chunks, measured by a fresh reader."""
        if n_chunks not in self._scales:
            data_dir = self.work / f"data-scale-{n_chunks}"
            build = self._build_scale(data_dir, n_chunks)
            log(f"measuring queries at {n_chunks:,} chunks in a fresh reader process ...")
            reader, reader_watch = self.quiet.measure(
                "reader", lambda: run_reader_worker(data_dir, self.args.data)
            )
            log(f"{len(self.queries)} queries through `finder search -` ...")
            stdin = "\n".join(self.queries) + "\n"
            cmd = [*finder_cmd(), "--data-dir", str(data_dir), "search", "-", "--json"]
            stream, stream_watch = self.quiet.measure(
                "finder search -", lambda: run_checked(cmd, stdin_text=stdin)
            )
            answered = len(stream.stdout.splitlines())
            if answered != len(self.queries):
                self.report.note(f"WRONG: `finder search -` answered {answered} queries")
            self._scales[n_chunks] = ScaleResult(build, reader, reader_watch, stream, stream_watch)
        return self._scales[n_chunks]

    def _build_scale(self, data_dir: Path, n_chunks: int) -> ScaleBuild:
        log(f"building a synthetic data dir of {n_chunks:,} chunks ...")
        real = self.real_vectors()
        self.report.raw.setdefault("real_vectors", len(real))
        vocab = Vocabulary.from_texts([f"{d['title']} {d['text']}" for d in self.docs])
        rng = np.random.default_rng(SEED + n_chunks)
        paths = DataPaths(data_dir, self.cache).ensure()
        write_manifest(paths.manifest, Manifest(model=DEFAULT_MODEL, dimension=DIMENSION))
        watch = Stopwatch()
        catalog = Catalog(paths.catalog)
        try:
            t0 = time.perf_counter()
            root = str(self.work / f"synthetic-{n_chunks}")
            hashes = insert_synthetic_files(catalog, n_chunks, vocab, rng, root)
            t1 = time.perf_counter()
            store_synthetic_vectors(catalog, hashes, real, rng)
            t2 = time.perf_counter()
        finally:
            catalog.close()
        log("  building the HNSW index ...")
        with IndexWriter.open(data_dir, cache_dir=self.cache) as engine:
            engine.current.vector_index().save()
        t3 = time.perf_counter()
        return ScaleBuild(
            chunks=n_chunks,
            files=-(-n_chunks // CHUNKS_PER_FILE),
            insert_s=t1 - t0,
            vectors_s=t2 - t1,
            hnsw_s=t3 - t2,
            catalog_mb=mb(paths.catalog.stat().st_size),
            hnsw_mb=mb(paths.vector_file.stat().st_size),
            watch=watch.stop(),
        )


# --- the reader worker (a fresh process) ----------------------------------------------------
def run_reader_worker(data_dir: Path, data: Path) -> dict[str, Any]:
    script = str(Path(__file__).resolve())
    cmd = [sys.executable, script, "--worker", "reader", "--data", str(data)]
    run = run_checked([*cmd, "--worker-dir", str(data_dir)], echo="reader")
    return dict(json.loads(run.stdout.strip().splitlines()[-1]))


def brute_force_top(matrix: np.ndarray, vector: np.ndarray, k: int) -> np.ndarray:
    scores = matrix @ vector
    top = np.argpartition(-scores, k)[:k]
    return top[np.argsort(-scores[top])]


def recall_at_10(found: list[np.ndarray], exact: list[np.ndarray]) -> float:
    hits = [
        len(set(f[:10].tolist()) & set(e[:10].tolist())) for f, e in zip(found, exact, strict=True)
    ]
    return float(np.mean(hits)) / 10


def reader_worker(data_dir: Path, queries: list[str]) -> dict[str, Any]:
    """Everything measured inside one fresh reader process; returned as JSON-able data."""
    from finder.embed.loader import load_query_embedder

    me = psutil.Process()
    out: dict[str, Any] = {"rss_start_mb": mb(me.memory_info().rss)}
    start = time.perf_counter()
    engine = IndexReader.open(data_dir)
    engine.search(queries[0], 10)
    out["first_search_s"] = time.perf_counter() - start
    out["rss_ready_mb"] = mb(me.memory_info().rss)
    out["peak_ready_mb"] = _own_peak_mb()
    settings = engine.settings
    embedder = load_query_embedder(settings.model, engine.paths.model_cache, settings.threads)
    out["query_embedder"] = type(embedder).__name__
    vectors, out["embed"] = time_each(lambda q: embedder.embed([q])[0], queries)
    index, k = engine.generation.vector_index(), FusionWeights().candidates
    out["k"] = k
    found, out["knn"] = time_each(lambda v: index.query(v, k)[0], vectors)
    _, out["hybrid"] = time_each(lambda q: engine.search(q, 10), queries)
    _, out["hybrid_again"] = time_each(lambda q: engine.search(q, 10), queries)
    _, out["keyword"] = time_each(lambda q: engine.search(q, 10, legs="keyword"), queries)
    _, out["meaning"] = time_each(lambda q: engine.search(q, 10, legs="meaning"), queries)
    out["rss_after_queries_mb"] = mb(me.memory_info().rss)
    ids, matrix = engine.catalog.vectors_by_ids(engine.catalog.live_vector_ids(), index.dimension)
    exact, out["brute"] = time_each(lambda v: ids[brute_force_top(matrix, v, k)], vectors)
    out["recall_at_10"] = recall_at_10(found, exact)
    out["vectors"] = len(ids)
    engine.close()
    return out


def _own_peak_mb() -> float:
    hwm = high_water_mark()
    return mb(hwm) if hwm is not None else float("nan")


# --- the sections ---------------------------------------------------------------------------
def noise(*watches: Stopwatch | None) -> str:
    """Other processes' share of the CPU during each measurement, for the report."""
    return " / ".join(f"{w.others:.0%}" for w in watches if w is not None)


def distinct_chunk_texts(data_dir: Path) -> list[str]:
    uri = f"{catalog_file(data_dir).resolve().as_uri()}?mode=ro"
    with contextlib.closing(sqlite3.connect(uri, uri=True)) as db:
        return [row[0] for row in db.execute("SELECT DISTINCT text FROM chunks")]


def bare_embed_seconds(embedder: Embedder, texts: list[str]) -> float:
    start = time.perf_counter()
    for first in range(0, len(texts), EMBED_BATCH):
        embedder.embed(texts[first : first + EMBED_BATCH])
    return time.perf_counter() - start


def section_indexing(b: Bench) -> None:
    run = b.inproc_index()
    texts = distinct_chunk_texts(b.inproc_dir)
    log(f"bare model on the same {len(texts):,} chunk texts ...")
    bare, watch = b.quiet.measure("bare model", lambda: bare_embed_seconds(b.embedder(), texts))
    b.report.raw["indexing"] = {
        "inproc_s": run.seconds,
        "inproc_cpu_s": run.watch.cpu if run.watch else None,
        "bare_s": bare,
        "bare_cpu_s": watch.cpu,
        "chunks": len(texts),
        "files": run.report.added,
        "phases": run.phases,
    }
    throughput_rows(b, run, len(texts), bare, watch)
    ordering_row(b, texts)
    title_chunks_row(b, texts)
    cli_index_row(b, run)


def throughput_rows(
    b: Bench, run: InProcessIndex, n: int, bare: float, bare_watch: Stopwatch
) -> None:
    files, ratio = run.report.added, bare / run.seconds
    cpu = run.watch.cpu if run.watch else float("nan")
    b.report.add(
        1,
        "SciFact index, in-process (model preloaded: IndexWriter.open, add_roots, index, close)",
        f"{run.seconds:.1f} s: {files / run.seconds:.1f} files/s, {n / run.seconds:.1f} chunks/s "
        f"({files:,} files, {n:,} distinct chunks embedded; CPU {cpu:.0f} s)",
        f"bare model {bare:.1f} s: {n / bare:.1f} chunks/s "
        f"(SentenceTransformerEmbedder.embed, slices of {EMBED_BATCH}, same texts; "
        f"CPU {bare_watch.cpu:.0f} s)",
        noise=noise(run.watch, bare_watch),
    )
    b.report.add(
        1,
        "Ratio bare-model s / in-process s",
        f"{ratio:.2f} (by CPU time {bare_watch.cpu / cpu:.2f})",
        f"{bare:.1f} s / {run.seconds:.1f} s",
        f">= {RATIO_GOAL}",
        ratio >= RATIO_GOAL,
        noise=noise(run.watch, bare_watch),
    )
    embed_s = dict(run.phases).get("embedding", 0.0)
    b.report.add(
        1,
        "  in-process phases",
        format_phases(run.phases, "open, check model, load HNSW"),
        f"embed + store / bare model = {embed_s / bare:.2f}",
        noise=noise(run.watch, bare_watch),
    )


def ordering_row(b: Bench, texts: list[str]) -> None:
    """What handing the model length-sorted slices would gain, on a sample."""
    sample = [texts[i] for i in np.random.default_rng(SEED).permutation(len(texts))[:ORDER_SAMPLE]]
    log(f"bare model on {len(sample):,} texts, as they come and sorted by length ...")
    as_is, w1 = b.quiet.measure("sample", lambda: bare_embed_seconds(b.embedder(), sample))
    by_length, w2 = b.quiet.measure(
        "sorted sample", lambda: bare_embed_seconds(b.embedder(), sorted(sample, key=len))
    )
    b.report.raw["indexing"]["order_sample"] = {"as_is_s": as_is, "sorted_s": by_length}
    b.report.add(
        1,
        f"  bare model, {len(sample):,} sampled texts sorted by length before slicing",
        f"{by_length:.1f} s ({len(sample) / by_length:.1f} chunks/s)",
        f"same texts unsorted {as_is:.1f} s ({len(sample) / as_is:.1f} chunks/s)",
        noise=noise(w2, w1),
    )


def title_chunks_row(b: Bench, texts: list[str]) -> None:
    titles = {doc["title"].strip() for doc in b.docs}
    lone = sum(1 for text in texts if text.strip() in titles)
    b.report.add(
        1,
        "  chunks that are a document title alone",
        f"{lone:,} of {len(texts):,} distinct chunks ({lone / max(len(texts), 1):.0%})",
        f"{len(b.docs):,} documents",
    )


def cli_index_row(b: Bench, run: InProcessIndex) -> None:
    cli, watch = b.cli_index()
    files = run.report.added
    phases = format_phases(segments(cli.phase_marks(), 0.0, cli.wall_s), "process start + load")
    b.report.raw["indexing"]["cli_wall_s"] = cli.wall_s
    b.report.add(
        1,
        "`finder index` CLI, fresh data dir (wall: process start, torch, model load included)",
        f"{cli.wall_s:.1f} s = {files / cli.wall_s:.1f} files/s; {phases}; "
        f"its own report: {cli.reported_seconds()} s after model load",
        f"in-process {run.seconds:.1f} s + model load {b.report.raw['model_load_s']:.1f} s",
        noise=noise(watch, run.watch),
    )
    b.report.note(
        "Indexing is timed in-process with the preloaded embedder (IndexWriter.open(..., "
        "embedder=...)); the CLI wall time is reported as well."
    )


@dataclass(frozen=True)
class NoOp:
    inproc_s: float
    report: IndexReport
    cli_s: float
    walk_s: float
    import_cli_s: float


def measure_noop(b: Bench, data_dir: Path, folder: Path) -> NoOp:
    """Medians of REPEATS: in-process IndexWriter.open + index + close, the CLI, the baselines."""
    times, report = [], IndexReport()
    for _ in range(REPEATS):
        start = time.perf_counter()
        with IndexWriter.open(data_dir, cache_dir=b.cache, embedder=b.embedder()) as engine:
            report = engine.index()
        times.append(time.perf_counter() - start)
    cli, _ = median_wall([*finder_cmd(), "--data-dir", str(data_dir), "index"], REPEATS)
    start_up, _ = median_wall([sys.executable, "-c", "import finder.cli"], REPEATS)
    return NoOp(median(times), report, cli, timed_stat_walk(folder), start_up)


def noop_rows(b: Bench, label: str, data_dir: Path, folder: Path, files: int) -> None:
    m, watch = b.quiet.measure(f"no-op {label}", lambda: measure_noop(b, data_dir, folder))
    r = m.report
    if r.added + r.updated + r.removed + r.renamed or r.chunks_embedded:
        b.report.note(f"WRONG: a no-op re-index of {label} changed things: {r}")
    goal = "well under 1 s per 1,000 files"
    b.report.raw.setdefault("noop", {})[label] = asdict(m)
    b.report.add(
        2,
        f"No-op re-index, {label}, in-process (open, index, close; median of {REPEATS})",
        f"{m.inproc_s:.2f} s = {per_1000(m.inproc_s, files):.3f} s per 1,000 files "
        f"({r.unchanged:,} unchanged)",
        f"stat walk {m.walk_s:.3f} s",
        goal,
        per_1000(m.inproc_s, files) < 1.0,
        noise=noise(watch),
    )
    b.report.add(
        2,
        f"No-op re-index, {label}, `finder index` CLI (median of {REPEATS})",
        f"{m.cli_s:.2f} s = {per_1000(m.cli_s, files):.3f} s per 1,000 files",
        f"`python -c 'import finder.cli'` {m.import_cli_s:.2f} s + stat walk {m.walk_s:.3f} s",
        goal,
        per_1000(m.cli_s, files) < 1.0,
        noise=noise(watch),
    )


def first_small_index(b: Bench, small: Path, data_dir: Path) -> tuple[float, IndexReport]:
    shutil.rmtree(data_dir, ignore_errors=True)
    start = time.perf_counter()
    with IndexWriter.open(data_dir, cache_dir=b.cache, embedder=b.embedder()) as engine:
        engine.add_roots([small])
        report = engine.index()
    return time.perf_counter() - start, report


def section_noop(b: Bench) -> None:
    b.inproc_index()
    noop_rows(b, f"SciFact ({len(b.docs):,} files)", b.inproc_dir, b.scifact, len(b.docs))
    small, data_dir = b.work / "small-files", b.work / "data-small"
    write_small_files(small, SMALL_FILES)
    (seconds, first), watch = b.quiet.measure(
        "first small index", lambda: first_small_index(b, small, data_dir)
    )
    b.report.add(
        2,
        f"First index of {SMALL_FILES:,} name-only .bin files, in-process",
        f"{seconds:.2f} s = {per_1000(seconds, SMALL_FILES):.3f} s per 1,000 files "
        f"({first.added:,} added)",
        f"stat walk {timed_stat_walk(small):.3f} s",
        noise=noise(watch),
    )
    noop_rows(b, f"{SMALL_FILES:,} name-only files", data_dir, small, SMALL_FILES)


def latency_goal(n_chunks: int) -> float:
    return LATENCY_GOAL_MS[100_000] if n_chunks <= 100_000 else LATENCY_GOAL_MS[1_000_000]


def section_latency(b: Bench, n_chunks: int) -> None:
    result = b.scale(n_chunks)
    s, r, rw = result.build, result.reader, result.reader_watch
    at = f"@ {n_chunks:,} chunks"
    lat = {key: Latency.of(r[key]) for key in ("embed", "knn", "hybrid", "keyword", "meaning")}
    brute = Latency.of(r["brute"])
    goal = latency_goal(n_chunks)
    b.report.raw.setdefault("latency", {})[str(n_chunks)] = {
        **{k: asdict(v) for k, v in lat.items()},
        "brute": asdict(brute),
        "recall_at_10": r["recall_at_10"],
        "first_search_s": r["first_search_s"],
        "build": {"insert_s": s.insert_s, "vectors_s": s.vectors_s, "hnsw_s": s.hnsw_s},
        "stream_wall_s": result.stream.wall_s,
    }
    b.report.add(
        3,
        f"Build {at} ({s.files:,} files) through the Catalog API",
        f"insert + FTS {s.insert_s:.0f} s, store vectors {s.vectors_s:.0f} s, "
        f"HNSW build + save {s.hnsw_s:.0f} s; catalog {s.catalog_mb:.0f} MB, "
        f"HNSW {s.hnsw_mb:.0f} MB",
        noise=noise(s.watch),
    )
    b.report.add(
        3,
        f"Whole hybrid `engine.search(q, 10)` {at}, {len(r['hybrid'])} SciFact queries",
        str(lat["hybrid"]),
        f"brute-force NumPy k-NN {brute}",
        f"p95 <= {goal:.0f} ms",
        lat["hybrid"].p95 <= goal,
        noise=noise(rw),
    )
    b.report.add(
        3,
        f"  the same {len(r['hybrid'])} queries again (catalog pages now in the OS cache)",
        str(Latency.of(r["hybrid_again"])),
    )
    b.report.add(3, f"  query embedding alone ({r['query_embedder']})", str(lat["embed"]))
    b.report.add(
        3,
        f"  HNSW k-NN alone (k={r['k']}) {at}",
        f"{lat['knn']}; recall@10 vs exact {r['recall_at_10']:.3f}",
        f"brute-force NumPy dot product over {r['vectors']:,} vectors: {brute}",
    )
    b.report.add(3, f"  keyword leg only (legs='keyword') {at}", str(lat["keyword"]))
    b.report.add(3, f"  meaning leg only (legs='meaning') {at}", str(lat["meaning"]))
    b.report.add(
        3,
        f"  first search in a fresh reader (IndexReader.open, load HNSW + ONNX, search) {at}",
        f"{r['first_search_s']:.2f} s",
    )
    per_query = result.stream.wall_s / len(b.queries) * 1000
    b.report.add(
        3,
        f"  {len(b.queries)} queries through `finder search - --json` {at}",
        f"{result.stream.wall_s:.1f} s wall = {per_query:.1f} ms per query (start-up included)",
        noise=noise(result.stream_watch),
    )


def section_memory(b: Bench) -> None:
    log("memory baseline: a fresh process loading the model with sentence_transformers ...")
    baseline = run_checked([sys.executable, "-c", MODEL_RSS_SNIPPET])
    model_mb = mb(int(baseline.stdout.split()[-1]))
    base = f"import sentence_transformers + load model: {model_mb:.0f} MB"
    cli, _ = b.cli_index()
    b.report.raw["memory"] = {
        "model_only_mb": model_mb,
        "index_peak_mb": cli.peak_rss_mb,
        "index_tree_peak_mb": cli.peak_tree_mb,
    }
    b.report.add(
        4,
        "Peak RSS of `finder index` on SciFact",
        f"{cli.peak_rss_mb:.0f} MB (its VmHWM); with its extractor workers "
        f"{cli.peak_tree_mb:.0f} MB (peak of the sampled sum)",
        base,
    )
    for n_chunks in [b.args.scale, *([b.args.big] if b.args.big else [])]:
        r = b.scale(n_chunks).reader
        goal_applies = n_chunks == b.args.scale
        b.report.raw["memory"][f"reader_{n_chunks}_mb"] = r["rss_ready_mb"]
        b.report.add(
            4,
            f"RSS of a fresh reader @ {n_chunks:,} chunks after one search",
            f"{r['rss_ready_mb']:.0f} MB (peak {r['peak_ready_mb']:.0f} MB; "
            f"{r['rss_after_queries_mb']:.0f} MB after all query runs)",
            base,
            f"<= {READER_RSS_GOAL_MB:.0f} MB" if goal_applies else "",
            r["rss_ready_mb"] <= READER_RSS_GOAL_MB if goal_applies else None,
        )


def cold_searches(cmd: list[str]) -> list[ProcRun]:
    return [run_checked(cmd) for _ in range(COLD_REPEATS)]


def section_cold(b: Bench) -> None:
    b.cli_index()
    cmd = [*finder_cmd(), "--data-dir", str(b.cli_dir), "search", COLD_QUERY, "--json"]
    runs, watch = b.quiet.measure("cold search", lambda: cold_searches(cmd))
    if not json.loads(runs[-1].stdout):
        b.report.note(f"WRONG: cold search for {COLD_QUERY!r} returned no hits")
    walls = [r.wall_s for r in runs]
    cold = median(walls)
    import_st = [sys.executable, "-c", "import sentence_transformers"]
    (base, _), base_watch = b.quiet.measure("import", lambda: median_wall(import_st, REPEATS))
    b.report.raw["cold"] = {"walls": walls, "import_st_s": base}
    b.report.add(
        5,
        f'Fresh `finder search "..." --json` on SciFact (median of {COLD_REPEATS})',
        f"{cold:.2f} s (min {min(walls):.2f}, max {max(walls):.2f})",
        f"`python -c 'import sentence_transformers'` {base:.2f} s (median of {REPEATS})",
        f"<= {COLD_GOAL_S:.0f} s",
        cold <= COLD_GOAL_S,
        noise=noise(watch, base_watch),
    )


# --- main -----------------------------------------------------------------------------------
def scale_notes(b: Bench) -> None:
    b.report.note(
        f"Synthetic scale data: {WORDS_PER_CHUNK[0]}-{WORDS_PER_CHUNK[1]} words per chunk, "
        f"{CHUNKS_PER_FILE} chunks per file; each file takes one SciFact abstract as its topic "
        f"and each chunk draws {TOPIC_SHARE:.0%} of its words from that abstract, the rest "
        "from SciFact's overall word frequencies (Zipf-like). Without the topic share an "
        "OR-query of a SciFact query's words matched a median 62% of chunks (vs 25% on real "
        "SciFact chunks of 100+ words), overstating the keyword leg's work. Inserted with "
        "Catalog.put_file (FTS triggers included). Vectors are NOT model "
        f"outputs: each blends one of {b.report.raw.get('real_vectors', 0):,} real SciFact "
        f"chunk embeddings with a random unit vector (cosine to the real one uniform in "
        f"{list(REAL_COSINE)}), so neighbourhoods have structure but are not pure noise."
    )
    b.report.note(
        "Query latency and reader RSS come from one fresh reader process (the bench script "
        "itself, so numpy/psutil/finder imports are included): IndexReader.open, one "
        "warm-up search, then each stage over the 300 SciFact queries after one warm-up call, "
        "in this order: embedding, k-NN, hybrid, hybrid again, keyword leg, meaning leg, "
        "brute force. The first hybrid pass is the first to read most FTS pages."
    )


def run_all(b: Bench, only: set[int]) -> None:
    b.write_scifact()
    b.warm_cache()
    steps: list[tuple[int, Callable[[], None]]] = [
        (1, lambda: section_indexing(b)),
        (2, lambda: section_noop(b)),
        (5, lambda: section_cold(b)),
        (3, lambda: section_latency(b, b.args.scale)),
    ]
    if b.args.big:
        steps.append((3, lambda: section_latency(b, b.args.big)))
    steps.append((4, lambda: section_memory(b)))
    shares: list[str] = []
    for section, step in steps:
        if section in only:
            log(f"=== section {section}: {SECTIONS[section]}")
            watch = Stopwatch()
            step()
            shares.append(f"{section}. {watch.stop().others:.0%} over {watch.wall / 60:.1f} min")
    b.report.note(
        "Each row's last column is the share of all cores that other processes on this "
        f"machine used during that measurement (result / baseline); above {BUSY_LIMIT:.0%} a "
        f"measurement was repeated up to {b.args.retries} times and the quietest attempt kept. "
        f"Per section: {'; '.join(shares)}."
    )
    if 3 in only or 4 in only:
        scale_notes(b)


def header(b: Bench, wall_s: float) -> dict[str, str]:
    return {
        "Date": datetime.now().astimezone().strftime("%Y-%m-%d %H:%M %Z"),
        "Commit": git_commit(),
        "Machine": machine(),
        "Versions": versions(),
        "Model": f"{DEFAULT_MODEL}; indexing precision {b.report.raw.get('precision', '?')}",
        "Run": f"--scale {b.args.scale:,}"
        + (f" --big {b.args.big:,}" if b.args.big else "")
        + f"; wall time of the whole run {wall_s / 60:.1f} min, of which "
        f"{b.quiet.waited_s / 60:.1f} min waiting for a quiet machine and "
        f"{b.quiet.discarded_s / 60:.1f} min on noisy attempts measured again",
    }


def parse_args(argv: Sequence[str] | None) -> argparse.Namespace:
    p = argparse.ArgumentParser(description=__doc__.split("\n\n")[0] if __doc__ else None)
    p.add_argument("--scale", type=int, default=100_000, help="chunks for the latency index")
    p.add_argument("--big", type=int, default=None, help="also measure at this many chunks")
    p.add_argument("--out", type=Path, help="also write the Markdown report here")
    p.add_argument("--json", type=Path, help="write the raw numbers here")
    p.add_argument("--data", type=Path, default=DEFAULT_DATA, help="the SciFact folder")
    p.add_argument("--docs", type=int, help="use only the first N SciFact docs (smoke runs)")
    p.add_argument("--workdir", type=Path, help="parent of the temporary folder")
    p.add_argument("--keep", action="store_true", help="keep the temporary folder")
    p.add_argument(
        "--wait-idle",
        type=float,
        default=0.0,
        metavar="S",
        help="before each timed step, wait up to S seconds for other processes to go quiet",
    )
    p.add_argument(
        "--retries",
        type=int,
        default=2,
        help=f"repeat a timed step when others used over {BUSY_LIMIT:.0%} of the CPU",
    )
    p.add_argument("--only", default="1,2,3,4,5", help="sections to run, e.g. 1,3")
    p.add_argument("--worker", choices=("reader",), help=argparse.SUPPRESS)
    p.add_argument("--worker-dir", type=Path, help=argparse.SUPPRESS)
    return p.parse_args(argv)


def main(argv: Sequence[str] | None = None) -> int:
    args = parse_args(argv)
    if args.worker == "reader":
        queries = [q["text"] for q in read_jsonl(args.data / "queries.jsonl")]
        print(json.dumps(reader_worker(args.worker_dir, queries)))
        return 0
    work = Path(tempfile.mkdtemp(prefix="finder-bench-", dir=args.workdir))
    os.environ["FINDER_CACHE_DIR"] = str(work / "cache")
    os.environ["FINDER_CONFIG_DIR"] = str(work / "config")  # settings files of the temp indexes
    os.environ.setdefault("HF_HUB_OFFLINE", "1")
    os.environ.setdefault("TRANSFORMERS_OFFLINE", "1")
    log(f"working in {work}")
    # A background run ignores SIGINT; make ``kill`` (SIGTERM) still remove the temp folder.
    signal.signal(signal.SIGTERM, lambda *_: sys.exit(143))
    bench = Bench(args, work)
    try:
        run_all(bench, {int(s) for s in args.only.split(",") if s.strip()})
    finally:
        if args.keep:
            log(f"kept {work}")
        else:
            shutil.rmtree(work, ignore_errors=True)
    text = bench.report.markdown(header(bench, time.perf_counter() - _STARTED))
    print(text)
    if args.out:
        args.out.write_text(text, encoding="utf-8")
    if args.json:
        args.json.write_text(json.dumps(bench.report.raw, indent=2, default=str), encoding="utf-8")
    return 0


if __name__ == "__main__":
    sys.exit(main())
