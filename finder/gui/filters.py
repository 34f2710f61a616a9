"""Filters without syntax: file type, folder and modified date, turned into query syntax."""

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


ANY_FOLDER = "Any folder"


def filter_terms(
    type_label: str, age_label: str, folder: str = ANY_FOLDER, today: date | None = None
) -> str:
    """The query syntax for the chosen filters ("" for none)."""
    terms = [TYPES.get(type_label, "")]
    if folder != ANY_FOLDER:
        terms.append(f'in:"{folder}"' if " " in folder else f"in:{folder}")
    days = AGES.get(age_label)
    if days is not None:
        since = (today or date.today()) - timedelta(days=days)
        terms.append(f"after:{since.isoformat()}")
    return " ".join(t for t in terms if t)


class FilterBar(QWidget):
    """Three combo boxes; ``changed`` fires when any does. GUI thread only."""

    changed = Signal()

    def __init__(self, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self.type_box = QComboBox()
        self.type_box.addItems(list(TYPES))
        self.age_box = QComboBox()
        self.age_box.addItems(list(AGES))
        self.folder_box = QComboBox()
        self.folder_box.addItem(ANY_FOLDER)
        self.folder_box.setMinimumContentsLength(24)
        self.layout_ = QHBoxLayout(self)
        self.layout_.setContentsMargins(0, 0, 0, 0)
        for box in (self.type_box, self.folder_box, self.age_box):
            self.layout_.addWidget(box)
            box.currentIndexChanged.connect(self.changed)
        self.layout_.addStretch(1)

    def set_folders(self, folders: list[str]) -> None:
        """Offer these folders (the indexed roots), keeping the choice if it is still there."""
        current = self.folder_box.currentText()
        self.folder_box.blockSignals(True)
        self.folder_box.clear()
        self.folder_box.addItems([ANY_FOLDER, *folders])
        self.folder_box.setCurrentText(current if current in folders else ANY_FOLDER)
        self.folder_box.blockSignals(False)
        if self.folder_box.currentText() != current:
            self.changed.emit()

    def terms(self) -> str:
        return filter_terms(
            self.type_box.currentText(), self.age_box.currentText(), self.folder_box.currentText()
        )
