"""The map of the indexed files: a point per file, coloured by topic; zoom, pan, hover.

GUI thread only. Drawing 100,000 points smoothly rules out an item per file: the points
are grouped once per change (map, lit files, topic) into one polygon per colour, built
from numpy in one go, and each paint draws those few polygons under a view transform
(zoom and pan never rebuild them). Hover looks the mouse up in a :class:`PointGrid`.

Qt's raster engine draws a wide point 4-5x slower under a scaling transform, and a round
one 30x slower than a square one: the points are moved to pixels in numpy before each
paint that follows a zoom or pan (cached otherwise: hover repaints reuse them) and drawn
as squares of an even width, without a transform.

The map (:class:`FileMap`) comes from the search worker's thread; this widget only
draws it. What it says back: ``file_chosen`` (a click), ``menu_requested`` (a right
click or the menu key) and ``open_requested`` (Enter on the chosen file).
"""

from __future__ import annotations

import os
import time
from collections.abc import Collection

import numpy as np
from PySide6.QtCore import (
    QByteArray,
    QDataStream,
    QEvent,
    QIODevice,
    QPoint,
    QPointF,
    Qt,
    Signal,
)
from PySide6.QtGui import (
    QColor,
    QContextMenuEvent,
    QHelpEvent,
    QKeyEvent,
    QMouseEvent,
    QPainter,
    QPaintEvent,
    QPalette,
    QPen,
    QPolygonF,
    QTransform,
    QWheelEvent,
)
from PySide6.QtWidgets import QToolTip, QWidget

from finder.explore.file_map import FileMap
from finder.gui.home_paths import home_relative
from finder.gui.map_grid import PointGrid
from finder.gui.plain_text import tooltip

# Mid-light colours that stay apart on a white and on a near-black background
# (Tableau 10, then Dark2 for the next six); a topic past the 16th reuses one.
PALETTE = (
    "#4e79a7", "#f28e2b", "#e15759", "#76b7b2", "#59a14f", "#edc948", "#b07aa1", "#ff9da7",
    "#9c755f", "#bab0ac", "#1b9e77", "#d95f02", "#7570b3", "#e7298a", "#66a61e", "#e6ab02",
)  # fmt: skip
NO_TOPIC = "#8c8c8c"
DIM = 0.8  # how far a dimmed point's colour goes toward the background
MARGIN = 14  # pixels kept free around the unit square
REACH = 7  # pixels: how far from a point the mouse still finds it
SIZE = 4  # pixels; an odd width costs twice as much to draw (half-pixel offsets)
LIT_SIZE = 6  # a lit file among dimmed ones


def topic_colour(topic: int) -> QColor:
    """The colour of topic ``topic`` (grey for -1, no topic), the same everywhere."""
    return QColor(PALETTE[topic % len(PALETTE)] if topic >= 0 else NO_TOPIC)


def dimmed(colour: QColor, background: QColor) -> QColor:
    """``colour`` most of the way to ``background``: opaque, so piles of dimmed
    points cost no blending and never add up to a bright blot."""
    c, b = colour, background
    return QColor(
        round(c.red() * (1 - DIM) + b.red() * DIM),
        round(c.green() * (1 - DIM) + b.green() * DIM),
        round(c.blue() * (1 - DIM) + b.blue() * DIM),
    )


def polygon(xy: np.ndarray) -> QPolygonF:
    """The points of ``xy`` (n, 2) as a QPolygonF, built through Qt's own stream format
    (a count, then big-endian doubles): 15x faster than making 100,000 QPointF."""
    n = len(xy)
    data = QByteArray(  # kept in a name: the stream reads it, it must outlive the stream
        np.array([n], dtype=">u4").tobytes() + np.ascontiguousarray(xy, dtype=">f8").tobytes()
    )
    stream = QDataStream(data, QIODevice.OpenModeFlag.ReadOnly)
    out = QPolygonF()
    stream >> out  # QDataStream's operator, as PySide6 binds it: fills ``out`` in place
    if stream.status() != QDataStream.Status.Ok or out.size() != n:
        raise RuntimeError(f"a polygon of {n} points read back as {out.size()}")
    return out


