"""A uniform grid over the map's unit square, for finding the point under the mouse.

numpy only (no Qt), built once per map: hover asks for the points near one spot many
times a second, and scanning 100,000 points on every mouse move would lag. Points are
sorted by cell; each cell's points are one slice of that order.
"""

from __future__ import annotations

import numpy as np

CELLS = 128  # per side: about 6 points a cell at 100,000 files


class PointGrid:
    """The points of ``xy`` (n, 2) in [0, 1], bucketed by cell. Immutable once built."""

    def __init__(self, xy: np.ndarray, cells: int = CELLS) -> None:
        self.cells = cells
        self.xy = np.asarray(xy, dtype=np.float64).reshape(-1, 2)
        cell = np.clip((self.xy * cells).astype(np.int64), 0, cells - 1)
        keys = cell[:, 1] * cells + cell[:, 0]
        self.order = np.argsort(keys, kind="stable")
        self.starts = np.searchsorted(keys[self.order], np.arange(cells * cells + 1))

    def near(self, x: float, y: float, rx: float, ry: float) -> np.ndarray:
        """Indices of the points in the cells that the box ``x±rx, y±ry`` touches."""
        c = self.cells
        x0, x1 = (int(np.clip(np.floor(v * c), 0, c - 1)) for v in (x - rx, x + rx))
        y0, y1 = (int(np.clip(np.floor(v * c), 0, c - 1)) for v in (y - ry, y + ry))
        if x - rx > 1 or x + rx < 0 or y - ry > 1 or y + ry < 0:
            return np.empty(0, dtype=np.int64)
        parts = [
            self.order[self.starts[row * c + x0] : self.starts[row * c + x1 + 1]]
            for row in range(y0, y1 + 1)
        ]
        return np.concatenate(parts) if parts else np.empty(0, dtype=np.int64)

    def nearest(
        self,
        x: float,
        y: float,
        rx: float,
        ry: float,
        prefer: np.ndarray | None = None,
    ) -> int | None:
        """The point nearest ``(x, y)`` within the ellipse of radii ``rx, ry`` (so a
        radius in pixels stays round on a stretched map), or None. With ``prefer`` (a
        boolean mask), a preferred point in reach wins over a nearer other one: a lit
        file is found under the mouse even among dimmed neighbours."""
        found = self.near(x, y, rx, ry)
        if found.size == 0:
            return None
        d = ((self.xy[found, 0] - x) / rx) ** 2 + ((self.xy[found, 1] - y) / ry) ** 2
        inside = d <= 1.0
        if prefer is not None and np.any(inside & prefer[found]):
            inside &= prefer[found]
        if not np.any(inside):
            return None
        d = np.where(inside, d, np.inf)
        return int(found[int(np.argmin(d))])
