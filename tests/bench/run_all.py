"""Every benchmark, one command, one Markdown report.

    .venv/bin/python tests/bench/run_all.py --out bench-report.md [--quick]

Runs, each in its own process, and stitches their Markdown together under one header
(machine, date, commit):

1. ``bench_engine.py --big 1000000`` (``--big 0`` leaves the 1M index out): indexing
   SciFact as files against the bare model, no-op re-index, query latency at 100k and 1M
   chunks, memory, cold search; then ``bench_engine.py --only 3 --scale 10000`` for
   latency at 10k chunks.
2. ``bench_quality.py``: nDCG@10 / recall@100 / MRR@10 on every collection, keyword,
   meaning, hybrid and Recoll, and the exact-match regression set; ``bench_home.py``:
   the home-folder set per category, the same four systems, and the confidence check.
3. ``bench_watch.py``: save-to-searchable latency, idle CPU, startup reconcile.
4. ``bench_window.py``: time until the window is on screen (under ``xvfb-run`` when
   there is no display).
5. ``bench_rebuild.py``: a model change while searching (latency, answers, time, disk).

The full run takes hours on a 2-core laptop (the 1M-chunk index and SciFact dominate).
``--quick`` is a smoke run of the same path at small sizes, minutes long, whose numbers
are not for the README.
"""

from __future__ import annotations

import argparse
import os
import shutil
import subprocess
import sys
import tempfile
import time
from datetime import datetime
from pathlib import Path

from benchkit.report import git_commit, machine

HERE = Path(__file__).resolve().parent

FULL = [
    ("Engine: indexing, latency at 100k chunks, memory", ["bench_engine.py"]),
    ("Engine: latency at 10k chunks", ["bench_engine.py", "--only", "3", "--scale", "10000"]),
    ("Search quality", ["bench_quality.py"]),
    ("Search quality in a home folder", ["bench_home.py"]),
    ("Live service", ["bench_watch.py"]),
    ("The window", ["bench_window.py"]),
    ("A model change while searching", ["bench_rebuild.py"]),
]
QUICK = [
    (
        "Engine (smoke)",
        ["bench_engine.py", "--docs", "300", "--scale", "10000", "--only", "1,3"],
    ),
    ("Search quality (smoke)", ["bench_quality.py", "adi"]),
    (
        "Live service (smoke)",
        ["bench_watch.py", "--saves", "5", "--files", "2000", "--idle-seconds", "5"],
    ),
    ("The window (smoke)", ["bench_window.py", "--runs", "2"]),
    ("A model change while searching (smoke)", ["bench_rebuild.py", "--collection", "adi"]),
]


def run(title: str, args: list[str], tmp: Path) -> str:
    """One benchmark's Markdown (its --out file), or why it failed."""
    out = tmp / (args[0] + ".md")
    cmd = [sys.executable, str(HERE / args[0]), *args[1:]]
    if args[0] != "bench_window.py":
        cmd += ["--out", str(out)]
    elif not os.environ.get("DISPLAY") and shutil.which("xvfb-run"):
        cmd = ["xvfb-run", "-a", *cmd]
    print(f"== {title}: {' '.join(args)}", file=sys.stderr, flush=True)
    started = time.monotonic()
    done = subprocess.run(cmd, capture_output=args[0] == "bench_window.py", text=True, check=False)
    minutes = (time.monotonic() - started) / 60
    if done.returncode != 0:
        return f"## {title}\n\nFAILED (exit {done.returncode}) after {minutes:.1f} min\n"
    body = done.stdout if args[0] == "bench_window.py" else out.read_text(encoding="utf-8")
    return f"## {title}\n\n`{' '.join(args)}`, {minutes:.1f} min\n\n{body.strip()}\n"


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--out", type=Path, required=True, help="the Markdown report")
    parser.add_argument("--quick", action="store_true", help="a smoke run at small sizes")
    parser.add_argument(
        "--big", type=int, default=1_000_000, help="also time queries at this many chunks (0: no)"
    )
    args = parser.parse_args()
    plan = list(QUICK if args.quick else FULL)
    if args.big and not args.quick:
        title, cmd = plan[0]
        plan[0] = (f"{title}; latency at {args.big:,} chunks", [*cmd, "--big", str(args.big)])
    header = (
        f"# finder benchmarks{' (smoke run)' if args.quick else ''}\n\n"
        f"- Date: {datetime.now().astimezone():%Y-%m-%d %H:%M %Z}\n"
        f"- Commit: {git_commit()}\n- Machine: {machine()}\n"
    )
    with tempfile.TemporaryDirectory(prefix="finder-bench-") as tmp:
        sections = [run(title, cmd, Path(tmp)) for title, cmd in plan]
    args.out.write_text("\n".join([header, *sections]), encoding="utf-8")
    print(f"wrote {args.out}", file=sys.stderr)
    return 0 if not any("FAILED (exit" in s for s in sections) else 1


if __name__ == "__main__":
    raise SystemExit(main())