class MapView(QWidget):
    """Draws a :class:`FileMap`; files outside the lit set or the chosen topic are dimmed."""

    file_chosen = Signal(str)  # a point clicked: its path
    menu_requested = Signal(str, QPoint)  # path, global position for the menu
    open_requested = Signal(str)  # Enter on the chosen file

    def __init__(self, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self.setMouseTracking(True)
        self.setFocusPolicy(Qt.FocusPolicy.StrongFocus)
        self.setAccessibleName("Map of your files")
        self.setAccessibleDescription(
            "Files about the same thing sit together. Plus and minus zoom, arrows pan, "
            "0 shows all, Enter opens the chosen file."
        )
        self.setMinimumSize(200, 160)
        self.file_map: FileMap | None = None
        self.placeholder = "The map of your files is being made…"
        self._row: dict[str, int] = {}
        self._grid: PointGrid | None = None
        self._lit_paths: frozenset[str] | None = None  # None: no query, all bright
        self._topic: int | None = None
        self.bright = np.zeros(0, dtype=bool)
        self._batches: list[tuple[int, bool, np.ndarray]] = []  # topic, bright, unit xy
        self._drawn: tuple[tuple[float, ...], list[QPolygonF]] | None = None  # view, pixels
        self.selected: int | None = None
        self.hovered: int | None = None
        self._zoom = 1.0
        self._centre = (0.5, 0.5)  # the unit-square point at the middle of the widget
        self._press: tuple[QPointF, tuple[float, float]] | None = None
        self._dragged = False
        self.last_paint_ms = 0.0  # the last paint's time, for the benchmark

    # --- what is shown ----------------------------------------------------------------
    def set_map(self, file_map: FileMap | None) -> None:
        """Show ``file_map`` (None: none yet), keeping the lit files, topic and chosen
        file where they are still mapped."""
        chosen = self.path(self.selected)
        self.file_map = file_map
        paths = file_map.paths if file_map is not None else ()
        self._row = {p: i for i, p in enumerate(paths)}
        self._grid = PointGrid(file_map.xy) if file_map is not None else None
        self.selected = self._row.get(chosen) if chosen else None
        self.hovered = None
        self._regroup()

    def set_lit(self, paths: Collection[str] | None) -> None:
        """Light up these files and dim the rest; None lights every file."""
        self._lit_paths = frozenset(paths) if paths is not None else None
        self._regroup()

    def set_topic(self, topic: int | None) -> None:
        """Dim every file outside ``topic`` (None: no topic chosen)."""
        self._topic = topic
        self._regroup()

    def select_path(self, path: str | None) -> None:
        """Mark ``path`` as the chosen file (no signal: the caller chose it)."""
        self.selected = self._row.get(path) if path else None
        self.update()

    def path(self, row: int | None) -> str | None:
        if row is None or self.file_map is None or row >= len(self.file_map):
            return None
        return self.file_map.paths[row]

    def _regroup(self) -> None:
        """Split the points into one polygon per (topic, bright), dimmed ones first so
        the lit files are drawn on top."""
        fm = self.file_map
        self._batches = []
        self._drawn = None
        if fm is None or len(fm) == 0:
            self.bright = np.zeros(0, dtype=bool)
            self.update()
            return
        bright = np.ones(len(fm), dtype=bool)
        if self._lit_paths is not None:
            bright[:] = False
            rows = [self._row[p] for p in self._lit_paths if p in self._row]
            bright[np.asarray(rows, dtype=np.int64)] = True
        if self._topic is not None:
            bright &= fm.topic == self._topic
        self.bright = bright
        key = (fm.topic.astype(np.int64) + 1) * 2 + bright  # dimmed keys are even
        order = np.lexsort((key, bright))  # all dimmed first, then by topic
        cuts = np.flatnonzero(np.diff(key[order])) + 1
        for group in np.split(order, cuts):
            k = int(key[group[0]])
            self._batches.append((k // 2 - 1, bool(k % 2), fm.xy[group].astype(np.float64)))
        self.update()

    # --- the view: zoom and pan -------------------------------------------------------
    def _scales(self) -> tuple[float, float]:
        w = max(self.width() - 2 * MARGIN, 1)
        h = max(self.height() - 2 * MARGIN, 1)
        return w * self._zoom, h * self._zoom

    def transform(self) -> QTransform:
        """Unit square to widget pixels, as zoomed and panned now."""
        sx, sy = self._scales()
        cx, cy = self._centre
        return QTransform(sx, 0, 0, sy, self.width() / 2 - cx * sx, self.height() / 2 - cy * sy)

    def to_unit(self, pos: QPointF) -> tuple[float, float]:
        sx, sy = self._scales()
        cx, cy = self._centre
        return (pos.x() - self.width() / 2) / sx + cx, (pos.y() - self.height() / 2) / sy + cy

    def point_at(self, row: int) -> QPointF:
        """Where file ``row`` is drawn, in widget pixels."""
        assert self.file_map is not None
        x, y = self.file_map.xy[row]
        return self.transform().map(QPointF(float(x), float(y)))

    def zoom_by(self, factor: float, around: QPointF | None = None) -> None:
        """Zoom keeping the point under ``around`` (default: the middle) in place."""
        spot = around if around is not None else QPointF(self.width() / 2, self.height() / 2)
        before = self.to_unit(spot)
        self._zoom = float(np.clip(self._zoom * factor, 0.5, 500.0))
        after = self.to_unit(spot)
        self._centre = (
            self._centre[0] + before[0] - after[0],
            self._centre[1] + before[1] - after[1],
        )
        self.update()

    def pan_by(self, dx: float, dy: float) -> None:
        """Move the view by ``dx, dy`` pixels (the map follows a drag)."""
        sx, sy = self._scales()
        self._centre = (self._centre[0] - dx / sx, self._centre[1] - dy / sy)
        self.update()

    def reset_view(self) -> None:
        self._zoom, self._centre = 1.0, (0.5, 0.5)
        self.update()

    def file_at(self, pos: QPointF) -> int | None:
        """The file drawn under ``pos`` (a lit one first), or None."""
        if self._grid is None:
            return None
        sx, sy = self._scales()
        x, y = self.to_unit(pos)
        prefer = self.bright if not self.bright.all() else None
        return self._grid.nearest(x, y, REACH / sx, REACH / sy, prefer)

    # --- painting ---------------------------------------------------------------------
    def paintEvent(self, event: QPaintEvent) -> None:
        started = time.perf_counter()
        painter = QPainter(self)
        palette = self.palette()
        background = palette.color(QPalette.ColorRole.Base)
        painter.fillRect(self.rect(), background)
        fm = self.file_map
        if fm is None or len(fm) == 0:
            painter.setPen(palette.color(QPalette.ColorRole.PlaceholderText))
            painter.drawText(self.rect(), Qt.AlignmentFlag.AlignCenter, self.placeholder)
            painter.end()
            return
        some_dimmed = not self.bright.all()
        for (topic, bright, _xy), points in zip(self._batches, self._pixels(), strict=True):
            colour = topic_colour(topic)
            pen = QPen(colour if bright else dimmed(colour, background))
            pen.setWidth(LIT_SIZE if bright and some_dimmed else SIZE)  # lit files stand out
            pen.setCapStyle(Qt.PenCapStyle.SquareCap)
            painter.setPen(pen)
            painter.drawPoints(points)
        painter.setBrush(Qt.BrushStyle.NoBrush)
        for row, role in (
            (self.hovered, QPalette.ColorRole.Text),
            (self.selected, QPalette.ColorRole.Highlight),
        ):
            if row is not None:
                painter.setPen(QPen(palette.color(role), 2))
                painter.drawEllipse(self.point_at(row), LIT_SIZE, LIT_SIZE)
        painter.end()
        self.last_paint_ms = (time.perf_counter() - started) * 1000

    def _pixels(self) -> list[QPolygonF]:
        """Each batch's points in widget pixels, only those in sight; rebuilt when the
        view (size, zoom, centre) changed since the last paint."""
        t = self.transform()
        view = (t.m11(), t.m22(), t.dx(), t.dy(), float(self.width()), float(self.height()))
        if self._drawn is None or self._drawn[0] != view:
            pad = LIT_SIZE
            polygons = []
            for _topic, _bright, xy in self._batches:
                px = xy * (view[0], view[1]) + (view[2], view[3])
                seen = (px[:, 0] > -pad) & (px[:, 0] < view[4] + pad)
                seen &= (px[:, 1] > -pad) & (px[:, 1] < view[5] + pad)
                polygons.append(polygon(px if seen.all() else px[seen]))
            self._drawn = (view, polygons)
        return self._drawn[1]

    # --- the mouse and the keys -------------------------------------------------------
    def event(self, event: QEvent) -> bool:
        if event.type() == QEvent.Type.ToolTip:
            help_event: QHelpEvent = event  # type: ignore[assignment]
            row = self.file_at(QPointF(help_event.pos()))
            if row is None:
                QToolTip.hideText()
                event.ignore()
            else:
                QToolTip.showText(help_event.globalPos(), tooltip(self.describe(row)), self)
            return True
        return super().event(event)

    def describe(self, row: int) -> str:
        """A file's name and folder (the tooltip's text)."""
        path = self.path(row) or ""
        return f"{os.path.basename(path)}\n{home_relative(os.path.dirname(path))}"

    def mousePressEvent(self, event: QMouseEvent) -> None:
        if event.button() == Qt.MouseButton.LeftButton:
            self._press = (event.position(), self._centre)
            self._dragged = False
        super().mousePressEvent(event)

    def mouseMoveEvent(self, event: QMouseEvent) -> None:
        if self._press is not None and event.buttons() & Qt.MouseButton.LeftButton:
            start, centre = self._press
            delta = event.position() - start
            if self._dragged or delta.manhattanLength() > 3:
                self._dragged = True
                self.setCursor(Qt.CursorShape.ClosedHandCursor)
                self._centre = centre
                self.pan_by(delta.x(), delta.y())
            return
        row = self.file_at(event.position())
        if row != self.hovered:
            self.hovered = row
            self.update()

    def mouseReleaseEvent(self, event: QMouseEvent) -> None:
        if event.button() == Qt.MouseButton.LeftButton and self._press is not None:
            self._press = None
            self.unsetCursor()
            if not self._dragged:
                self._choose(self.file_at(event.position()))
        super().mouseReleaseEvent(event)

    def _choose(self, row: int | None) -> None:
        if (path := self.path(row)) is not None:
            self.selected = row
            self.update()
            self.file_chosen.emit(path)

    def leaveEvent(self, event: QEvent) -> None:
        self.hovered = None
        self.update()
        super().leaveEvent(event)

    def wheelEvent(self, event: QWheelEvent) -> None:
        steps = event.angleDelta().y() / 120  # one notch of a wheel
        if steps:
            self.zoom_by(2 ** (steps / 4), event.position())
        event.accept()

    def contextMenuEvent(self, event: QContextMenuEvent) -> None:
        """A right click offers the point's actions; the menu key, the chosen file's."""
        if event.reason() == QContextMenuEvent.Reason.Mouse:
            row = self.file_at(QPointF(event.pos()))
            if row is not None:
                self.selected = row
                self.update()
        else:
            row = self.selected
        if (path := self.path(row)) is not None:
            where = event.globalPos()
            if event.reason() != QContextMenuEvent.Reason.Mouse:
                where = self.mapToGlobal(self.point_at(row).toPoint())  # type: ignore[arg-type]
            self.menu_requested.emit(path, where)

    def keyPressEvent(self, event: QKeyEvent) -> None:
        key = event.key()
        step = 40.0
        if key in (Qt.Key.Key_Plus, Qt.Key.Key_Equal):
            self.zoom_by(1.25)
        elif key == Qt.Key.Key_Minus:
            self.zoom_by(0.8)
        elif key == Qt.Key.Key_0:
            self.reset_view()
        elif key in (Qt.Key.Key_Left, Qt.Key.Key_Right):
            self.pan_by(step if key == Qt.Key.Key_Left else -step, 0)
        elif key in (Qt.Key.Key_Up, Qt.Key.Key_Down):
            self.pan_by(0, step if key == Qt.Key.Key_Up else -step)
        elif key in (Qt.Key.Key_Return, Qt.Key.Key_Enter) and self.selected is not None:
            self.open_requested.emit(self.path(self.selected))
        else:
            super().keyPressEvent(event)
            return
        event.accept()

    def changeEvent(self, event: QEvent) -> None:
        if event.type() == QEvent.Type.PaletteChange:
            self.update()  # dimmed colours follow the background
        super().changeEvent(event)
