"""The window's near-duplicates view: groups of files that are the same document.

A dialog with a tree (group -> its files: name, folder, size, date, similarity to the
newest, the newest marked) and Open / Show in folder for the selected file (Enter or a
double click opens). The groups are computed by :func:`finder.explore.duplicates.
find_duplicates` on a thread of the dialog's own, with its own index reader (SQLite
connections belong to the thread that opened them); the GUI thread only shows the answer.

The thread cannot be interrupted (one numpy pass, seconds at most), so the dialog is not
destroyed while it runs: closing hides it and it deletes itself when the thread ends,
and at application exit the thread is waited for (:data:`EXIT_WAIT_S` at most).
"""

from __future__ import annotations

import os
from datetime import datetime
from pathlib import Path

from PySide6.QtCore import QCoreApplication, QObject, Qt, QThread, Signal, Slot
from PySide6.QtGui import QFont, QKeyEvent
from PySide6.QtWidgets import (
    QDialog,
    QDialogButtonBox,
    QPushButton,
    QTreeWidget,
    QTreeWidgetItem,
    QVBoxLayout,
    QWidget,
)

from finder.engine import IndexReader
from finder.errors import FinderError
from finder.explore.duplicates import DuplicateFile, DuplicateGroup, find_duplicates
from finder.gui.desktop import Desktop
from finder.gui.home_paths import home_relative
from finder.gui.plain_text import plain_label
from finder.store.catalog import CatalogError

EXIT_WAIT_S = 30.0
COLUMNS = ("Name", "Folder", "Size", "Modified", "Alike")
_PATH = Qt.ItemDataRole.UserRole


class DuplicatesWorker(QObject):
    """Finds the groups on its thread. Never touches a widget: it only emits signals."""

    found = Signal(object)  # list[DuplicateGroup]
    failed = Signal(str)

    def __init__(self, data_dir: Path | None, cache_dir: Path | None) -> None:
        super().__init__()
        self.data_dir = data_dir
        self.cache_dir = cache_dir

    @Slot()
    def run(self) -> None:
        try:
            with IndexReader.open(self.data_dir, cache_dir=self.cache_dir) as reader:
                groups = find_duplicates(reader.catalog)
        except CatalogError:
            self.failed.emit("Nothing is indexed yet.")
        except FinderError as err:
            self.failed.emit(str(err))
        else:
            self.found.emit(groups)


