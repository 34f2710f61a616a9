"""Paints one result: icon, name, how it matched, folder and date, the passage.

The passage is drawn with QTextLayout from plain text, with the query terms in bold on
a highlight: file text is never interpreted as HTML or rich text.
"""

from __future__ import annotations

import re

from PySide6.QtCore import QFileInfo, QModelIndex, QPersistentModelIndex, QPointF, QRect, QSize, Qt
from PySide6.QtGui import (
    QColor,
    QFont,
    QFontMetrics,
    QPainter,
    QPalette,
    QTextCharFormat,
    QTextLayout,
)
from PySide6.QtWidgets import QFileIconProvider, QStyle, QStyledItemDelegate, QStyleOptionViewItem

from finder.domain import SearchHit
from finder.gui.results_model import HitRole, date_and_page, evidence_text, folder_of

_PAD = 8
_ICON = 32
_SNIPPET_LINES = 2


def term_ranges(text: str, terms: tuple[str, ...]) -> list[tuple[int, int]]:
    """(start, length) of every word starting with a term, case-insensitive: the keyword
    leg matches stems, so "contract" marks all of "contractor"."""
    ranges = []
    for term in terms:
        if not term:
            continue
        for match in re.finditer(r"(?<!\w)" + re.escape(term) + r"\w*", text, re.IGNORECASE):
            ranges.append((match.start(), match.end() - match.start()))
    return sorted(ranges)


def name_and_badge(
    name: str, badge: str, name_font: QFontMetrics, badge_font: QFontMetrics, width: int
) -> tuple[str, str]:
    """The name line fitted to ``width``: the file name is the last thing shortened, so
    the "how it matched" badge is dropped first, then the name is elided in the middle."""
    room = width - badge_font.horizontalAdvance(badge) - _PAD
    if name_font.horizontalAdvance(name) <= room:
        return name, badge
    return name_font.elidedText(name, Qt.TextElideMode.ElideMiddle, width), ""


def where_text(metrics: QFontMetrics, folder: str, when: str, width: int) -> str:
    """'~/Documents/…/taxes · 2024-03-01 14:05' fitted to ``width``: the folder is
    shortened in the middle, the date is kept whole while it fits."""
    tail = f" · {when}"
    room = width - metrics.horizontalAdvance(tail)
    if room < metrics.horizontalAdvance("~/…/"):
        return metrics.elidedText(folder + tail, Qt.TextElideMode.ElideRight, width)
    return metrics.elidedText(folder, Qt.TextElideMode.ElideMiddle, room) + tail


class ResultDelegate(QStyledItemDelegate):
    """Draws result rows. GUI thread only."""

    def __init__(self) -> None:
        super().__init__()
        self._icons = QFileIconProvider()

    def sizeHint(
        self, option: QStyleOptionViewItem, index: QModelIndex | QPersistentModelIndex
    ) -> QSize:
        line = QFontMetrics(option.font).lineSpacing()
        return QSize(400, 2 * _PAD + line * (2 + _SNIPPET_LINES) + 4)

    def paint(
        self,
        painter: QPainter,
        option: QStyleOptionViewItem,
        index: QModelIndex | QPersistentModelIndex,
    ) -> None:
        hit: SearchHit | None = index.data(HitRole)
        if hit is None:
            return
        painter.save()
        selected = bool(option.state & QStyle.StateFlag.State_Selected)
        palette = option.palette
        if selected:
            painter.fillRect(option.rect, palette.highlight())
        text_color = palette.color(
            QPalette.ColorRole.HighlightedText if selected else QPalette.ColorRole.Text
        )
        dim = QColor(text_color)
        dim.setAlpha(150)
        rect = option.rect.adjusted(_PAD, _PAD, -_PAD, -_PAD)
        icon = self._icons.icon(QFileInfo(hit.path))
        icon.paint(painter, QRect(rect.left(), rect.top(), _ICON, _ICON))
        left = rect.left() + _ICON + _PAD
        width = rect.right() - left
        metrics = QFontMetrics(option.font)
        line = metrics.lineSpacing()

        bold = QFont(option.font)
        bold.setBold(True)
        small = QFont(option.font)
        small.setPointSizeF(max(6.0, option.font.pointSizeF() * 0.85))
        name, badge = name_and_badge(
            index.data(), evidence_text(hit), QFontMetrics(bold), QFontMetrics(small), width
        )
        painter.setFont(bold)
        painter.setPen(text_color)
        painter.drawText(QRect(left, rect.top(), width, line), Qt.AlignmentFlag.AlignLeft, name)
        painter.setFont(small)
        painter.setPen(dim)
        painter.drawText(QRect(left, rect.top(), width, line), Qt.AlignmentFlag.AlignRight, badge)
        painter.setFont(option.font)
        painter.drawText(
            QRect(left, rect.top() + line, width, line),
            Qt.AlignmentFlag.AlignLeft,
            where_text(metrics, folder_of(hit), date_and_page(hit), width),
        )
        painter.setPen(text_color)
        self._draw_snippet(
            painter,
            option.font,
            hit,
            QPointF(left, rect.top() + 2 * line + 4),
            width,
            palette,
            selected,
        )
        painter.restore()

    def _draw_snippet(
        self,
        painter: QPainter,
        font: QFont,
        hit: SearchHit,
        origin: QPointF,
        width: int,
        palette: QPalette,
        selected: bool,
    ) -> None:
        layout = QTextLayout(hit.snippet, font)
        marked = QTextCharFormat()
        marked.setFontWeight(QFont.Weight.Bold)
        if not selected:
            marked.setBackground(palette.color(QPalette.ColorRole.Highlight).lighter(170))
        formats = []
        for start, length in term_ranges(hit.snippet, hit.terms):
            fmt = QTextLayout.FormatRange()
            fmt.start, fmt.length, fmt.format = start, length, marked
            formats.append(fmt)
        layout.setFormats(formats)
        layout.beginLayout()
        y = 0.0
        for _ in range(_SNIPPET_LINES):
            text_line = layout.createLine()
            if not text_line.isValid():
                break
            text_line.setLineWidth(width)
            text_line.setPosition(QPointF(0, y))
            y += text_line.height()
        layout.endLayout()
        layout.draw(painter, origin)
