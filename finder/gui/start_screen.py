"""What the window shows before a query: the start screen, or the first-run offer.

:class:`StartScreen` (the query is empty) lists recently changed files, example queries
to click and what is indexed; its facts come from :class:`finder.overview.Overview`,
read on the search worker's thread. :class:`FirstRun` (no folders yet) offers to index
the Documents folder or to pick folders. GUI thread only; every file or folder name is
shown as plain text.
"""

from __future__ import annotations

import os
from collections.abc import Callable
from datetime import date, datetime
from pathlib import Path

from PySide6.QtCore import QFileInfo, Qt, Signal
from PySide6.QtWidgets import (
    QFileDialog,
    QFileIconProvider,
    QGridLayout,
    QHBoxLayout,
    QLabel,
    QListWidget,
    QListWidgetItem,
    QPushButton,
    QVBoxLayout,
    QWidget,
)

from finder.gui.home_paths import home_relative
from finder.gui.plain_text import plain_label, tooltip
from finder.overview import Overview

PathRole = Qt.ItemDataRole.UserRole + 1


def examples(today: date | None = None) -> list[tuple[str, str]]:
    """(query, what it shows) for the start screen: one of each kind of query."""
    month = (today or date.today()).strftime("%Y-%m")
    return [
        ("notes from the last meeting", "your own words: found by meaning"),
        ("invoice ext:pdf", "only PDF files"),
        ('"thank you"', "this exact phrase"),
        (f"after:{month}", "files changed this month"),
    ]


def counts_text(info: Overview) -> str:
    """'130 files by content, 19 by name only, 1 could not be read'."""
    text = f"{info.by_content:,} file{'' if info.by_content == 1 else 's'} by content"
    if info.name_only:
        text += f", {info.name_only:,} by name only"
    return text + (f", {info.failed:,} could not be read" if info.failed else "")


def _heading(text: str) -> QLabel:
    label = QLabel(text)  # our own words
    font = label.font()
    font.setBold(True)
    font.setPointSizeF(font.pointSizeF() * 1.15)
    label.setFont(font)
    return label


class StartScreen(QWidget):
    """Shown while the query is empty. ``query_chosen`` fires with an example's query,
    ``open_requested`` with a recent file's path (Enter or double-click)."""

    query_chosen = Signal(str)
    open_requested = Signal(str)

    def __init__(self, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self._icons = QFileIconProvider()
        self.recent = QListWidget()
        self.recent.setAccessibleName("Recently changed files")
        self.recent.setAlternatingRowColors(True)
        self.recent.itemActivated.connect(
            lambda item: self.open_requested.emit(item.data(PathRole))
        )
        left = QVBoxLayout()
        left.addWidget(_heading("Recently changed"))
        left.addWidget(self.recent, 1)

        right = QVBoxLayout()
        right.addWidget(_heading("Try"))
        tries = QGridLayout()
        self.example_buttons: list[QPushButton] = []
        for row, (query, meaning) in enumerate(examples()):
            button = QPushButton(query)
            button.setToolTip(tooltip(f"Search for {query}"))
            button.clicked.connect(lambda _c=False, q=query: self.query_chosen.emit(q))
            self.example_buttons.append(button)
            tries.addWidget(button, row, 0)
            tries.addWidget(plain_label(meaning), row, 1)
        tries.setColumnStretch(1, 1)
        right.addLayout(tries)
        right.addSpacing(16)
        right.addWidget(_heading("What is indexed"))
        self.folders = QGridLayout()
        right.addLayout(self.folders)
        self.counts = plain_label()
        self.counts.setWordWrap(True)
        right.addWidget(self.counts)
        right.addStretch(1)

        layout = QHBoxLayout(self)
        layout.addLayout(left, 3)
        layout.addSpacing(24)
        layout.addLayout(right, 2)

    def show_overview(self, info: Overview) -> None:
        """Fill the lists from a fresh overview (the index changed, or the query emptied)."""
        self.recent.clear()
        for path, mtime_ns in info.recent:
            when = datetime.fromtimestamp(mtime_ns / 1e9).strftime("%Y-%m-%d %H:%M")
            where = home_relative(os.path.dirname(path))
            item = QListWidgetItem(f"{os.path.basename(path)}\n{where} · {when}")
            item.setIcon(self._icons.icon(QFileInfo(path)))
            item.setData(PathRole, path)
            item.setToolTip(tooltip(path))
            self.recent.addItem(item)
        while self.folders.count():
            taken = self.folders.takeAt(0)
            if taken is not None and (widget := taken.widget()) is not None:
                widget.deleteLater()
        for row, (root, count) in enumerate(info.roots):
            name = plain_label(home_relative(root))
            name.setToolTip(tooltip(root))
            self.folders.addWidget(name, row, 0)
            files = plain_label(f"{count:,} file{'' if count == 1 else 's'}")
            self.folders.addWidget(files, row, 1, Qt.AlignmentFlag.AlignRight)
        self.folders.setColumnStretch(0, 1)
        self.counts.setText(counts_text(info))


class FirstRun(QWidget):
    """No folders yet: say what finder does and offer folders to index."""

    def __init__(self, add_folders: Callable[[list[str]], None]) -> None:
        super().__init__()
        self._add_folders = add_folders
        layout = QVBoxLayout(self)
        layout.addStretch(1)
        hello = QLabel(
            "<h2>Nothing indexed yet</h2>"
            "<p>finder reads your files on this computer, so you can find them by what "
            "they say. Nothing leaves your machine.</p>"
        )
        hello.setTextFormat(Qt.TextFormat.RichText)  # our own text, never a file's
        hello.setAlignment(Qt.AlignmentFlag.AlignCenter)
        documents = Path.home() / "Documents"
        index_docs = QPushButton("Index my Documents folder")
        index_docs.setToolTip(tooltip(str(documents)))
        index_docs.setVisible(documents.is_dir())  # no offer of what is not there
        index_docs.clicked.connect(lambda: self._add_folders([str(documents)]))
        pick = QPushButton("Choose folders…")
        pick.clicked.connect(self._pick_folder)
        for widget in (hello, index_docs, pick):
            layout.addWidget(widget, 0, Qt.AlignmentFlag.AlignCenter)
        layout.addStretch(2)

    def _pick_folder(self) -> None:
        folder = QFileDialog.getExistingDirectory(
            self, "Choose a folder to index", str(Path.home())
        )
        if folder:
            self._add_folders([folder])
