"""How long the map view takes to draw 10,000 and 100,000 files, offscreen.

    QT_QPA_PLATFORM=offscreen .venv/bin/python tests/bench/bench_map_view.py [--runs 20]

The points are synthetic (topics as Gaussian blobs in the unit square, 24 topics): the
drawing cost depends on how many points there are and how they group by colour, not on
what the files say. Measured per size: a full paint of the widget (1000x700) with every
file bright, the same with a query lighting up 50 files (the rest dimmed), the regrouping
that a new query costs (numpy to one group per colour), taking a new map (grid, topic
label places, groups), and one hover lookup.
"view kept" is a repaint that reuses the pixel polygons (hover, selection); "full redraw"
follows a one-pixel pan, so every point is moved to pixels again, as in a drag or zoom.
Prints a Markdown table (median and worst ms).
"""

from __future__ import annotations

import argparse
import os
import statistics
import sys
import time

import numpy as np

os.environ.setdefault("QT_QPA_PLATFORM", "offscreen")

from PySide6.QtCore import QPointF
from PySide6.QtGui import QImage
from PySide6.QtWidgets import QApplication

from finder.explore.file_map import FileMap, Topic
from finder.gui.map_view import MapView

TOPICS = 24


def synthetic_map(n: int, seed: int = 0) -> FileMap:
    rng = np.random.default_rng(seed)
    centres = rng.uniform(0.1, 0.9, (TOPICS, 2))
    topic = rng.integers(-1, TOPICS, n).astype(np.int32)
    xy = centres[np.maximum(topic, 0)] + rng.normal(0, 0.05, (n, 2))
    xy = np.clip(xy, 0, 1).astype(np.float32)
    paths = tuple(f"/home/u/files/{i // 100}/file-{i}.txt" for i in range(n))
    sizes = np.bincount(topic + 1, minlength=TOPICS + 1)[1:]
    topics = tuple(Topic(t, (f"word{t}",), int(sizes[t])) for t in range(TOPICS))
    return FileMap(paths, xy, topic, topics)


def timed(action, runs: int) -> list[float]:  # type: ignore[no-untyped-def]
    out = []
    for _ in range(runs):
        start = time.perf_counter()
        action()
        out.append((time.perf_counter() - start) * 1000)
    return out


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__)
    parser.add_argument("--runs", type=int, default=20)
    args = parser.parse_args()
    app = QApplication.instance() or QApplication(sys.argv[:1])
    view = MapView()
    view.resize(1000, 700)
    image = QImage(view.size(), QImage.Format.Format_ARGB32_Premultiplied)
    rows = [
        "| files | repaint, view kept | full redraw (pan) | full redraw, 50 lit | "
        "regroup (new query) | new map | hover lookup |"
    ]
    rows.append("|---:|---:|---:|---:|---:|---:|---:|")

    def panned() -> None:
        view.pan_by(1, 0)  # a new view: every point is moved to pixels again
        view.render(image)

    for n in (10_000, 100_000):
        fm = synthetic_map(n)
        new_map = timed(lambda: view.set_map(fm), 3)  # noqa: B023
        view.render(image)  # warm up
        kept = timed(lambda: view.render(image), args.runs)
        bright = timed(panned, args.runs)
        lit = [fm.paths[i] for i in range(0, n, n // 50)]
        regroup = timed(lambda: view.set_lit(lit), max(3, args.runs // 4))  # noqa: B023
        dim = timed(panned, args.runs)
        rng = np.random.default_rng(1)
        spots = [QPointF(*p) for p in rng.uniform(0, [1000, 700], (200, 2))]
        hover = timed(lambda: [view.file_at(s) for s in spots], 1)[0] / len(spots)  # noqa: B023
        view.set_lit(None)

        def cell(ms: list[float]) -> str:
            return f"{statistics.median(ms):.1f} (max {max(ms):.1f})"

        rows.append(
            f"| {n:,} | {cell(kept)} | {cell(bright)} | {cell(dim)} | {cell(regroup)} "
            f"| {cell(new_map)} | {hover:.2f} |"
        )
    print("Map view, ms (median, worst) over", args.runs, "paints, 1000x700, offscreen")
    print("\n".join(rows))
    del app
    return 0


if __name__ == "__main__":
    sys.exit(main())
