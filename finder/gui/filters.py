"""Filters without syntax: file type, folder and modified date, turned into query syntax.

The folder box lists the indexed folders and takes any folder typed into it, completing
from every indexed sub-folder (``~/Documents/ta`` offers ``~/Documents/taxes``). The
date box offers fixed ages and a custom range with two date pickers.
"""

from __future__ import annotations

import os
from datetime import date, timedelta

from PySide6.QtCore import QDate, QStringListModel, Qt, Signal
from PySide6.QtWidgets import QComboBox, QCompleter, QDateEdit, QHBoxLayout, QLabel, QWidget

from finder.gui.home_paths import home_relative

TYPES = {
    "Any type": "",
    "Documents": "ext:pdf,docx,odt,rtf,epub,txt,md",
    "PDF": "ext:pdf",
    "Text and notes": "ext:txt,md",
    "Code": "ext:py,js,ts,java,c,cpp,h,rs,go,rb,sh",
    "Web pages": "ext:html,htm",
}
CUSTOM = "Custom range…"
AGES = {"Any time": None, "Past week": 7, "Past month": 31, "Past year": 365, CUSTOM: None}


ANY_FOLDER = "Any folder"


def filter_terms(
    type_label: str,
    age_label: str,
    folder: str = ANY_FOLDER,
    today: date | None = None,
    span: tuple[date, date] | None = None,
) -> str:
    """The query syntax for the chosen filters ("" for none). ``span`` is the custom
    range (both days included), used when ``age_label`` is :data:`CUSTOM`."""
    terms = [TYPES.get(type_label, "")]
    if folder != ANY_FOLDER:
        terms.append(f'in:"{folder}"' if " " in folder else f"in:{folder}")
    days = AGES.get(age_label)
    if days is not None:
        since = (today or date.today()) - timedelta(days=days)
        terms.append(f"after:{since.isoformat()}")
    elif age_label == CUSTOM and span is not None:
        first, last = sorted(span)  # picked the wrong way round: still a range
        terms.append(f"after:{first.isoformat()} before:{(last + timedelta(days=1)).isoformat()}")
    return " ".join(t for t in terms if t)


def _date_edit(name: str, day: date) -> QDateEdit:
    edit = QDateEdit(QDate(day.year, day.month, day.day))
    edit.setCalendarPopup(True)
    edit.setDisplayFormat("yyyy-MM-dd")
    edit.setAccessibleName(name)
    edit.hide()
    return edit


class FilterBar(QWidget):
    """Type, folder and date boxes; ``changed`` fires when the filters change. GUI
    thread only."""

    changed = Signal()

    def __init__(self, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self.type_box = QComboBox()
        self.type_box.addItems(list(TYPES))
        self.age_box = QComboBox()
        self.age_box.addItems(list(AGES))
        self.age_box.setSizeAdjustPolicy(QComboBox.SizeAdjustPolicy.AdjustToContents)
        self.folder_box = QComboBox()
        self.folder_box.setEditable(True)
        self.folder_box.setInsertPolicy(QComboBox.InsertPolicy.NoInsert)
        self.folder_box.addItem(ANY_FOLDER, ANY_FOLDER)
        self.folder_box.setMinimumContentsLength(24)
        typed = self.folder_box.lineEdit()
        assert typed is not None  # an editable combo box always has one
        typed.setPlaceholderText(ANY_FOLDER)
        self.subfolders = QStringListModel(self)
        completer = QCompleter(self.subfolders, self)
        completer.setCaseSensitivity(Qt.CaseSensitivity.CaseInsensitive)
        completer.setFilterMode(Qt.MatchFlag.MatchContains)
        self.folder_box.setCompleter(completer)
        today = date.today()
        self.since = _date_edit("Modified from", today - timedelta(days=30))
        self.until = _date_edit("Modified until", today)
        self.to = QLabel("to")
        self.to.hide()
        self.layout_ = QHBoxLayout(self)
        self.layout_.setContentsMargins(0, 0, 0, 0)
        for box, name in (
            (self.type_box, "File type"),
            (self.folder_box, "Folder"),
            (self.age_box, "Modified"),
        ):
            box.setAccessibleName(name)
            self.layout_.addWidget(box)
        for widget in (self.since, self.to, self.until):
            self.layout_.addWidget(widget)
        self.layout_.addStretch(1)
        self._terms = self.terms()
        self.type_box.currentIndexChanged.connect(self._maybe_changed)
        self.age_box.currentIndexChanged.connect(self._age_chosen)
        self.since.dateChanged.connect(self._maybe_changed)
        self.until.dateChanged.connect(self._maybe_changed)
        # A folder counts once chosen: from the list, the completion, or Enter / leaving.
        self.folder_box.currentIndexChanged.connect(self._maybe_changed)
        completer.activated.connect(self._maybe_changed)
        typed.editingFinished.connect(self._maybe_changed)

    def set_folders(self, folders: list[str]) -> None:
        """Offer these folders (the indexed roots), keeping the choice if it is still there."""
        current = self.folder()
        self.folder_box.blockSignals(True)
        self.folder_box.clear()
        self.folder_box.addItem(ANY_FOLDER, ANY_FOLDER)
        for folder in folders:  # shown as ~/Documents, filtered by the real path
            self.folder_box.addItem(home_relative(folder), folder)
        found = self.folder_box.findData(current)
        if found >= 0 or current == ANY_FOLDER:
            self.folder_box.setCurrentIndex(max(0, found))
        else:  # a typed sub-folder stays typed
            self.folder_box.setEditText(home_relative(current))
        self.folder_box.blockSignals(False)
        self._maybe_changed()

    def set_subfolders(self, folders: list[str]) -> None:
        """Complete typed folders from these (every indexed folder, as ~/…)."""
        self.subfolders.setStringList([home_relative(f) for f in folders])

    def folder(self) -> str:
        """The chosen folder's real path (or a bare folder name), or :data:`ANY_FOLDER`."""
        text = self.folder_box.currentText().strip()
        index = self.folder_box.findText(text)
        if index >= 0:
            return str(self.folder_box.itemData(index) or ANY_FOLDER)
        if not text:
            return ANY_FOLDER
        return os.path.expanduser(text).rstrip(os.sep) or os.sep

    def span(self) -> tuple[date, date]:
        """The custom date range, both days included."""
        return self.since.date().toPython(), self.until.date().toPython()  # type: ignore[return-value]

    def terms(self) -> str:
        return filter_terms(
            self.type_box.currentText(),
            self.age_box.currentText(),
            self.folder(),
            span=self.span(),
        )

    def _age_chosen(self) -> None:
        custom = self.age_box.currentText() == CUSTOM
        for widget in (self.since, self.to, self.until):
            widget.setVisible(custom)
        self._maybe_changed()

    def _maybe_changed(self) -> None:
        """Say ``changed`` only when the query syntax changes (Enter in the folder box
        after choosing from the list must not search again)."""
        terms = self.terms()
        if terms != self._terms:
            self._terms = terms
            self.changed.emit()
