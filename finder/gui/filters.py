"""Filters without syntax: file type, folder and modified date, turned into query syntax."""

from __future__ import annotations

from datetime import date, timedelta

from PySide6.QtCore import Signal
from PySide6.QtWidgets import QComboBox, QHBoxLayout, QWidget

from finder.gui.home_paths import home_relative

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
        self.folder_box.addItem(ANY_FOLDER, ANY_FOLDER)
        self.folder_box.setMinimumContentsLength(24)
        self.layout_ = QHBoxLayout(self)
        self.layout_.setContentsMargins(0, 0, 0, 0)
        for box, name in (
            (self.type_box, "File type"),
            (self.folder_box, "Folder"),
            (self.age_box, "Modified"),
        ):
            box.setAccessibleName(name)
            self.layout_.addWidget(box)
            box.currentIndexChanged.connect(self.changed)
        self.layout_.addStretch(1)

    def set_folders(self, folders: list[str]) -> None:
        """Offer these folders (the indexed roots), keeping the choice if it is still there."""
        current = self.folder()
        self.folder_box.blockSignals(True)
        self.folder_box.clear()
        self.folder_box.addItem(ANY_FOLDER, ANY_FOLDER)
        for folder in folders:  # shown as ~/Documents, filtered by the real path
            self.folder_box.addItem(home_relative(folder), folder)
        self.folder_box.setCurrentIndex(max(0, self.folder_box.findData(current)))
        self.folder_box.blockSignals(False)
        if self.folder() != current:
            self.changed.emit()

    def folder(self) -> str:
        """The chosen folder's real path, or :data:`ANY_FOLDER`."""
        return str(self.folder_box.currentData() or ANY_FOLDER)

    def terms(self) -> str:
        return filter_terms(self.type_box.currentText(), self.age_box.currentText(), self.folder())
