"""The result list as a Qt model: one row per document, newest answer replaces the old.

A document found in several formats is one row (:mod:`finder.variants`). When the
answer is ranked by meaning, strong matches come first and the others follow under a
heading ("Related"), or under "No file matches well" when none is strong: the split is
:data:`finder.evidence.STRONG` on each hit's calibrated confidence.
"""

from __future__ import annotations

import os
from datetime import datetime
from typing import Any

from PySide6.QtCore import QAbstractListModel, QModelIndex, QPersistentModelIndex, Qt

from finder.domain import SearchHit
from finder.evidence import STRONG
from finder.gui.home_paths import home_relative
from finder.gui.plain_text import tooltip
from finder.variants import ResultGroup

HitRole = Qt.ItemDataRole.UserRole + 1
HeadingRole = Qt.ItemDataRole.UserRole + 2  # str drawn above the row, or None
VariantsRole = Qt.ItemDataRole.UserRole + 3  # tuple[SearchHit, ...]: other formats

RELATED = "Related"
NO_GOOD_MATCH = "No file matches well. Related files:"

_EVIDENCE = {
    "exact": "exact match",
    "name": "by name",
    "keyword": "by keyword",
    "meaning": "by meaning",
    "filter": "by filters",
}


def evidence_text(hit: SearchHit) -> str:
    """'by meaning, by keyword' — how a file matched, for people."""
    return ", ".join(_EVIDENCE.get(m, m) for m in hit.matched_by)


def folder_of(hit: SearchHit) -> str:
    """The folder a hit is in, as people read it (``~/Documents/taxes``)."""
    return home_relative(os.path.dirname(hit.path))


def date_and_page(hit: SearchHit) -> str:
    """'2024-03-01 14:05 · page 3': shown after the folder, never shortened."""
    when = datetime.fromtimestamp(hit.modified_ns / 1e9).strftime("%Y-%m-%d %H:%M")
    return when + (f" · page {hit.page}" if hit.page else "")


def variants_text(hit: SearchHit, variants: tuple[SearchHit, ...]) -> str:
    """'also as report.docx, report.odt'; a copy of the same name: 'also in ~/Backup'."""
    name = os.path.basename(hit.path)
    names = [os.path.basename(v.path) for v in variants if os.path.basename(v.path) != name]
    places = [folder_of(v) for v in variants if os.path.basename(v.path) == name]
    said = [f"also as {', '.join(names)}"] if names else []
    return " · ".join(said + ([f"also in {', '.join(places)}"] if places else []))


def arrange(groups: list[ResultGroup], split: bool) -> list[tuple[ResultGroup, str | None]]:
    """The rows in order, each with the heading shown above it. With ``split``, strong
    matches come first (in rank order) and the rest under a heading; a listing without
    confidence (filters alone) is never split."""
    if not split or not groups or any(g.hit.confidence is None for g in groups):
        return [(g, None) for g in groups]
    strong = [g for g in groups if (g.hit.confidence or 0.0) >= STRONG]
    related = [g for g in groups if (g.hit.confidence or 0.0) < STRONG]
    rows: list[tuple[ResultGroup, str | None]] = [(g, None) for g in strong]
    heading = RELATED if strong else NO_GOOD_MATCH
    rows += [(g, heading if i == 0 else None) for i, g in enumerate(related)]
    return rows


class ResultsModel(QAbstractListModel):
    """Results of the latest answer, one row per document. GUI thread only."""

    def __init__(self) -> None:
        super().__init__()
        self._rows: list[tuple[ResultGroup, str | None]] = []

    def set_hits(self, hits: list[ResultGroup] | list[SearchHit], split: bool = False) -> None:
        """Show ``hits`` (plain hits are rows of their own); ``split``: strong first."""
        groups = [h if isinstance(h, ResultGroup) else ResultGroup(h) for h in hits]
        self.beginResetModel()
        self._rows = arrange(groups, split)
        self.endResetModel()

    def hit(self, row: int) -> SearchHit | None:
        return self._rows[row][0].hit if 0 <= row < len(self._rows) else None

    def variants(self, row: int) -> tuple[SearchHit, ...]:
        return self._rows[row][0].variants if 0 <= row < len(self._rows) else ()

    def headings(self) -> list[tuple[int, str]]:
        """(row, heading) of each heading, top down."""
        return [(i, h) for i, (_g, h) in enumerate(self._rows) if h]

    def row_of(self, path: str) -> int | None:
        """The row showing ``path`` (as its file or as a variant), if any."""
        return next(
            (
                i
                for i, (g, _h) in enumerate(self._rows)
                if path in (g.hit.path, *(v.path for v in g.variants))
            ),
            None,
        )

    def rowCount(self, parent: QModelIndex | QPersistentModelIndex | None = None) -> int:
        return 0 if parent is not None and parent.isValid() else len(self._rows)

    def data(self, index: QModelIndex | QPersistentModelIndex, role: int = 0) -> Any:
        if not 0 <= index.row() < len(self._rows):
            return None
        found, heading = self._rows[index.row()]
        hit, variants = found.hit, found.variants
        if role == Qt.ItemDataRole.DisplayRole:
            return os.path.basename(hit.path)
        if role == Qt.ItemDataRole.AccessibleTextRole:  # what a screen reader says
            said = [heading or "", os.path.basename(hit.path), variants_text(hit, variants)]
            return ". ".join(s for s in said if s)
        if role == Qt.ItemDataRole.ToolTipRole:
            return tooltip("\n".join([hit.path, *(v.path for v in variants)]))
        if role == HitRole:
            return hit
        if role == HeadingRole:
            return heading
        if role == VariantsRole:
            return variants
        return None
