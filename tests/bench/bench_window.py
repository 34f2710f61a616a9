"""How long until the window is on screen: a fresh process, timed in phases.

    xvfb-run -a .venv/bin/python tests/bench/bench_window.py [--runs 5] [--data-dir DIR]

Each run is a new interpreter (so imports are cold in Python's sense, warm in the OS
page cache) that creates the QApplication, imports the composition root, builds the app
(the service opens the data dir and starts indexing in the background) and shows the
window. Baseline, same runs: the QApplication alone. Prints a Markdown table.
"""

from __future__ import annotations

import argparse
import json
import os
import statistics
import subprocess
import sys
import tempfile

CHILD = r"""
import json, sys, time
t0 = time.perf_counter()
from PySide6.QtWidgets import QApplication
app = QApplication(sys.argv[:1])
t1 = time.perf_counter()
from finder.app import build
t2 = time.perf_counter()
built = build()
t3 = time.perf_counter()
built.window.show()
app.processEvents()
t4 = time.perf_counter()
built.shutdown()
print(json.dumps({"qt": t1 - t0, "import": t2 - t1, "build": t3 - t2, "show": t4 - t3,
                  "total": t4 - t0}))
"""


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--runs", type=int, default=5)
    parser.add_argument("--data-dir", help="an existing index (default: a new empty one)")
    args = parser.parse_args()
    with tempfile.TemporaryDirectory() as tmp:
        env = {
            **os.environ,
            "FINDER_DATA_DIR": args.data_dir or os.path.join(tmp, "data"),
            "FINDER_CONFIG_DIR": os.path.join(tmp, "config"),
        }
        runs = []
        for _ in range(args.runs):
            out = subprocess.run(
                [sys.executable, "-c", CHILD], env=env, capture_output=True, text=True, check=True
            )
            runs.append(json.loads(out.stdout.strip().splitlines()[-1]))
    print("| phase | median s | runs |\n|---|---|---|")
    for key, label in (
        ("qt", "QApplication (baseline)"),
        ("import", "import finder.app"),
        ("build", "build: service opens the data dir"),
        ("show", "show the window"),
        ("total", "window on screen"),
    ):
        values = [r[key] for r in runs]
        shown = ", ".join(f"{v:.2f}" for v in values)
        print(f"| {label} | {statistics.median(values):.2f} | {shown} |")
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
