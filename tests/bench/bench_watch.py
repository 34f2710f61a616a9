"""Benchmark harness for finder's live indexing service (``IndexService``).

Not part of the test suite (pytest collects nothing here, see ``conftest.py``). Run it on
demand from the repository root; it needs only the project installed::

    .venv/bin/python tests/bench/bench_watch.py [--saves 40] [--files 50000] [--out F.md]

Everything lives in one temporary folder (the model cache ``FINDER_CACHE_DIR`` too), deleted
at the end unless ``--keep``. The model is loaded once, up front, and passed as ``embedder=``
to every service and engine, so no number includes loading it. Waits are on the services'
``on_batch`` reports (a queue, stamped on the writer thread), never polling sleeps. Progress
goes to stderr, the Markdown report to stdout (and ``--out``). Each measurement sits next to
a baseline measured in the same run:

1. **Save-to-searchable latency.** The service (default ``ServiceOptions()``) indexes a root
   of 1,000 small .txt files and keeps running. ``--saves`` times, 1.5 s apart (one batch
   each), a new small .txt file holding a unique made-up word is written; latency = from
   right after it is closed to the arrival of the batch report naming it. Then, untimed, a
   fresh ``IndexReader.open(...).search(word, 5)`` must return it. Baseline: the service
   stopped, ``engine.update([path])`` alone on a writer engine for 20 such files (after an
   untimed warm-up). The quiet interval, the latency's floor, is printed too.
2. **Idle CPU.** ``--files`` small .txt files in folders of 100, contents drawn from 200
   short texts (identical contents share one embedding). From a few seconds after the
   service's first "reconcile" report, CPU seconds of this process (``time.process_time()``,
   all threads) and its reaped children (``RUSAGE_CHILDREN``) over ``--idle-seconds`` while
   nothing changes; ``/proc/self/task/*/stat`` names any busy thread, and the inotify watches
   this process holds count the folders watched. Baseline: the same window with the service
   stopped (the process merely sleeping).
3. **Startup reconcile** of those files, unchanged: a new ``IndexService`` on the same data
   dir, from ``start()`` to its first "reconcile" report (median of 3). Baselines: a bare
   ``os.scandir``/``stat`` walk of the tree and an in-process ``IndexWriter.open()`` +
   ``index()`` no-op (close not timed), each median of 3.
"""

from __future__ import annotations

import argparse
import contextlib
import os
import queue
import random
import resource
import shutil
import signal
import sys
import tempfile
import threading
import time
from collections.abc import Sequence
from datetime import datetime
from pathlib import Path

from benchkit.common import _STARTED, REPEATS, SEED, Latency, log, median
from benchkit.procs import Stopwatch
from benchkit.report import Report, git_commit, machine
from benchkit.synthetic import timed_stat_walk

from finder.embed import DEFAULT_MODEL, Embedder
from finder.engine import IndexReader, IndexWriter
from finder.service.live import IndexService
from finder.service.state import BatchReport, ServiceOptions
from finder.settings import IndexSettings

SECTIONS = {1: "Save-to-searchable latency", 2: "Idle CPU", 3: "Startup reconcile"}
SMALL_ROOT_FILES, BASELINE_UPDATES, TEXT_POOL = 1000, 20, 200
PAUSE_S, SETTLE_S, LATENCY_GOAL_S = 1.5, 5.0, 2.0
SYLLABLES = [c + v for c in "bdfgklmnprstvz" for v in "aeiou"]
WORDS = (
    "river lamp paper stone garden window letter winter coffee bridge market violin forest "
    "ladder candle harbour engine pocket mirror orchard kettle blanket compass meadow"
).split()


# --- helpers ---------------------------------------------------------------------------------
class Batches(queue.Queue[tuple[float, BatchReport]]):
    """An ``on_batch`` callback queueing each report with the time it arrived."""

    def __call__(self, batch: BatchReport) -> None:
        self.put((time.perf_counter(), batch))

    def wait(self, want: str, timeout: float) -> tuple[float, BatchReport | None]:
        """(arrival, report) of the next report of kind ``want`` or naming the path ``want``;
        (nan, None) on timeout."""
        deadline = time.monotonic() + timeout
        while (remaining := deadline - time.monotonic()) > 0:
            try:
                arrived, batch = self.get(timeout=remaining)
            except queue.Empty:
                break
            if want in (batch.kind, *batch.paths, *batch.report.paths):
                return arrived, batch
        return float("nan"), None


