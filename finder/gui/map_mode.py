"""The map in the window: a "Map" button switches the results list for the map.

GUI thread only. :class:`MapMode` puts a stack (the results list, the map panel) where
the list was in the window's splitter, so the preview stays beside either, and wires the
map to what the window already has:

- the map itself is read on the search worker's thread (:mod:`finder.gui.map_source`),
  when the map is first shown, and while it is shown after the index changed and every
  ``POLL_MS`` (the service's map keeper saves a new map some time after a batch, and
  says so to no one; an unchanged file is not read again);
- a query with words lights up its results (the window's current hits) and dims the
  rest; filters alone (type, folder, date, ``topic:N``) light up every file they let
  through, read on the worker; no query lights every file;
- a click on a point selects the file: its row in the list when listed (the window's
  own preview logic shows it), else its first passage; a right click offers the
  window's own menu of a result (Open, Show in folder, Copy path, Find similar files);
- the legend's topics filter: with ``topic:N`` understood by the query language the
  search field gets it (so the list follows); the map dims the other topics either way.
"""

from __future__ import annotations

import re
from typing import TYPE_CHECKING

from PySide6.QtCore import QModelIndex, QObject, QPoint, QTimer
from PySide6.QtGui import QKeySequence
from PySide6.QtWidgets import (
    QHBoxLayout,
    QMenu,
    QPushButton,
    QStackedWidget,
    QVBoxLayout,
    QWidget,
)

from finder.domain import SearchHit
from finder.evidence import STRONG
from finder.explore.file_map import FileMap
from finder.gui.home_paths import home_relative
from finder.gui.map_legend import MapLegend
from finder.gui.map_source import MapSource
from finder.gui.map_view import MapView
from finder.gui.plain_text import plain_label
from finder.query import QueryError, parse_query
from finder.variants import ResultGroup

if TYPE_CHECKING:
    from finder.gui.main_window import MainWindow

TOPIC_TOKEN = re.compile(r"(?<!\S)topic:(-?\d+)(?!\S)")
EVERY_FILE = 10_000_000  # "no limit" for the files a filter lets through
POLL_MS = 3000  # how often a shown map looks for a newer map file (a stat on the worker)


def topic_filter_understood() -> bool:
    """Whether the query language takes ``topic:N`` as a filter (not as words)."""
    try:
        return not parse_query("topic:1").text.strip()
    except QueryError:
        return False


