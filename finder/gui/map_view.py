"""The map of the indexed files: a point per file, coloured by topic; zoom, pan, hover.

GUI thread only. Drawing 100,000 points smoothly rules out an item per file: the points
are grouped once per change (map, lit files, topic) into one group per colour and size,
and each paint draws those few groups with ``drawPoints``. Qt's raster engine draws a
wide point 4-5x slower under a scaling transform, and a round one 30x slower than a
square one, so each group is moved to pixels in numpy after a zoom or pan (and reused
by other repaints: hover, selection) and drawn as squares of an even width. Hover looks
the mouse up in a :class:`PointGrid`.

The map (:class:`FileMap`) is read on the search worker's thread; this widget only draws
it and says back ``file_chosen`` (a click), ``menu_requested`` (a right click or the
menu key) and ``open_requested`` (Enter on the chosen file).
"""

from __future__ import annotations

import os
import time
from collections.abc import Collection

import numpy as np
from PySide6.QtCore import QEvent, QPoint, QPointF, QRectF, Qt, Signal
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
from finder.gui.map_paint import dimmed, draw_labels, in_sight, topic_centres, topic_colour
from finder.gui.plain_text import tooltip

MARGIN = 14  # pixels kept free around the unit square
REACH = 7  # pixels: how far from a point the mouse still finds it
SIZE = 4  # pixels; an odd width costs twice as much to draw (half-pixel offsets)
LIT_SIZE = 6  # a lit file among dimmed ones
STRONG_SIZE = 8  # a strong match of the query (the results above "Related")
RINGS = 200  # strong matches ringed at most (a query shows 50 results)
LABELS = 60  # topic labels drawn at most (largest topics first; overlapping ones skipped)


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
        self._strong_paths: frozenset[str] = frozenset()
        self._strong_rows = np.zeros(0, dtype=np.int64)
        self._centres: list[tuple[int, float, float]] = []  # topic, middle (unit square)
        self.labels = True  # topic labels drawn over the points
        self._topic: int | None = None
        self.bright = np.zeros(0, dtype=bool)
        self._batches: list[tuple[int, int, np.ndarray]] = []  # topic, level, unit xy
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
        self._centres = topic_centres(file_map)[:LABELS] if file_map is not None else []
        self.selected = self._row.get(chosen) if chosen else None
        self.hovered = None
        self._regroup()

    def set_lit(self, paths: Collection[str] | None, strong: Collection[str] = ()) -> None:
        """Light up these files and dim the rest; None lights every file. The
        ``strong`` ones (a query's strong matches, among ``paths``) are drawn largest."""
        self._lit_paths = frozenset(paths) if paths is not None else None
        self._strong_paths = frozenset(strong)
        self._regroup()

    def set_topic(self, topic: int | None) -> None:
        """Dim every file outside ``topic`` (None: no topic chosen)."""
        self._topic = topic
        self._regroup()

    def select_path(self, path: str | None) -> None:
        """Mark ``path`` as the chosen file (no signal: the caller chose it)."""
        self.selected = self._row.get(path) if path else None
        self.update()

    def row_of(self, path: str) -> int | None:
        """The map's row of ``path`` (None: not on the map)."""
        return self._row.get(path)

    def path(self, row: int | None) -> str | None:
        if row is None or self.file_map is None or row >= len(self.file_map):
            return None
        return self.file_map.paths[row]

    def _regroup(self) -> None:
        """Split the points into one group per (topic, level: 0 dimmed, 1 lit,
        2 strong), dimmed ones first so the lit files are drawn on top of them."""
        fm = self.file_map
        self._batches = []
        self._drawn = None
        self._strong_rows = np.zeros(0, dtype=np.int64)
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
        level = bright.astype(np.int64)
        if self._strong_paths:
            strong = [self._row[p] for p in self._strong_paths if p in self._row]
            level[np.asarray(strong, dtype=np.int64)] *= 2  # a dimmed one stays dimmed
        self._strong_rows = np.flatnonzero(level == 2)
        key = (fm.topic.astype(np.int64) + 1) * 3 + level
        order = np.lexsort((key, level))  # dimmed first, then lit, then strong
        cuts = np.flatnonzero(np.diff(key[order])) + 1
        for group in np.split(order, cuts):
            k = int(key[group[0]])
            self._batches.append((k // 3 - 1, k % 3, fm.xy[group].astype(np.float64)))
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
        labelled = not self.labels
        for (topic, level, _xy), points in zip(self._batches, self._pixels(), strict=True):
            if level and some_dimmed and not labelled:  # lit files on top of the labels
                self._draw_labels(painter, background)
                labelled = True
            colour = topic_colour(topic)
            pen = QPen(colour if level else dimmed(colour, background))
            # Lit files stand out by size too (colour alone fails the colour-blind).
            pen.setWidth((SIZE, LIT_SIZE if some_dimmed else SIZE, STRONG_SIZE)[level])
            pen.setCapStyle(Qt.PenCapStyle.SquareCap)
            painter.setPen(pen)
            painter.drawPoints(points)
        if len(self._strong_rows):  # a thin ring: the strong matches stand out of the lit
            painter.setBrush(Qt.BrushStyle.NoBrush)
            painter.setPen(QPen(palette.color(QPalette.ColorRole.Text), 1))
            for row in self._strong_rows[:RINGS]:
                painter.drawEllipse(self.point_at(int(row)), STRONG_SIZE - 1, STRONG_SIZE - 1)
        if not labelled:  # all lit: the labels on top, readable
            self._draw_labels(painter, background)
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

    def _draw_labels(self, painter: QPainter, background: QColor) -> None:
        """Each topic's first words at its middle: the legend, on the map. While a
        query or a topic dims files, only the topics with lit files are labelled."""
        assert self.file_map is not None
        words = {t.id: ", ".join(t.words[:2]) for t in self.file_map.topics}
        lit = set(self.file_map.topic[self.bright].tolist()) if not self.bright.all() else None
        t = self.transform()
        labels = [
            (words[topic], t.map(QPointF(x, y)))
            for topic, x, y in self._centres
            if topic in words and (lit is None or topic in lit)
        ]
        font = painter.font()
        font.setBold(True)
        painter.setFont(font)
        text = self.palette().color(QPalette.ColorRole.Text)
        draw_labels(painter, labels, text, background, QRectF(self.rect()).adjusted(2, 2, -2, -2))

    def _pixels(self) -> list[QPolygonF]:
        """Each batch's points in widget pixels, only those in sight; rebuilt when the
        view (size, zoom, centre) changed since the last paint."""
        t = self.transform()
        view = (t.m11(), t.m22(), t.dx(), t.dy(), float(self.width()), float(self.height()))
        if self._drawn is None or self._drawn[0] != view:
            polygons = [in_sight(xy, view, STRONG_SIZE) for _t, _l, xy in self._batches]
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
