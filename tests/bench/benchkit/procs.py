"""Running child processes and watching how busy the rest of the machine is."""

from __future__ import annotations

import contextlib
import os
import re
import subprocess
import sys
import threading
import time
from collections.abc import Callable, Sequence
from dataclasses import dataclass
from pathlib import Path
from typing import IO, Any

import psutil
from benchkit.common import BUSY_LIMIT, CLI_PHASES, T, log, mb, median


# --- subprocesses ---------------------------------------------------------------------------
@dataclass
class ProcRun:
    """What one measured subprocess did."""

    returncode: int
    wall_s: float
    stdout: str
    stderr: list[tuple[float, str]]  # (seconds since start, line)
    peak_rss_mb: float = 0.0  # the process's own high-water mark (VmHWM), if sampled
    peak_tree_mb: float = 0.0  # sampled peak of the sum over the process and its children

    def phase_marks(self) -> dict[str, float]:
        """First time each known progress label appeared on stderr."""
        marks: dict[str, float] = {}
        for t, line in self.stderr:
            for label, phase in CLI_PHASES.items():
                if line.startswith(label):
                    marks.setdefault(phase, t)
            if re.match(r"\d+ added, ", line):
                marks.setdefault("done", t)
        return marks

    def reported_seconds(self) -> float | None:
        """The ``... chunks embedded in X s`` figure of ``finder index``."""
        for _, line in self.stderr:
            if m := re.search(r"chunks embedded in ([\d.]+) s", line):
                return float(m.group(1))
        return None

    def tail(self) -> str:
        return "\n".join(line for _, line in self.stderr[-15:])


class _MemorySampler(threading.Thread):
    """Samples a process every 50 ms: its RSS high-water mark and the RSS of its tree.

    The high-water mark is Linux's VmHWM, which starts afresh at exec. ``getrusage`` and
    ``wait4``'s ``ru_maxrss`` do not: they keep the parent's size from before the exec, so a
    child of this (large) bench process would report the bench's own RSS.
    """

    def __init__(self, pid: int) -> None:
        super().__init__(daemon=True)
        self.pid = pid
        self.hwm = 0
        self.tree_peak = 0
        self._done = threading.Event()

    def run(self) -> None:
        try:
            root = psutil.Process(self.pid)
        except psutil.Error:
            return
        while not self._done.wait(0.05):
            with contextlib.suppress(psutil.Error):
                procs = [root, *root.children(recursive=True)]
                self.tree_peak = max(self.tree_peak, sum(_rss(p) for p in procs))
                self.hwm = max(self.hwm, high_water_mark(self.pid) or _rss(root))

    def finish(self) -> tuple[float, float]:
        """(own peak MB, tree peak MB)."""
        self._done.set()
        self.join()
        return mb(self.hwm), mb(self.tree_peak)


def high_water_mark(pid: int | str = "self") -> int | None:
    """Peak RSS in bytes of a live process since its exec (Linux ``VmHWM``), else None."""
    with contextlib.suppress(OSError, ValueError):
        for line in Path(f"/proc/{pid}/status").read_text().splitlines():
            if line.startswith("VmHWM:"):
                return int(line.split()[1]) * 1024
    return None


def _rss(proc: psutil.Process) -> int:
    try:
        return int(proc.memory_info().rss)
    except psutil.Error:
        return 0


def _pump_lines(stream: IO[str], sink: list[tuple[float, str]], start: float, echo: str) -> None:
    for line in stream:
        sink.append((time.perf_counter() - start, line.rstrip("\n")))
        if echo:
            print(f"    {echo} | {line.rstrip()}", file=sys.stderr, flush=True)


def _feed(stream: IO[str], text: str) -> None:
    with contextlib.suppress(BrokenPipeError):
        stream.write(text)
    with contextlib.suppress(BrokenPipeError):
        stream.close()


