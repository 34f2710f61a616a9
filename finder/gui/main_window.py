"""The main window: search as you type, see why each file matched, open it.

GUI thread only. It holds no index: searches go through :class:`SearchController`,
indexing through the service's thread-safe methods, desktop calls through
:class:`Desktop`.
"""

from __future__ import annotations

import os
from collections.abc import Callable

from PySide6.QtCore import QByteArray, QEvent, QModelIndex, QObject, QPoint, Qt
from PySide6.QtGui import QKeyEvent, QKeySequence
from PySide6.QtWidgets import (
    QLineEdit,
    QMainWindow,
    QMenu,
    QMessageBox,
    QPushButton,
    QSplitter,
    QStackedWidget,
    QVBoxLayout,
    QWidget,
)

from finder.domain import SearchHit, Status
from finder.gui.banner import Banner
from finder.gui.desktop import Desktop
from finder.gui.duplicates_view import open_duplicates
from finder.gui.filters import FilterBar
from finder.gui.home_paths import home_relative
from finder.gui.map_mode import MapMode
from finder.gui.plain_text import plain_label, plain_message_box
from finder.gui.preferences import Preferences
from finder.gui.preview_pane import PreviewPane
from finder.gui.result_delegate import ResultDelegate
from finder.gui.result_menu import result_menu
from finder.gui.results_model import ResultsModel
from finder.gui.results_view import ResultsView
from finder.gui.search_worker import SearchController
from finder.gui.settings_dialog import SettingsDialog
from finder.gui.start_screen import FirstRun, StartScreen
from finder.gui.status_bar import IndexStatusBar, plural
from finder.gui.steering import Steering
from finder.overview import Overview
from finder.settings import IndexSettings
from finder.variants import ResultGroup


