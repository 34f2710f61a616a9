"""Paints one result: icon, name, how it matched, folder and date, the passage; above
it, the heading of its section ("Related") when it opens one.

The passage is drawn with QTextLayout from plain text, with the query terms in bold on
a highlight: file text is never interpreted as HTML or rich text.
"""

from __future__ import annotations

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
from finder.gui.results_model import (
    HeadingRole,
    HitRole,
    VariantsRole,
    date_and_page,
    evidence_text,
    folder_of,
    variants_text,
)
from finder.snippets import term_ranges

_PAD = 8
_ICON = 32
_SNIPPET_LINES = 2


def name_and_badge(
    name: str, badge: str, name_font: QFontMetrics, badge_font: QFontMetrics, width: int
) -> tuple[str, str]:
    """The name line fitted to ``width``: the file name is the last thing shortened, so
    the "how it matched" badge is dropped first, then the name is elided in the middle."""
    room = width - badge_font.horizontalAdvance(badge) - _PAD
    if name_font.horizontalAdvance(name) <= room:
        return name, badge
    return name_font.elidedText(name, Qt.TextElideMode.ElideMiddle, width), ""


def where_text(metrics: QFontMetrics, folder: str, when: str, width: int, also: str = "") -> str:
    """'~/Documents/…/taxes · 2024-03-01 14:05 · also as report.docx' fitted to ``width``:
    the other formats go first, then the folder is shortened in the middle; the date is
    kept whole while it fits."""
    tail = f" · {when}"
    if also and metrics.horizontalAdvance(f"{folder}{tail} · {also}") <= width:
        return f"{folder}{tail} · {also}"
    room = width - metrics.horizontalAdvance(tail)
    if room < metrics.horizontalAdvance("~/…/"):
        return metrics.elidedText(folder + tail, Qt.TextElideMode.ElideRight, width)
    return metrics.elidedText(folder, Qt.TextElideMode.ElideMiddle, room) + tail


def mark_background(palette: QPalette, mix: float = 0.35) -> QColor:
    """The background of marked words: the highlight colour mixed into the base (by
    ``mix``), so the text colour stays readable on it in a light palette and a dark one."""
    high, base = palette.color(QPalette.ColorRole.Highlight), palette.color(QPalette.ColorRole.Base)
    return QColor(
        round(base.red() + mix * (high.red() - base.red())),
        round(base.green() + mix * (high.green() - base.green())),
        round(base.blue() + mix * (high.blue() - base.blue())),
    )


def heading_height(font: QFont) -> int:
    """The height of a section heading drawn above a row."""
    return QFontMetrics(font).lineSpacing() + 2 * _PAD


class ResultDelegate(QStyledItemDelegate):
    """Draws result rows. GUI thread only."""

    def __init__(self) -> None:
        super().__init__()
        self._icons = QFileIconProvider()

    def sizeHint(
        self, option: QStyleOptionViewItem, index: QModelIndex | QPersistentModelIndex
    ) -> QSize:
        line = QFontMetrics(option.font).lineSpacing()
        heading = heading_height(option.font) if index.data(HeadingRole) else 0
        return QSize(400, heading + 2 * _PAD + line * (2 + _SNIPPET_LINES) + 4)

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
        row = QRect(option.rect)
        if heading := index.data(HeadingRole):
            row.setTop(row.top() + heading_height(option.font))
            self._draw_heading(painter, option, heading, row.top(), rule=index.row() > 0)
        if selected:
            painter.fillRect(row, palette.highlight())
        text_color = palette.color(
            QPalette.ColorRole.HighlightedText if selected else QPalette.ColorRole.Text
        )
        dim = QColor(text_color)
        dim.setAlpha(150)
        rect = row.adjusted(_PAD, _PAD, -_PAD, -_PAD)
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
            where_text(
                metrics,
                folder_of(hit),
                date_and_page(hit),
                width,
                variants_text(hit, index.data(VariantsRole) or ()),
            ),
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

    def _draw_heading(
        self,
        painter: QPainter,
        option: QStyleOptionViewItem,
        heading: str,
        bottom: int,
        *,
        rule: bool,
    ) -> None:
        """The section's heading in bold, on a rule that sets it apart from the row above."""
        top = option.rect.top()
        painter.setPen(option.palette.color(QPalette.ColorRole.Mid))
        if rule:
            painter.drawLine(option.rect.left(), top, option.rect.right(), top)
        bold = QFont(option.font)
        bold.setBold(True)
        painter.setFont(bold)
        painter.setPen(option.palette.color(QPalette.ColorRole.Text))
        area = QRect(option.rect.left() + _PAD, top, option.rect.width() - 2 * _PAD, bottom - top)
        painter.drawText(area, Qt.AlignmentFlag.AlignLeft | Qt.AlignmentFlag.AlignVCenter, heading)

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
            marked.setBackground(mark_background(palette))
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