def run_process(
    cmd: Sequence[str], *, stdin_text: str | None = None, sample: bool = False, echo: str = ""
) -> ProcRun:
    """Run ``cmd`` to completion: wall time, output, and (``sample``) peak memory."""
    out: list[str] = []
    err: list[tuple[float, str]] = []
    start = time.perf_counter()
    with subprocess.Popen(
        list(cmd),
        stdin=subprocess.DEVNULL if stdin_text is None else subprocess.PIPE,
        stdout=subprocess.PIPE,
        stderr=subprocess.PIPE,
        text=True,
        encoding="utf-8",
    ) as proc:
        assert proc.stdout is not None and proc.stderr is not None
        stdout, stderr = proc.stdout, proc.stderr
        threads = [
            threading.Thread(target=lambda: out.append(stdout.read())),
            threading.Thread(target=_pump_lines, args=(stderr, err, start, echo)),
        ]
        if stdin_text is not None:
            threads.append(threading.Thread(target=_feed, args=(proc.stdin, stdin_text)))
        sampler = _MemorySampler(proc.pid) if sample else None
        for thread in [*threads, *([sampler] if sampler else [])]:
            thread.start()
        returncode = proc.wait()
        wall = time.perf_counter() - start
        for thread in threads:
            thread.join()
    peaks = sampler.finish() if sampler else (0.0, 0.0)
    return ProcRun(returncode, wall, "".join(out), err, *peaks)


def run_checked(cmd: Sequence[str], **kwargs: Any) -> ProcRun:
    run = run_process(cmd, **kwargs)
    if run.returncode != 0:
        raise RuntimeError(f"{' '.join(cmd)} exited {run.returncode}:\n{run.tail()}")
    return run


def median_wall(cmd: Sequence[str], repeats: int) -> tuple[float, list[float]]:
    walls = [run_checked(cmd).wall_s for _ in range(repeats)]
    return median(walls), walls


# --- how busy the rest of the machine is ----------------------------------------------------
def _own_cpu_s() -> float:
    """CPU seconds of this process and its reaped children."""
    import resource

    own = resource.getrusage(resource.RUSAGE_SELF)
    kids = resource.getrusage(resource.RUSAGE_CHILDREN)
    return own.ru_utime + own.ru_stime + kids.ru_utime + kids.ru_stime


def _busy_cpu_s() -> float:
    t = psutil.cpu_times()
    return float(t.user + t.nice + t.system + getattr(t, "irq", 0) + getattr(t, "softirq", 0))


class Stopwatch:
    """Wall and CPU seconds of a step, and the share of the machine other processes used.

    Others' share = (system busy CPU time - this process tree's CPU time) / (wall x cores).
    Stop it only when every child started in the step has been reaped.
    """

    def __init__(self) -> None:
        self._start = self._now()
        self.wall = self.cpu = self.others = 0.0

    @staticmethod
    def _now() -> tuple[float, float, float]:
        return time.perf_counter(), _busy_cpu_s(), _own_cpu_s()

    def stop(self) -> Stopwatch:
        end = self._now()
        self.wall = end[0] - self._start[0]
        self.cpu = end[2] - self._start[2]
        busy = end[1] - self._start[1]
        capacity = self.wall * (os.cpu_count() or 1)
        self.others = max(0.0, (busy - self.cpu) / capacity) if capacity > 0 else 0.0
        return self


def wait_for_idle(max_wait_s: float, threshold: float = BUSY_LIMIT) -> float:
    """Wait (up to ``max_wait_s``) until other processes use under ``threshold`` of the CPU."""
    deadline = time.monotonic() + max_wait_s
    while True:
        busy = psutil.cpu_percent(interval=5) / 100
        if busy < threshold or time.monotonic() >= deadline:
            return busy
        log(f"machine {busy:.0%} busy with other processes; waiting for it to go quiet ...")


class Quiet:
    """Runs measurements again when other processes took a noticeable share of the CPU."""

    def __init__(self, wait_idle_s: float, retries: int) -> None:
        self.wait_idle_s = wait_idle_s
        self.retries = retries
        self.waited_s = 0.0  # spent waiting for a quiet machine
        self.discarded_s = 0.0  # spent on attempts that were measured again

    def measure(self, label: str, step: Callable[[], T]) -> tuple[T, Stopwatch]:
        """``step()`` (which must be repeatable) and its stopwatch, quietest attempt kept."""
        best: tuple[T, Stopwatch] | None = None
        for attempt in range(self.retries + 1):
            if self.wait_idle_s:
                started = time.perf_counter()
                wait_for_idle(self.wait_idle_s)
                self.waited_s += time.perf_counter() - started
            watch = Stopwatch()
            result = step()
            watch.stop()
            if best is None or watch.others < best[1].others:
                best = (result, watch)
            if watch.others <= BUSY_LIMIT:
                break
            if attempt < self.retries:
                self.discarded_s += watch.wall
                log(f"{label}: other processes used {watch.others:.0%} of the CPU; again ...")
        assert best is not None
        return best