class MainWindow(QMainWindow):
    """The search window."""

    def __init__(
        self,
        controller: SearchController,
        desktop: Desktop,
        *,
        add_folders: Callable[[list[str]], None],
        set_paused: Callable[[bool], None],
        current_settings: Callable[[], tuple[list[str], IndexSettings]],
        apply_settings: Callable[[list[str], IndexSettings], None],
        preferences: Preferences | None = None,
    ) -> None:
        """``apply_settings`` raises ``LookupError`` for a model it cannot load."""
        super().__init__()
        self.controller = controller
        self.desktop = desktop
        self._current_settings = current_settings
        self._apply_settings = apply_settings
        self.preferences = preferences or Preferences()
        self.settings_dialog: SettingsDialog | None = None
        self._failures: tuple[tuple[str, str], ...] = ()
        self._failure_reasons: dict[str, str] = {}
        self.similar_to: str | None = None  # the file of "Files similar to …", if shown
        self._notice_path = ""  # the file the notice offers to copy the path of
        self._has_roots = True  # until the first status says otherwise
        self.setWindowTitle("finder")
        self.resize(1100, 700)

        self.search = QLineEdit()
        self.search.setPlaceholderText("Search your files by meaning… (Esc clears)")
        self.search.setClearButtonEnabled(True)
        self.search.setAccessibleName("Search")
        self.filters = FilterBar()
        settings_button = QPushButton("Settings…")
        settings_button.clicked.connect(self.open_settings)
        self.filters.layout_.addWidget(settings_button)
        duplicates_button = QPushButton("&Duplicates…")  # Alt+D
        duplicates_button.clicked.connect(self.open_duplicates)
        self.filters.layout_.addWidget(duplicates_button)
        self.note = plain_label()
        self.note.setObjectName("note")
        self.note.hide()
        self.similar_banner = Banner("Back to your search (Esc)")
        self.similar_banner.closed.connect(self._end_similar)
        self.steering = Steering(self.search, self.similar_banner)  # typing steers similar
        self.notice = Banner("Close this message")
        self.notice.acted.connect(self._copy_notice_path)

        self.model = ResultsModel()
        self.results = ResultsView()
        self.results.setModel(self.model)
        self.results.setItemDelegate(ResultDelegate())  # rows opening a section are taller
        self.results.setContextMenuPolicy(Qt.ContextMenuPolicy.CustomContextMenu)
        self.results.setAccessibleName("Results")
        self.search.installEventFilter(self)
        self.results.installEventFilter(self)
        self.preview = PreviewPane()
        self.splitter = splitter = QSplitter()
        splitter.addWidget(self.results)
        splitter.addWidget(self.preview)
        splitter.setSizes([600, 500])

        self.empty = FirstRun(add_folders)
        self.start = StartScreen()
        self.start.query_chosen.connect(self.search.setText)
        self.start.open_requested.connect(self.open_path)
        self.pages = QStackedWidget()
        for page in (splitter, self.empty, self.start):
            self.pages.addWidget(page)

        central = QWidget()
        layout = QVBoxLayout(central)
        layout.addWidget(self.search)
        layout.addWidget(self.filters)
        layout.addWidget(self.note)
        layout.addWidget(self.similar_banner)
        layout.addWidget(self.notice)
        layout.addWidget(self.pages, 1)
        self.setCentralWidget(central)
        self.status = IndexStatusBar()
        self.setStatusBar(self.status)

        self.search.textChanged.connect(self._typed)
        self.filters.changed.connect(self._query_changed)
        self.results.doubleClicked.connect(lambda _i: self.open_selected())
        self.results.customContextMenuRequested.connect(self._context_menu)
        self.results.selectionModel().currentChanged.connect(self._current_changed)
        controller.results_changed.connect(self.show_results)
        controller.passage_changed.connect(self.preview.show_passage)
        controller.problem.connect(self.status.show_message)
        controller.status_changed.connect(self.show_status)
        controller.overview_changed.connect(self.show_overview)
        self.status.pause_toggled.connect(set_paused)
        self.status.failures_clicked.connect(self.show_failures)
        self.map_mode = MapMode(self)  # the map beside the results (Ctrl+M)
        self._restore(self.preferences)
        self.show_page()
        self.search.setFocus()

    # --- what the user does -------------------------------------------------------------
    def query(self) -> str:
        return " ".join(t for t in (self.search.text().strip(), self.filters.terms()) if t)

    def _typed(self) -> None:
        """Typing steers "Files similar to …" (see :mod:`.steering`), else searches."""
        if self.similar_to is None:
            self._query_changed()
        else:
            self.controller.find_similar(*self.steering.steer(), wait=True)

    def _query_changed(self) -> None:
        """A filter (or typing) ends "Files similar to …": the new query is answered."""
        if self.similar_to is not None:
            self.similar_to = None
            self.steering.stop()
            self.similar_banner.hide()
        self.controller.set_query(self.query())
        self.show_page()

    def show_page(self) -> None:
        """First run without folders; the start screen while the query is empty; else
        the results."""
        if not self._has_roots:
            self.pages.setCurrentWidget(self.empty)
        elif not self.query() and self.similar_to is None and not self.map_mode.showing:
            self.pages.setCurrentWidget(self.start)
        else:
            self.pages.setCurrentWidget(self.splitter)

    def eventFilter(self, watched: QObject, event: QEvent) -> bool:
        """Keys in the search field and the list drive the results (keyboard first)."""
        if watched in (self.search, self.results) and event.type() == QEvent.Type.KeyPress:
            key_event: QKeyEvent = event  # type: ignore[assignment]
            key, mods = key_event.key(), key_event.modifiers()
            if key_event.matches(QKeySequence.StandardKey.Copy):
                if watched is self.search and self.search.hasSelectedText():
                    return False  # copying typed text stays the field's job
                if hit := self.selected():
                    self.copy_path(hit.path)
                return True
            if key == Qt.Key.Key_Down and self.pages.currentWidget() is self.start:
                self.start.recent.setFocus()  # from the search field into recent files
                self.start.recent.setCurrentRow(max(self.start.recent.currentRow(), 0))
                return True
            if key in (Qt.Key.Key_Down, Qt.Key.Key_Up) and watched is self.search:
                self._move(1 if key == Qt.Key.Key_Down else -1)
                return True
            if key in (Qt.Key.Key_Return, Qt.Key.Key_Enter):
                if mods & Qt.KeyboardModifier.ControlModifier:
                    self.reveal_selected()
                else:
                    self.open_selected()
                return True
            if key == Qt.Key.Key_Escape:
                self.notice.hide()
                if self.similar_to is not None:  # back to the search, text kept
                    self.similar_banner.dismiss()
                    return True
                self.search.clear()
                self.search.setFocus()
                return True
        return super().eventFilter(watched, event)

    def _move(self, step: int) -> None:
        rows = self.model.rowCount()
        if rows == 0:
            return
        row = min(max(self.results.currentIndex().row() + step, 0), rows - 1)
        self.results.setCurrentIndex(self.model.index(row))

    def selected(self) -> SearchHit | None:
        return self.model.hit(self.results.currentIndex().row())

    def open_selected(self) -> None:
        if hit := self.selected():
            self.open_path(hit.path)

    def open_path(self, path: str) -> None:
        if not self.desktop.open(path):
            name = os.path.basename(path)
            self._offer_path(path, f"No application on this computer opens {name}.")

    def reveal_selected(self) -> None:
        if hit := self.selected():
            self.reveal(hit.path)

    def reveal(self, path: str) -> None:
        if not self.desktop.reveal(path):
            name = os.path.basename(path)
            self._offer_path(path, f"No file manager could show the folder of {name}.")

    def copy_path(self, path: str) -> None:
        self.desktop.copy(path)
        self.status.showMessage("Path copied", 3000)

    def _offer_path(self, path: str, problem: str) -> None:
        """The desktop could not do it: say so where the person looks, offer the path."""
        self._notice_path = path
        self.notice.show_text(f"{problem} Copy its path to open it another way.", "Copy path")

    def _copy_notice_path(self) -> None:
        self.copy_path(self._notice_path)
        self.notice.hide()

    def _context_menu(self, pos: QPoint) -> None:
        if (hit := self.selected()) is not None:
            menu = self.context_menu(hit)
            menu.exec(self.results.viewport().mapToGlobal(pos))
            menu.deleteLater()

    def context_menu(self, hit: SearchHit) -> QMenu:
        """The actions on a result (see :mod:`.result_menu`)."""
        row = self.model.row_of(hit.path)
        variants = self.model.variants(row) if row is not None else ()
        return result_menu(
            self,
            hit,
            variants,
            open_path=self.open_path,
            reveal=self.reveal,
            copy_path=self.copy_path,
            find_similar=self.find_similar,
        )

    def find_similar(self, path: str) -> None:
        """Show files like ``path`` until ✕, Esc, typing or a filter ends it."""
        self.similar_to = path
        self.steering.start(path)
        self.controller.find_similar(path)
        self.show_page()

    def _end_similar(self) -> None:
        """Back from "Files similar to …" to the answer of what is typed."""
        self.similar_to = None
        self.steering.stop()
        self.controller.set_query(self.query())
        self.show_page()

    # --- what comes back ----------------------------------------------------------------
    def show_results(self, hits: list[ResultGroup], meaning: bool, again: bool = False) -> None:
        """Show an answer. A new query selects the best file; the same query answered
        again (after an indexing batch, or with meaning added) keeps the selected file
        when it is still listed, so background indexing never moves the user's place.
        Once meaning is in, strong matches come first and the others under "Related"
        (similar files are all related: they are not split)."""
        kept = self.selected() if again else None
        self.model.set_hits(hits, split=meaning and self.similar_to is None)
        typed = self.search.text().strip()
        nothing = f"No file matches “{typed}”" if typed else "No file matches these filters"
        self.results.set_placeholder(nothing if meaning else "")
        if not meaning:
            self.note.setText("Loading meaning search… showing keyword and name matches first")
            self.note.show()
        elif self.note.text().startswith("Loading"):
            self.note.hide()
        if hits:
            row = self.model.row_of(kept.path) if kept is not None else None
            self.results.setCurrentIndex(self.model.index(row or 0))
        else:
            self.preview.clear()

    def _current_changed(self, current: QModelIndex, _previous: QModelIndex) -> None:
        hit = self.model.hit(current.row())
        if hit is not None and hit.chunk_id is not None:
            self.preview.expect(hit.terms)
            self.controller.show_passage(hit.chunk_id)
        elif hit is not None:
            reason = self._failure_reasons.get(hit.path)
            why = f"finder could not read this file: {reason}\nIt is found by its name only."
            if not reason:
                by_filter = "filter" in hit.matched_by
                how = "is listed by the filters" if by_filter else "matched by its name"
                why = f"No passage to show: this file {how}."
            self.preview.show_note(f"{home_relative(hit.path)}\n\n{why}")

    def show_status(self, status: Status) -> None:
        self._failures = status.failures
        self._failure_reasons = dict(status.failures)
        if not status.roots:
            self.show_no_folders()
            return
        self.status.show_idle(status)
        self.status.pause.show()
        self._has_roots = True
        self.show_page()

    def show_overview(self, info: Overview) -> None:
        """The start screen's facts arrived (read off the GUI thread)."""
        self.start.show_overview(info)
        self.filters.set_subfolders(list(info.folders))

    def show_no_folders(self) -> None:
        self._has_roots = False
        self.pages.setCurrentWidget(self.empty)
        self.status.pause.hide()  # nothing to pause
        self.status.show_message("No folders to index yet")

    def show_failures(self) -> None:
        lines = [f"{home_relative(p)}\n    {reason}" for p, reason in self._failures[:200]]
        count = len(self._failures)
        found = "it is found by its name" if count == 1 else "they are found by their names"
        box = plain_message_box(
            self,
            "Files that could not be read",
            f"{plural(count, 'file')} could not be read; {found} only.",
        )
        box.setDetailedText("\n".join(lines))
        box.open()

    # --- settings and preferences -------------------------------------------------------
    def open_duplicates(self) -> None:
        """Groups of files that are the same document, found on the dialog's thread."""
        worker = self.controller.worker
        self.duplicates = open_duplicates(self, worker.data_dir, worker.cache_dir, self.desktop)

    def open_settings(self) -> None:
        roots, settings = self._current_settings()
        dialog = SettingsDialog(roots, settings, self)
        dialog.accepted.connect(lambda: self._settings_chosen(dialog))
        self.settings_dialog = dialog
        dialog.open()

    def _settings_chosen(self, dialog: SettingsDialog) -> None:
        try:
            self._apply_settings(dialog.roots(), dialog.settings())
        except LookupError as err:
            plain_message_box(self, "finder settings", str(err), QMessageBox.Icon.Warning).open()
            return
        self.status.show_message("Applying the new settings…")

    def _restore(self, prefs: Preferences) -> None:
        if prefs.geometry:
            self.restoreGeometry(QByteArray.fromBase64(prefs.geometry.encode("ascii")))
        if len(prefs.splitter) == 2:
            self.splitter.setSizes(prefs.splitter)
        self.filters.type_box.setCurrentText(prefs.type_filter)
        self.filters.age_box.setCurrentText(prefs.age_filter)

    def remember(self) -> Preferences:
        """The preferences as the window stands now (the app saves them on quit)."""
        prefs = self.preferences
        prefs.geometry = bytes(self.saveGeometry().toBase64().data()).decode("ascii")
        prefs.splitter = self.map_mode.list_sizes or self.splitter.sizes()  # the list's
        prefs.type_filter = self.filters.type_box.currentText()
        prefs.age_filter = self.filters.age_box.currentText()
        return prefs