class DuplicatesDialog(QDialog):
    """Lists the groups once the worker has found them. GUI thread only."""

    def __init__(
        self,
        data_dir: Path | None,
        cache_dir: Path | None,
        desktop: Desktop,
        parent: QWidget | None = None,
    ) -> None:
        super().__init__(parent)
        self.desktop = desktop
        self.groups: list[DuplicateGroup] = []
        self.setWindowTitle("Duplicates: files that are the same document")
        self.resize(900, 520)
        self.note = plain_label("Looking for copies, other formats and edited versions…")
        self.tree = QTreeWidget()
        self.tree.setHeaderLabels(COLUMNS)
        self.tree.setAccessibleName("Groups of duplicate files")
        for column, width in enumerate((260, 260, 70, 130)):
            self.tree.setColumnWidth(column, width)
        self.tree.itemDoubleClicked.connect(lambda _item, _col: self.open_selected())
        self.tree.currentItemChanged.connect(lambda *_: self._enable())
        buttons = QDialogButtonBox(QDialogButtonBox.StandardButton.Close)
        self.open_button = QPushButton("&Open")
        self.reveal_button = QPushButton("Show in &folder")
        self.open_button.clicked.connect(self.open_selected)
        self.reveal_button.clicked.connect(self.reveal_selected)
        for button in (self.open_button, self.reveal_button):
            buttons.addButton(button, QDialogButtonBox.ButtonRole.ActionRole)
        buttons.rejected.connect(self.reject)
        layout = QVBoxLayout(self)
        layout.addWidget(self.note)
        layout.addWidget(self.tree, 1)
        layout.addWidget(buttons)
        self._enable()

        self.worker = DuplicatesWorker(data_dir, cache_dir)
        self.thread_ = QThread()
        self.thread_.setObjectName("finder-duplicates")
        self.worker.moveToThread(self.thread_)
        self.thread_.started.connect(self.worker.run)
        self.worker.found.connect(self.show_groups)
        self.worker.failed.connect(self.note.setText)
        self.worker.found.connect(self.thread_.quit)
        self.worker.failed.connect(self.thread_.quit)
        app = QCoreApplication.instance()
        if app is not None:
            app.aboutToQuit.connect(self.wait)
        self.thread_.start()

    # --- the answer -----------------------------------------------------------------------
    @Slot(object)
    def show_groups(self, groups: list[DuplicateGroup]) -> None:
        self.groups = groups
        self.tree.clear()
        files = sum(len(g.files) for g in groups)
        self.note.setText(
            f"{len(groups)} groups of files that are the same document ({files} files): "
            "copies, the same text in another format, edited versions. Newest first."
            if groups
            else "No duplicates: every indexed file is a document of its own."
        )
        bold = QFont()
        bold.setBold(True)
        for group in groups:
            alike = (
                "identical copies"
                if group.identical
                else "the same text"
                if group.similarity >= 0.995
                else f"each at least {group.similarity:.0%} like the newest"
            )
            top = QTreeWidgetItem([f"{len(group.files)} files, {alike}"])
            self.tree.addTopLevelItem(top)
            for f in group.files:
                item = QTreeWidgetItem(_row(f, f is group.newest))
                item.setData(0, _PATH, f.path)
                item.setToolTip(0, f.path)
                if f is group.newest:
                    item.setFont(0, bold)
                top.addChild(item)
            top.setFirstColumnSpanned(True)
        self.tree.expandAll()
        first = self.tree.topLevelItem(0)
        newest = first.child(0) if first is not None else None
        if newest is not None:
            self.tree.setCurrentItem(newest)
        self.tree.setFocus()

    # --- what the user does -----------------------------------------------------------
    def selected_path(self) -> str | None:
        item = self.tree.currentItem()
        return item.data(0, _PATH) if item is not None else None

    def open_selected(self) -> None:
        path = self.selected_path()
        if path is not None and not self.desktop.open(path):
            self.note.setText(f"No application to open {os.path.basename(path)}: {path}")

    def reveal_selected(self) -> None:
        path = self.selected_path()
        if path is not None and not self.desktop.reveal(path):
            self.note.setText(f"Could not show the folder of {path}")

    def keyPressEvent(self, event: QKeyEvent) -> None:
        """Enter opens the selected file rather than closing the dialog."""
        if event.key() in (Qt.Key.Key_Return, Qt.Key.Key_Enter) and self.selected_path():
            self.open_selected()
            return
        super().keyPressEvent(event)

    def _enable(self) -> None:
        has = self.selected_path() is not None
        self.open_button.setEnabled(has)
        self.reveal_button.setEnabled(has)

    # --- lifetime -------------------------------------------------------------------------
    def done(self, result: int) -> None:
        """Closing hides the dialog; it is deleted once its thread has ended."""
        super().done(result)
        if self.thread_.isRunning():
            self.thread_.finished.connect(self.deleteLater)
        else:
            self.deleteLater()

    @Slot()
    def wait(self) -> None:
        """At exit: let a search in progress end (bounded) so Qt never destroys a
        running thread."""
        self.thread_.quit()
        self.thread_.wait(round(EXIT_WAIT_S * 1000))


def open_duplicates(
    parent: QWidget, data_dir: Path | None, cache_dir: Path | None, desktop: Desktop
) -> DuplicatesDialog:
    """Show a new duplicates dialog over ``parent`` (the groups are computed afresh)."""
    dialog = DuplicatesDialog(data_dir, cache_dir, desktop, parent)
    dialog.show()
    return dialog


def _row(f: DuplicateFile, newest: bool) -> list[str]:
    name = os.path.basename(f.path) + ("  (newest)" if newest else "")
    alike = (
        "newest"
        if newest
        else "identical"
        if f.identical
        else "same text"
        if f.similarity >= 0.995
        else f"{f.similarity:.0%}"
    )
    modified = datetime.fromtimestamp(f.mtime_ns / 1e9).strftime("%Y-%m-%d %H:%M")
    return [name, home_relative(os.path.dirname(f.path)), _size(f.size), modified, alike]


def _size(size: int) -> str:
    if size < 1024:
        return f"{size} B"
    if size < 1024 * 1024:
        return f"{size / 1024:.0f} KB"
    return f"{size / 1024 / 1024:.1f} MB"