def save(path: Path, n: int, tag: str) -> tuple[str, float]:
    """Write a text holding a made-up word; the word, and the time right after closing."""
    word = f"{tag}{SYLLABLES[n % 70]}{SYLLABLES[n // 70 % 70]}quel"
    path.write_text(f"The {word} sorts old letters by colour.\nNobody saw a {word} twice.\n")
    return word, time.perf_counter()


def write_tree(root: Path, files: int, texts: Sequence[str], per_folder: int = 100) -> None:
    for n in range(files):
        folder = root / f"d{n // per_folder:04d}"
        if n % per_folder == 0:
            folder.mkdir(parents=True)
        (folder / f"note{n:06d}.txt").write_text(texts[(n * 7) % len(texts)])


def thread_cpu() -> dict[str, float]:
    """CPU seconds of each thread of this process, by Python thread name (else comm) + tid."""
    names, tick = {t.native_id: t.name for t in threading.enumerate()}, os.sysconf("SC_CLK_TCK")
    out: dict[str, float] = {}
    for task in Path("/proc/self/task").iterdir():
        with contextlib.suppress(OSError):  # the thread may have ended
            head, _, tail = (task / "stat").read_text().rpartition(") ")
            fields = tail.split()  # proc(5) fields 3 and on: 14 and 15 are utime, stime
            name = names.get(int(task.name), head.partition("(")[2])
            out[f"{name} [{task.name}]"] = (int(fields[11]) + int(fields[12])) / tick
    return out


def inotify_watches() -> int:
    """Inotify watches held by this process (one per watched folder)."""
    count = 0
    for fd in os.listdir("/proc/self/fd"):
        with contextlib.suppress(OSError):
            if "inotify" in os.readlink(f"/proc/self/fd/{fd}"):
                count += Path(f"/proc/self/fdinfo/{fd}").read_text().count("inotify wd:")
    return count


def idle_window(seconds: float) -> tuple[float, str, Stopwatch]:
    """Sleep ``seconds``; the share of one core used meanwhile, described, and the stopwatch."""

    def children() -> float:  # CPU seconds of reaped children
        r = resource.getrusage(resource.RUSAGE_CHILDREN)
        return r.ru_utime + r.ru_stime

    threads, kids, cpu, watch = thread_cpu(), children(), time.process_time(), Stopwatch()
    time.sleep(seconds)
    cpu, kids, wall = time.process_time() - cpu, children() - kids, watch.stop().wall
    used = sorted(((s - threads.get(n, 0.0), n) for n, s in thread_cpu().items()), reverse=True)
    busiest = ", ".join(f"{n} {s:.2f} s" for s, n in used[:5] if s > 0) or "none"
    share = (cpu + kids) / wall
    text = f"{cpu:.3f} s CPU in {wall:.0f} s = {share:.2%} of one core (reaped children "
    return share, text + f"{kids:.3f} s); threads that used CPU: {busiest}", watch


# --- the bench -------------------------------------------------------------------------------
class Bench:
    def __init__(self, args: argparse.Namespace, work: Path) -> None:
        self.args, self.work, self.cache = args, work, work / "cache"
        self.report = Report()
        self.running: list[IndexService] = []
        rng = random.Random(SEED)
        self.texts = [f"Note {k}: " + " ".join(rng.choices(WORDS, k=12)) for k in range(TEXT_POOL)]
        self.embedder: Embedder | None = None

    def load_model(self) -> None:
        from finder.embed.torch_embedder import SentenceTransformerEmbedder

        start = time.perf_counter()
        self.embedder = SentenceTransformerEmbedder(DEFAULT_MODEL, threads=IndexSettings().threads)
        self.embedder.embed(self.texts[:32])  # warm-up
        self.report.note(f"Model load + warm-up, in no number: {time.perf_counter() - start:.0f} s")

    def writer(self, data: Path) -> IndexWriter:
        return IndexWriter.open(data, cache_dir=self.cache, embedder=self.embedder)

    def new_data_dir(self, name: str, root: Path) -> Path:
        with self.writer(self.work / name) as engine:
            engine.add_roots([root])
        return self.work / name

    def start(self, data: Path) -> tuple[IndexService, Batches, float, BatchReport]:
        """A started service, the seconds from ``start()`` to its first reconcile, and it."""
        batches, options = Batches(), ServiceOptions()
        service = IndexService(
            data, cache_dir=self.cache, embedder=self.embedder, options=options, on_batch=batches
        )
        self.running.append(service)
        start = time.perf_counter()
        service.start()
        arrived, first = batches.wait("reconcile", timeout=3600)
        if first is None:
            raise RuntimeError(f"no reconcile report from the service on {data}")
        return service, batches, arrived - start, first

    def stop(self, service: IndexService) -> None:
        service.stop()
        self.running.remove(service)


