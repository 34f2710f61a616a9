"""The settings dialog in plain words: folders first, then what to leave out, then
"Advanced" (the model and the CPU threads, a sentence each). "Start finder when I log in"
is applied by the dialog itself on OK (:mod:`finder.autostart`: a file of the user's).

It edits values only; the window hands the result to the index service, whose writer
thread applies it (rewatch, reconcile; a new model: a new index is built in the
background while the current one keeps answering, then swapped in).
"""

from __future__ import annotations

import logging
import os
from dataclasses import replace
from pathlib import Path

from PySide6.QtCore import Qt
from PySide6.QtWidgets import (
    QCheckBox,
    QComboBox,
    QDialog,
    QDialogButtonBox,
    QFileDialog,
    QFormLayout,
    QGroupBox,
    QHBoxLayout,
    QLabel,
    QListWidget,
    QListWidgetItem,
    QPlainTextEdit,
    QPushButton,
    QSpinBox,
    QVBoxLayout,
    QWidget,
)

from finder import autostart
from finder.embed import DEFAULT_MODEL
from finder.gui.home_paths import home_relative
from finder.gui.plain_text import plain_label, tooltip
from finder.settings import IndexSettings

PATH_ROLE = Qt.ItemDataRole.UserRole
log = logging.getLogger(__name__)


def sentence(text: str) -> QLabel:
    """A line of explanation under a setting, in plain words."""
    label = plain_label(text)
    label.setWordWrap(True)
    label.setEnabled(False)  # drawn dimmed: it explains, it is not a control
    return label


def heading(text: str) -> QLabel:
    label = plain_label(text)
    font = label.font()
    font.setBold(True)
    label.setFont(font)
    return label


class SettingsDialog(QDialog):
    """Shows ``roots`` and ``settings``; read :meth:`roots` and :meth:`settings` after OK."""

    def __init__(
        self, roots: list[str], settings: IndexSettings, parent: QWidget | None = None
    ) -> None:
        super().__init__(parent)
        self.setWindowTitle("finder settings")
        self._original = settings

        self.folders = QListWidget()
        for root in roots:
            self.add_folder(root)
        add = QPushButton("Add folder…")
        add.clicked.connect(self._pick_folder)
        remove = QPushButton("Remove")
        remove.clicked.connect(self._remove_selected)
        folder_buttons = QHBoxLayout()
        folder_buttons.addWidget(add)
        folder_buttons.addWidget(remove)
        folder_buttons.addStretch(1)

        self.excludes = QPlainTextEdit("\n".join(settings.exclude_globs))
        self.excludes.setPlaceholderText("one pattern per line, e.g. *.log or */backups/*")
        self.excludes.setFixedHeight(70)
        self.hidden = QCheckBox("Also index hidden files and folders (names starting with a dot)")
        self.hidden.setChecked(settings.include_hidden)
        self.max_mb = QSpinBox()
        self.max_mb.setRange(1, 10_000)
        self.max_mb.setSuffix(" MB")
        self.max_mb.setValue(settings.max_file_mb)
        self.max_mb.setMaximumWidth(140)
        skip = QFormLayout()
        skip.addRow("Skip files matching", self.excludes)
        skip.addRow("", self.hidden)
        skip.addRow("Read files up to", self.max_mb)
        skip.addRow("", sentence("Larger files are found by their names only."))

        self.model = QComboBox()
        self.model.setEditable(True)
        self.model.addItems(sorted({DEFAULT_MODEL, settings.model}))
        self.model.setCurrentText(settings.model)
        self.model.setToolTip(
            "the bundled model, or the folder of a local sentence-transformers model"
        )
        self.threads = QSpinBox()
        self.threads.setRange(1, os.cpu_count() or 1)
        self.threads.setValue(min(settings.threads, os.cpu_count() or 1))
        self.threads.setMaximumWidth(140)
        self.start_at_login = QCheckBox("Start finder when I log in")
        self.start_at_login.setChecked(autostart.is_enabled())

        self.advanced = QGroupBox("Advanced")
        advanced = QFormLayout(self.advanced)
        advanced.addRow("Model", self.model)
        advanced.addRow(
            "",
            sentence(
                "What understands the meaning of your files. A new model reads all of "
                "them again in the background; searches use the current index meanwhile."
            ),
        )
        advanced.addRow("CPU threads", self.threads)
        advanced.addRow(
            "",
            sentence("How many processor cores indexing may use: fewer keep the computer quiet."),
        )

        buttons = QDialogButtonBox(
            QDialogButtonBox.StandardButton.Ok | QDialogButtonBox.StandardButton.Cancel
        )
        buttons.accepted.connect(self.accept)
        buttons.rejected.connect(self.reject)
        layout = QVBoxLayout(self)
        layout.addWidget(heading("Folders to index"))
        layout.addWidget(self.folders)
        layout.addLayout(folder_buttons)
        layout.addWidget(heading("What to leave out"))
        layout.addLayout(skip)
        layout.addWidget(self.start_at_login)
        layout.addWidget(self.advanced)
        layout.addWidget(buttons)
        self.resize(600, 600)

    def accept(self) -> None:
        """Add or remove the login entry if the box changed, then close as OK."""
        wanted = self.start_at_login.isChecked()
        if wanted != autostart.is_enabled():
            try:
                autostart.set_enabled(wanted)
            except OSError as err:  # a read-only home: the other settings still apply
                log.warning("could not change starting finder at login: %s", err)
        super().accept()

    def roots(self) -> list[str]:
        """The folders' real paths (the list shows them from home: ~/Documents)."""
        return [self.folders.item(i).data(PATH_ROLE) for i in range(self.folders.count())]

    def settings(self) -> IndexSettings:
        globs = tuple(line.strip() for line in self.excludes.toPlainText().splitlines())
        return replace(
            self._original,
            exclude_globs=tuple(g for g in globs if g),
            include_hidden=self.hidden.isChecked(),
            max_file_mb=self.max_mb.value(),
            model=self.model.currentText().strip() or DEFAULT_MODEL,
            threads=self.threads.value(),
        )

    def add_folder(self, folder: str) -> None:
        folder = os.path.abspath(folder)
        if folder not in self.roots():
            item = QListWidgetItem(home_relative(folder))
            item.setData(PATH_ROLE, folder)
            item.setToolTip(tooltip(folder))
            self.folders.addItem(item)

    def _pick_folder(self) -> None:
        folder = QFileDialog.getExistingDirectory(
            self, "Choose a folder to index", str(Path.home())
        )
        if folder:
            self.add_folder(folder)

    def _remove_selected(self) -> None:
        for item in self.folders.selectedItems():
            self.folders.takeItem(self.folders.row(item))