class MapPanel(QWidget):
    """The map view, a line saying what it shows, and the topics' legend beside it."""

    def __init__(self, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self.view = MapView()
        self.legend = MapLegend()
        self.legend.setFixedWidth(230)
        self.caption = plain_label()
        self.caption.setObjectName("note")
        layout = QVBoxLayout(self)
        layout.setContentsMargins(0, 0, 0, 0)
        layout.addWidget(self.caption)
        row = QHBoxLayout()
        row.addWidget(self.view, 1)
        row.addWidget(self.legend)
        layout.addLayout(row, 1)
        self.set_map(None)

    def set_map(self, file_map: FileMap | None) -> None:
        self.view.set_map(file_map)
        if file_map is None:
            self.legend.set_topics((), 0)
            self.caption.setText("No map yet: it is made once your files are indexed.")
            self.view.placeholder = "The map of your files is being made…"
            return
        self.legend.set_topics(file_map.topics, len(file_map))
        self.caption.setText(
            f"{len(file_map):,} files in {len(file_map.topics)} topics: files about the same "
            "thing sit together. Scroll or + and - to zoom, drag to move, right click for actions."
        )


class MapMode(QObject):
    """The map beside the window's results; see the module's docstring."""

    def __init__(self, window: MainWindow) -> None:
        super().__init__(window)
        self.window = window
        self.panel = MapPanel()
        self.view = self.panel.view
        self.source = MapSource(window.controller.worker, self)
        self.stack = QStackedWidget()
        window.splitter.replaceWidget(window.splitter.indexOf(window.results), self.stack)
        self.stack.addWidget(window.results)
        self.stack.addWidget(self.panel)
        self.button = QPushButton("Map")
        self.button.setCheckable(True)
        self.button.setShortcut(QKeySequence("Ctrl+M"))
        self.button.setToolTip("Show your files on a map by topic, or the list again (Ctrl+M)")
        self.button.setAccessibleName("Show the map")
        filters = window.filters.layout_
        filters.insertWidget(filters.count() - 1, self.button)  # before Settings…
        self.topic_filter = topic_filter_understood()
        self.topic: int | None = None
        self._stale = True  # the map shown (or none) is older than the index
        self._hits: dict[str, SearchHit] = {}  # the window's current answer, by path
        self._strong: list[str] = []  # its strong matches
        self._choosing = False  # a file is being chosen on the map
        # The splitter's sizes for the list, kept while the map takes more of the width.
        self.list_sizes: list[int] | None = None
        self._poll = QTimer(self)
        self._poll.setInterval(POLL_MS)
        self._poll.timeout.connect(lambda: self.source.request_map(again=False))

        self.button.toggled.connect(self.show_map)
        window.search.textChanged.connect(self._query_changed)
        window.filters.changed.connect(self._query_changed)
        window.controller.results_changed.connect(self._results)
        window.controller.status_changed.connect(self._index_changed)
        window.results.selectionModel().currentChanged.connect(self._list_moved)
        self.source.map_ready.connect(self.set_map)
        self.source.admitted_ready.connect(self.view.set_lit)
        self.source.file_ready.connect(self._preview_file)
        self.view.file_chosen.connect(self.choose)
        self.view.menu_requested.connect(self._menu)
        self.view.open_requested.connect(window.open_path)
        self.panel.legend.topic_chosen.connect(self.choose_topic)

    @property
    def showing(self) -> bool:
        return self.button.isChecked()

    def show_map(self, on: bool) -> None:
        """Switch between the map and the list (the button's state follows)."""
        self.button.setChecked(on)
        self.stack.setCurrentWidget(self.panel if on else self.window.results)
        splitter = self.window.splitter
        if on != (self.list_sizes is not None):  # the map takes two thirds of the width
            if on:
                self.list_sizes = splitter.sizes()
                total = sum(self.list_sizes)
                splitter.setSizes([total * 2 // 3, total - total * 2 // 3])
            else:
                splitter.setSizes(self.list_sizes or [])
                self.list_sizes = None
        if on:
            if self._stale:
                self._stale = False
                self.source.request_map()
            self._poll.start()
            self._query_changed()
            if self._lighting() == "hits":  # answered while the list was shown
                self.view.set_lit(self._hits, self._strong)
            self.view.setFocus()
        else:
            self._poll.stop()
        self.window.show_page()  # the map shows all files even with no query

    def set_map(self, file_map: object) -> None:
        """A map read on the worker (None: none made yet)."""
        self.panel.set_map(file_map if isinstance(file_map, FileMap) else None)
        self.view.set_topic(self.topic)
        self.panel.legend.show_chosen(self.topic)
        if (hit := self.window.selected()) is not None:
            self.view.select_path(hit.path)

    # --- what lights up ---------------------------------------------------------------
    def _lighting(self) -> str:
        """ "hits" (a query with words, or similar files), "admitted" (filters alone)
        or "all" (no query)."""
        if self.window.similar_to is not None:
            return "hits"
        query = self.window.query()
        try:
            parsed = parse_query(query)
        except QueryError:
            return "all"
        if parsed.text.strip():
            return "hits"
        return "admitted" if parsed.filters or TOPIC_TOKEN.search(query) else "all"

    def _query_changed(self) -> None:
        if self.topic_filter:  # the field says which topic is chosen
            found = TOPIC_TOKEN.search(self.window.search.text())
            self._set_topic(int(found.group(1)) if found else None)
        if not self.showing:
            return
        lighting = self._lighting()
        if lighting == "admitted":
            self.source.request_admitted(self.window.query(), EVERY_FILE)
        else:
            self.source.cancel_admitted()
        if lighting == "all":
            self.view.set_lit(None)

    def _results(self, hits: list[ResultGroup], _meaning: bool, _again: bool) -> None:
        """The window's answer: with words, its files are the ones lit on the map."""
        self._hits = {h.path: h for g in hits for h in (g.hit, *g.variants)}
        strong = [
            h.path
            for g in hits
            if (g.hit.confidence or 0.0) >= STRONG
            for h in (g.hit, *g.variants)
        ]
        self._strong = strong
        if self.showing and self._lighting() == "hits":
            self.view.set_lit(self._hits, strong)

    def _index_changed(self, _status: object) -> None:
        """Files came or went: the map is read again (now if shown, else when shown)."""
        self._stale = True
        if self.showing:
            self._stale = False
            self.source.request_map(again=False)
            if self._lighting() == "admitted":
                self._query_changed()

    # --- topics -----------------------------------------------------------------------
    def choose_topic(self, topic: int | None) -> None:
        """The legend's choice (the chosen topic again: none). With ``topic:N`` in the
        query language, the search field says it and the list follows."""
        if topic == self.topic:
            topic = None
        if self.topic_filter:
            text = TOPIC_TOKEN.sub("", self.window.search.text()).strip()
            self.window.search.setText(
                f"{text} topic:{topic}".strip() if topic is not None else text
            )
        self._set_topic(topic)

    def _set_topic(self, topic: int | None) -> None:
        self.topic = topic
        self.view.set_topic(topic)
        self.panel.legend.show_chosen(topic)

    # --- choosing a file --------------------------------------------------------------
    def choose(self, path: str) -> None:
        """A point clicked: its row in the list if listed, else its own first passage."""
        model, results = self.window.model, self.window.results
        row = model.row_of(path)
        if row is not None and (hit := model.hit(row)) is not None and hit.path == path:
            results.setCurrentIndex(model.index(row))
            return
        self._choosing = True  # the list's selection goes; the map's stays
        results.setCurrentIndex(QModelIndex())  # Enter and Ctrl+C must not act on another
        self._choosing = False
        self.source.request_file(path)

    def _preview_file(self, hit: object) -> None:
        assert isinstance(hit, SearchHit)
        self._hits.setdefault(hit.path, hit)
        if hit.chunk_id is not None:
            self.window.preview.expect(())
            self.window.controller.show_passage(hit.chunk_id)
        else:
            why = "No passage to show: no text of this file is indexed."
            self.window.preview.show_note(f"{home_relative(hit.path)}\n\n{why}")

    def _list_moved(self, current: QModelIndex, _previous: QModelIndex) -> None:
        """The list's selection is the map's (none when the list empties)."""
        if not self._choosing:
            hit = self.window.model.hit(current.row())
            self.view.select_path(hit.path if hit is not None else None)

    def menu_for(self, path: str) -> QMenu:
        """The window's menu of a result, for a file on the map."""
        hit = self._hits.get(path) or SearchHit(path, 0.0, "", None, 0, ("map",))
        return self.window.context_menu(hit)

    def _menu(self, path: str, where: QPoint) -> None:
        menu = self.menu_for(path)
        menu.exec(where)
        menu.deleteLater()
