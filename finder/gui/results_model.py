"""The result list as a Qt model: one row per file, newest answer replaces the old."""

from __future__ import annotations

import os
from datetime import datetime
from typing import Any

from PySide6.QtCore import QAbstractListModel, QModelIndex, QPersistentModelIndex, Qt

from finder.domain import SearchHit
from finder.gui.home_paths import home_relative
from finder.gui.plain_text import tooltip

HitRole = Qt.ItemDataRole.UserRole + 1

_EVIDENCE = {
    "exact": "exact match",
    "name": "by name",
    "keyword": "by keyword",
    "meaning": "by meaning",
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


class ResultsModel(QAbstractListModel):
    """Hits of the latest answer. GUI thread only."""

    def __init__(self) -> None:
        super().__init__()
        self._hits: list[SearchHit] = []

    def set_hits(self, hits: list[SearchHit]) -> None:
        self.beginResetModel()
        self._hits = list(hits)
        self.endResetModel()

    def hit(self, row: int) -> SearchHit | None:
        return self._hits[row] if 0 <= row < len(self._hits) else None

    def row_of(self, path: str) -> int | None:
        """The row showing ``path``, if any."""
        return next((i for i, h in enumerate(self._hits) if h.path == path), None)

    def rowCount(self, parent: QModelIndex | QPersistentModelIndex | None = None) -> int:
        return 0 if parent is not None and parent.isValid() else len(self._hits)

    def data(self, index: QModelIndex | QPersistentModelIndex, role: int = 0) -> Any:
        hit = self.hit(index.row())
        if hit is None:
            return None
        if role == Qt.ItemDataRole.DisplayRole:
            return os.path.basename(hit.path)
        if role == Qt.ItemDataRole.ToolTipRole:
            return tooltip(hit.path)
        if role == HitRole:
            return hit
        return None
