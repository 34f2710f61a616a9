"""Family "kill -9": ``finder index`` (fresh and incremental) and ``finder watch``
(during file changes) killed at a random moment; after a restart and ``finder index``
the index must equal a clean build of the same files."""

from __future__ import annotations

import queue
import random
import subprocess
import threading
import time
from pathlib import Path

from tests.faults.faultkit import INDEX_TIMEOUT, Case, Kit
from tests.faults.procs import kill_group, run

FAMILY = "kill -9"


def cases(kit: Kit, quick: bool, rng: random.Random, limit: int | None = None) -> list[Case]:
    """Fresh, incremental and watch trials: 2 + 1 + 1 quick, 10 + 8 + 4 in full."""
    plan = ["incremental", "watch", "fresh", "fresh"]
    if not quick:
        plan = ["fresh"] * 10 + ["incremental"] * 8 + ["watch"] * 4
    kit.reference("A")
    kit.reference("B")
    # The kill window: an uninterrupted build (B's: A's may include the ONNX export).
    duration = kit.build_seconds["B"]
    return [_trial(kit, kind, rng, duration) for kind in plan[:limit]]


def _trial(kit: Kit, kind: str, rng: random.Random, duration: float) -> Case:
    trial = kit.trial_dir(f"kill-{kind}")
    data = trial / "data"
    if kind == "fresh":
        kit.reference("B")  # built before the corpus is set for this trial
        kit.set_state("A")
        want = "A"
    else:
        kit.reference("B")
        kit.copy_index("A", data)
        kit.set_state("A")
        want = "B"
    # Windows where the process is still running: an incremental run does less work.
    window = {"fresh": 0.8 * duration, "incremental": 0.4 * duration}.get(kind, 4.0)
    delay = rng.uniform(0.2, window)
    case = Case(FAMILY, f"{kind}, killed after {delay:.1f} s")
    if kind == "watch":
        died = _kill_watch(kit, data, delay)
    else:
        if kind == "incremental":
            kit.set_state("B")
        died = _kill_after(kit, [*map(str, kit.command(data, "index", str(kit.root)))], delay)
    case.note = "killed" if died else "finished before the kill"
    case.step("restart: index", kit.cli(data, "index", str(kit.root), timeout=INDEX_TIMEOUT))
    kit.compare(case, data, want)
    return case


def _kill_after(kit: Kit, argv: list[str], delay: float) -> bool:
    """Start ``argv``, SIGKILL its group after ``delay`` s; True if it was still running."""
    proc = subprocess.Popen(
        argv,
        stdout=subprocess.DEVNULL,
        stderr=subprocess.DEVNULL,
        env=kit.env(),
        cwd=kit.cwd,
        start_new_session=True,
    )
    try:
        proc.wait(delay)  # waits on the process: it may finish first
        return False
    except subprocess.TimeoutExpired:
        kill_group(proc)
        proc.wait()
        return True


def _kill_watch(kit: Kit, data: Path, delay: float) -> bool:
    """Run ``finder watch`` on ``data``; once it watches, change the corpus to state B,
    and SIGKILL it ``delay`` s later (while it indexes the changes, or after)."""
    run(kit.command(data, "roots", "add", str(kit.root)), timeout=60, env=kit.env(), cwd=kit.cwd)
    try:
        proc = start_watch(kit, data, watching_s=30)
    except TimeoutError:
        return True
    try:
        kit.set_state("B")
        proc.wait(delay)
        return False
    except subprocess.TimeoutExpired:
        return True
    finally:
        kill_group(proc)
        proc.wait()


def start_watch(kit: Kit, data: Path, watching_s: float = 60) -> subprocess.Popen:
    """``finder watch`` on ``data``, returned once it watches (and its control socket
    listens); killed, and TimeoutError raised, if that takes too long."""
    proc = subprocess.Popen(
        kit.command(data, "watch"),
        stdout=subprocess.DEVNULL,
        stderr=subprocess.PIPE,
        text=True,
        env=kit.env(),
        cwd=kit.cwd,
        start_new_session=True,
    )
    lines = stream_lines(proc)
    try:
        wait_for_line(lines, "indexing in the background", INDEX_TIMEOUT)
        wait_for_line(lines, "watching", watching_s)
    except TimeoutError:
        kill_group(proc)
        proc.wait()
        raise
    return proc


def stream_lines(proc: subprocess.Popen) -> queue.Queue[str | None]:
    """The lines of ``proc``'s stderr as they come (None at its end), read on a thread."""
    lines: queue.Queue[str | None] = queue.Queue()

    def pump() -> None:
        assert proc.stderr is not None
        for line in proc.stderr:
            lines.put(line)
        lines.put(None)

    threading.Thread(target=pump, daemon=True).start()
    return lines


def wait_for_line(lines: queue.Queue[str | None], text: str, timeout: float) -> str:
    """The first line containing ``text``; TimeoutError if none comes in time or at the end."""
    deadline = time.monotonic() + timeout
    while True:
        try:
            line = lines.get(timeout=max(0.01, deadline - time.monotonic()))
        except queue.Empty:
            raise TimeoutError(f"no line with {text!r} in {timeout:.0f} s") from None
        if line is None:
            raise TimeoutError(f"the process ended without a line with {text!r}")
        if text in line:
            return line