def section_latency(b: Bench) -> None:
    root = b.work / "small"
    write_tree(root, SMALL_ROOT_FILES, b.texts)
    data = b.new_data_dir("data-small", root)
    log(f"service indexing {SMALL_ROOT_FILES:,} files, then {b.args.saves} saves ...")
    service, batches, _, _ = b.start(data)
    latencies, inside, failed, missing, watch = [], [], 0, 0, Stopwatch()
    for i in range(b.args.saves):
        path = str(root / f"saved-{i:03d}.txt")
        word, written = save(Path(path), i, "vor")
        arrived, batch = batches.wait(path, 30)
        if batch is None:
            missing += 1
            continue
        latencies.append(arrived - written)
        inside.append(batch.report.seconds)
        with IndexReader.open(data, cache_dir=b.cache) as reader:
            found = any(hit.path == path for hit in reader.search(word, 5))
        failed += not found
        log(f"  save {i}: {latencies[-1] * 1000:.0f} ms ({batch.kind}), found: {found}")
        time.sleep(PAUSE_S)
    watch.stop()
    b.stop(service)
    log(f"baseline: engine.update([path]) alone, {BASELINE_UPDATES} files ...")
    updates, base_watch = [], Stopwatch()
    with b.writer(data) as engine:
        for i in range(BASELINE_UPDATES + 1):
            direct = root / f"direct-{i:03d}.txt"
            _, start = save(direct, i, "dax")
            if engine.update([str(direct)]).added == 1 and i:  # i == 0: an untimed warm-up
                updates.append(time.perf_counter() - start)
    lat, base = Latency.of(latencies), Latency.of(updates)
    b.report.add(
        1,
        f"Save -> batch report naming the file ({len(latencies)} saves; quiet interval "
        f"{service.options.quiet_s:.1f} s = the floor)",
        f"{lat}; of which engine.update in the service: p50 {median(inside) * 1000:.0f} ms",
        f"service stopped, engine.update([path]) alone: {base} ({len(updates)} files)",
        f"p95 <= {LATENCY_GOAL_S:.0f} s",
        lat.p95 <= LATENCY_GOAL_S * 1000 and not missing,
        noise=f"{watch.others:.0%} / {base_watch.stop().others:.0%}",
    )
    b.report.add(
        1,
        "  saves not found by search(word, 5) in a fresh reader / with no report within 30 s",
        f"{failed} / {missing}",
        goal="0 / 0",
        met=failed == 0 and missing == 0,
    )


def section_idle(b: Bench, data: Path) -> None:
    service, batches, first, _ = b.start(data)
    b.report.note(f"Initial indexing of {b.args.files:,} files by the service: {first:.1f} s")
    log(f"  first reconcile after {first:.1f} s; settling {SETTLE_S:.0f} s ...")
    time.sleep(SETTLE_S)
    roots, watches, reports = service.state().roots, inotify_watches(), batches.qsize()
    log(f"idle window of {b.args.idle_seconds:g} s, service watching ...")
    share, busy, watch = idle_window(b.args.idle_seconds)
    during = batches.qsize() - reports
    b.stop(service)
    log(f"baseline idle window of {b.args.idle_seconds:g} s, service stopped ...")
    _, calm, calm_watch = idle_window(b.args.idle_seconds)
    b.report.add(
        2,
        f"Service idle, watching {b.args.files:,} files ({len(roots)} root, mode "
        f"{', '.join(r.mode for r in roots)}; {watches} inotify watches = folders); "
        f"{during} batch reports in the window",
        busy,
        f"service stopped, process sleeping: {calm}",
        "~0 (< 0.5% of one core), no reports",
        share < 0.005 and during == 0,
        noise=f"{watch.others:.0%} / {calm_watch.others:.0%}",
    )


