"""Filters without syntax: file type and modified date, turned into query syntax."""

from __future__ import annotations

from datetime import date, timedelta

from PySide6.QtCore import Signal
from PySide6.QtWidgets import QComboBox, QHBoxLayout, QWidget

TYPES = {
    "Any type": "",
    "Documents": "ext:pdf,docx,odt,rtf,epub,txt,md",
    "PDF": "ext:pdf",
    "Text and notes": "ext:txt,md",
    "Code": "ext:py,js,ts,java,c,cpp,h,rs,go,rb,sh",
    "Web pages": "ext:html,htm",
}
AGES = {"Any time": None, "Past week": 7, "Past month": 31, "Past year": 365}


def filter_terms(type_label: str, age_label: str, today: date | None = None) -> str:
    """The query syntax for the chosen filters ("" for none)."""
    terms = [TYPES.get(type_label, "")]
    days = AGES.get(age_label)
    if days is not None:
        since = (today or date.today()) - timedelta(days=days)
        terms.append(f"after:{since.isoformat()}")
    return " ".join(t for t in terms if t)


class FilterBar(QWidget):
    """Two combo boxes; ``changed`` fires when either does. GUI thread only."""

    changed = Signal()

    def __init__(self, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self.type_box = QComboBox()
        self.type_box.addItems(list(TYPES))
        self.age_box = QComboBox()
        self.age_box.addItems(list(AGES))
        layout = QHBoxLayout(self)
        layout.setContentsMargins(0, 0, 0, 0)
        layout.addWidget(self.type_box)
        layout.addWidget(self.age_box)
        layout.addStretch(1)
        self.type_box.currentIndexChanged.connect(self.changed)
        self.age_box.currentIndexChanged.connect(self.changed)

    def terms(self) -> str:
        return filter_terms(self.type_box.currentText(), self.age_box.currentText())
