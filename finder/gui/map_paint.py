"""How the map is drawn: topic colours, dimmed colours, points as polygons, topic labels.

GUI thread only (QPainter). Kept apart from :mod:`finder.gui.map_view`, which handles the
view (zoom, pan, mouse) and calls these.
"""

from __future__ import annotations

import numpy as np
from PySide6.QtCore import QByteArray, QDataStream, QIODevice, QPointF, QRectF, Qt
from PySide6.QtGui import QColor, QFontMetricsF, QPainter, QPainterPath, QPen, QPolygonF

from finder.explore.file_map import FileMap

# Mid-light colours that stay apart on a white and on a near-black background
# (Tableau 10, then Dark2 for the next six); a topic past the 16th reuses one, and the
# labels drawn on the map tell such topics apart.
PALETTE = (
    "#4e79a7", "#f28e2b", "#e15759", "#76b7b2", "#59a14f", "#edc948", "#b07aa1", "#ff9da7",
    "#9c755f", "#bab0ac", "#1b9e77", "#d95f02", "#7570b3", "#e7298a", "#66a61e", "#e6ab02",
)  # fmt: skip
NO_TOPIC = "#8c8c8c"
DIM = 0.8  # how far a dimmed point's colour goes toward the background


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


def in_sight(xy: np.ndarray, view: tuple[float, ...], pad: float) -> QPolygonF:
    """The points of ``xy`` (unit square) in pixels under ``view`` (x and y scale, x and
    y offset, width, height), only those within ``pad`` pixels of the widget."""
    px = xy * (view[0], view[1]) + (view[2], view[3])
    seen = (px[:, 0] > -pad) & (px[:, 0] < view[4] + pad)
    seen &= (px[:, 1] > -pad) & (px[:, 1] < view[5] + pad)
    return polygon(px if seen.all() else px[seen])


def topic_centres(file_map: FileMap) -> list[tuple[int, float, float]]:
    """(topic, x, y) of each topic's middle (the median of its files: a few strays do
    not drag the label away from the bulk), largest topic first."""
    out = []
    for topic in sorted(file_map.topics, key=lambda t: -t.size):
        xy = file_map.xy[file_map.topic == topic.id]
        if len(xy):
            x, y = np.median(xy, axis=0)
            out.append((topic.id, float(x), float(y)))
    return out


def draw_labels(
    painter: QPainter,
    labels: list[tuple[str, QPointF]],
    text: QColor,
    halo: QColor,
    area: QRectF,
) -> None:
    """Draw each label centred on its point (moved inside ``area`` when it would stick
    out), in order, skipping one that would overlap a label already drawn; a halo of the
    background keeps it readable over the points."""
    metrics = QFontMetricsF(painter.font())
    taken: list[QRectF] = []
    outline = QPen(
        halo, 3, Qt.PenStyle.SolidLine, Qt.PenCapStyle.RoundCap, Qt.PenJoinStyle.RoundJoin
    )
    for label, spot in labels:
        width, height = metrics.horizontalAdvance(label), metrics.height()
        left = min(max(spot.x() - width / 2, area.left()), area.right() - width)
        top = min(max(spot.y() - height / 2, area.top()), area.bottom() - height)
        box = QRectF(left, top, width, height)
        if any(box.adjusted(-6, -3, 6, 3).intersects(other) for other in taken):
            continue
        taken.append(box)
        path = QPainterPath()
        path.addText(box.left(), box.top() + metrics.ascent(), painter.font(), label)
        painter.setBrush(Qt.BrushStyle.NoBrush)
        painter.setPen(outline)
        painter.drawPath(path)
        painter.fillPath(path, text)