def section_startup(b: Bench, root: Path, data: Path) -> None:
    log(f"startup reconcile of the unchanged files, {REPEATS} times ...")
    times, changed, watch = [], 0, Stopwatch()
    for _ in range(REPEATS):
        service, _, seconds, first = b.start(data)
        b.stop(service)
        times.append(seconds)
        r = first.report
        changed += r.added + r.updated + r.removed + r.renamed
        log(f"  {seconds:.2f} s ({r.unchanged:,} unchanged)")
    watch.stop()
    log(f"baselines: stat walk and in-process no-op index, {REPEATS} times each ...")
    walk, noops = timed_stat_walk(root), []
    for _ in range(REPEATS):
        start = time.perf_counter()
        with b.writer(data) as engine:
            noop = engine.index()
            noops.append(time.perf_counter() - start)  # close (saves the HNSW) not timed
    b.report.add(
        3,
        f"New IndexService: start() -> first reconcile report, {b.args.files:,} unchanged "
        f"files (median of {REPEATS})",
        f"{median(times):.2f} s (runs {', '.join(f'{t:.2f}' for t in times)}; "
        f"{r.unchanged:,} unchanged, {changed} changed)",
        f"stat walk {walk:.2f} s; in-process IndexWriter.open + index() no-op "
        f"{median(noops):.2f} s ({noop.unchanged:,} unchanged)",
        noise=f"{watch.stop().others:.0%}",
    )


def render(b: Bench, wall_s: float) -> str:
    a = b.args
    lines = [
        "# finder live-indexing benchmark",
        "",
        f"- **Date**: {datetime.now().astimezone().strftime('%Y-%m-%d %H:%M %Z')}",
        f"- **Commit**: {git_commit()}",
        f"- **Machine**: {machine()}",
        f"- **Run**: --saves {a.saves} --files {a.files} --idle-seconds {a.idle_seconds:g}; "
        f"wall time {wall_s / 60:.1f} min",
    ]
    for section, title in SECTIONS.items():
        lines += ["", f"## {section}. {title}", ""]
        lines += ["| Measurement | Result | Baseline (same run) | Goal | Met | Others' CPU |"]
        lines += ["|---|---|---|---|---|---|"]
        for r in (r for r in b.report.rows if r.section == section):
            met = "" if r.met is None else ("yes" if r.met else "**NO**")
            cells = (r.what, r.result, r.baseline, r.goal, met, r.noise)
            lines.append("| " + " | ".join(c.replace("|", "\\|") for c in cells) + " |")
    lines += ["", "Notes:", ""] + [f"- {n}" for n in b.report.notes]
    lines += ["- Others' CPU: share of all cores other processes used (result / baseline)."]
    return "\n".join(lines) + "\n"


def main(argv: Sequence[str] | None = None) -> int:
    p = argparse.ArgumentParser(description=__doc__.split("\n\n")[0] if __doc__ else None)
    p.add_argument("--saves", type=int, default=40, help="files saved for the latency")
    p.add_argument("--files", type=int, default=50_000, help="files for idle CPU and startup")
    p.add_argument("--idle-seconds", type=float, default=60.0, help="length of the idle window")
    p.add_argument("--out", type=Path, help="also write the Markdown report here")
    p.add_argument("--workdir", type=Path, help="parent of the temporary folder")
    p.add_argument("--keep", action="store_true", help="keep the temporary folder")
    args = p.parse_args(argv)
    work = Path(tempfile.mkdtemp(prefix="finder-bench-watch-", dir=args.workdir)).resolve()
    os.environ["FINDER_CACHE_DIR"] = str(work / "cache")
    os.environ["FINDER_CONFIG_DIR"] = str(work / "config")
    os.environ["HF_HUB_OFFLINE"] = "1"
    os.environ.setdefault("TRANSFORMERS_OFFLINE", "1")
    log(f"working in {work}")
    # A background run ignores SIGINT; make ``kill`` (SIGTERM) still remove the temp folder.
    signal.signal(signal.SIGTERM, lambda *_: sys.exit(143))
    bench = Bench(args, work)
    try:
        bench.load_model()
        section_latency(bench)
        many = work / "many"
        log(f"writing {args.files:,} files; the service indexes them ...")
        write_tree(many, args.files, bench.texts)
        data = bench.new_data_dir("data-many", many)
        section_idle(bench, data)
        section_startup(bench, many, data)
    finally:
        for service in list(bench.running):
            service.stop()
        if args.keep:
            log(f"kept {work}")
        else:
            shutil.rmtree(work, ignore_errors=True)
    text = render(bench, time.perf_counter() - _STARTED)
    print(text)
    if args.out:
        args.out.write_text(text, encoding="utf-8")
    return 0


if __name__ == "__main__":
    sys.exit(main())
