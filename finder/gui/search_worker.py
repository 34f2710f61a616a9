"""Searching off the GUI thread, newest query wins.

:class:`SearchWorker` lives on its own QThread and owns an index reader (SQLite
connections belong to the thread that opened them). :class:`SearchController` lives on
the GUI thread: it debounces typing with a restartable single-shot timer, tags each
request with an id, and drops any answer that is not for the newest id. The worker also
skips requests that a newer one has overtaken before it starts them.

Until the query model is loaded (0.3 s with the ONNX export, seconds without), answers
come from keywords and names only and say so; then the same query is answered again
with meaning.

Stopping is bounded: :meth:`SearchController.stop` waits at most ``STOP_TIMEOUT_S`` for a
search in progress to finish (loading the query model can take seconds), then reports
the thread as left running instead of hanging the window's exit.
"""

from __future__ import annotations

import logging
from pathlib import Path

from PySide6.QtCore import QMetaObject, QObject, Qt, QThread, QTimer, Signal, Slot

from finder.domain import SearchHit
from finder.engine import IndexReader
from finder.errors import FinderError
from finder.overview import overview
from finder.query import QueryError
from finder.store.catalog import CatalogDamagedError, CatalogError
from finder.variants import LEADING_CHUNKS, WINDOW, ResultGroup, group

log = logging.getLogger(__name__)

RESULT_LIMIT = 50
DEBOUNCE_MS = 120
STOP_TIMEOUT_S = 10.0  # a search takes well under a second; the query model, seconds


class SearchWorker(QObject):
    """Runs searches on its own thread. Never touches a widget: it only emits signals."""

    answered = Signal(int, object, bool)  # request id, list[ResultGroup], meaning included
    passage_ready = Signal(int, object)  # request id, Passage | None
    status_ready = Signal(object)  # Status
    problem = Signal(str)  # a message for the user (no index yet, a bad query)
    overview_ready = Signal(int, object)  # request id, Overview (the query is empty)

    def __init__(self, data_dir: Path | None, cache_dir: Path | None = None) -> None:
        super().__init__()
        self.data_dir = data_dir
        self.cache_dir = cache_dir
        self.latest = 0  # newest request id; written by the GUI thread (an atomic store)
        self._reader: IndexReader | None = None
        self._meaning_ready = False
        self._last: tuple[int, str] | None = None
        self._overview_id = 0  # the request the start screen answers; 0: at startup

    def _open(self) -> IndexReader | None:
        if self._reader is None:
            try:
                self._reader = IndexReader.open(self.data_dir, cache_dir=self.cache_dir)
            except CatalogDamagedError as err:  # the service rebuilds it; say why meanwhile
                self.problem.emit(str(err))
                return None
            except CatalogError:
                return None  # nothing indexed yet: the next request tries again
        return self._reader

    def reader(self) -> IndexReader | None:
        """This worker's reader (opened if need be), for helpers living on its thread."""
        return self._open()

    @Slot(int, str)
    def search(self, request_id: int, query: str) -> None:
        if request_id != self.latest:
            return  # overtaken while queued
        self._last = (request_id, query)
        reader = self._open()
        if reader is None:
            self.answered.emit(request_id, [], True)
            return
        try:
            if not self._meaning_ready:
                hits = reader.search(query, RESULT_LIMIT, legs="text")
                self.answered.emit(request_id, self._grouped(reader, hits), False)
                reader.prepare_meaning()
                self._meaning_ready = True
                if request_id != self.latest:
                    return
            hits = reader.search(query, RESULT_LIMIT)
            self.answered.emit(request_id, self._grouped(reader, hits), True)
        except (QueryError, FinderError) as err:  # a bad query; a damaged index
            self.problem.emit(str(err))

    @Slot(int, str, str, str)
    def similar(self, request_id: int, path: str, about: str = "", avoid: str = "") -> None:
        """Files like ``path``, steered toward ``about`` and away from ``avoid`` if given."""
        reader = self._open()
        if reader is None or request_id != self.latest:
            return
        try:
            hits = reader.similar(path, RESULT_LIMIT, about or None, avoid or None)
            self.answered.emit(request_id, self._grouped(reader, hits), True)
        except (LookupError, FinderError) as err:
            self.problem.emit(str(err))

    @staticmethod
    def _grouped(reader: IndexReader, hits: list[SearchHit]) -> list[ResultGroup]:
        """The hits with each document's other formats folded into its best-ranked file,
        judged by the text of the first hits (:mod:`finder.variants`)."""
        shown = [h.path for h in hits[:WINDOW]]
        return group(hits, reader.catalog.leading_chunks(shown, LEADING_CHUNKS))

    @Slot(int)
    def overview(self, request_id: int) -> None:
        """The query is empty: read what the start screen shows (recent files, folders)."""
        reader = self._open()
        if reader is None or request_id != self.latest:
            return
        self._overview_id = request_id
        try:
            self.overview_ready.emit(request_id, overview(reader.catalog))
        except FinderError as err:  # a damaged index
            self.problem.emit(str(err))

    @Slot(int, int)
    def passage(self, request_id: int, chunk_id: int) -> None:
        reader = self._open()
        self.passage_ready.emit(request_id, reader.passage(chunk_id) if reader else None)

    @Slot()
    def refresh(self) -> None:
        """The index changed: see the new vectors, report status, answer the last query again."""
        reader = self._open()
        if reader is None:
            return
        reader.refresh()
        self.status_ready.emit(reader.status())
        if self._overview_id == self.latest:  # the start screen is up: show the change
            self.overview(self.latest)
        if self._last is not None and self._last[0] == self.latest and self._last[1].strip():
            self.search(*self._last)

    @Slot()
    def close(self) -> None:
        if self._reader is not None:
            self._reader.close()
            self._reader = None

    @Slot()
    def shut_down(self) -> None:
        """Close the reader, then end this worker's thread (its event loop) from inside."""
        self.close()
        thread = self.thread()
        if thread is not None:
            thread.quit()


class SearchController(QObject):
    """The GUI side: debounce, request ids, stale answers dropped. GUI thread only."""

    # list[ResultGroup], meaning included, same request as the answer before (a refresh or
    # the meaning pass after keywords: the window keeps the selection then)
    results_changed = Signal(object, bool, bool)
    passage_changed = Signal(object)  # Passage | None
    status_changed = Signal(object)  # Status
    overview_changed = Signal(object)  # Overview, for the start screen (the query is empty)
    problem = Signal(str)

    _search = Signal(int, str)
    _similar = Signal(int, str, str, str)  # request id, path, about, avoid
    _passage = Signal(int, int)
    _refresh = Signal()
    _overview = Signal(int)

    def __init__(self, worker: SearchWorker) -> None:
        super().__init__()
        self.worker = worker
        self._thread = QThread()
        self._thread.setObjectName("finder-search")
        worker.moveToThread(self._thread)
        self._search.connect(worker.search)
        self._similar.connect(worker.similar)
        self._passage.connect(worker.passage)
        self._refresh.connect(worker.refresh)
        self._overview.connect(worker.overview)
        worker.overview_ready.connect(self._on_overview)
        worker.answered.connect(self._on_answer)
        worker.passage_ready.connect(self._on_passage)
        worker.status_ready.connect(self.status_changed)
        worker.problem.connect(self.problem)
        self._timer = QTimer(self)
        self._timer.setSingleShot(True)
        self._timer.setInterval(DEBOUNCE_MS)
        self._timer.timeout.connect(self._send)
        self._id = 0
        self._shown_id = 0  # the request the results on screen answer
        self._passage_id = 0
        self._query = ""
        self._similar_args: tuple[str, str, str] | None = None  # the similar files asked
        self._stop_sent = False
        self._thread.start()

    def set_query(self, text: str) -> None:
        """The search field changed: answer it once typing pauses."""
        self._query = text
        self._similar_args = None
        self._timer.start()

    def find_similar(self, path: str, about: str = "", avoid: str = "", wait: bool = False) -> None:
        """Files like ``path`` (steered by ``about``/``avoid``): now, or once typing
        pauses (``wait``, the steering text being typed)."""
        self._similar_args = (path, about, avoid)
        self._timer.stop()
        if wait:
            self._timer.start()
        else:
            self._send()

    def show_passage(self, chunk_id: int) -> None:
        self._passage_id += 1
        self._passage.emit(self._passage_id, chunk_id)

    def refresh(self) -> None:
        self._refresh.emit()

    def stop(self, timeout_s: float = STOP_TIMEOUT_S) -> bool:
        """Close the worker's reader on its thread, then end the thread, waiting at most
        ``timeout_s``. True once the thread has ended. False (and a warning) if a search
        still holds it: the thread is left to finish on its own, and the caller must not
        let Qt destroy it while it runs (Qt aborts the process then). Idempotent."""
        self._timer.stop()
        if self._thread.isRunning() and not self._stop_sent:
            self._stop_sent = True
            self.worker.latest = -1  # searches still queued are skipped
            # Queued, not blocking: a busy worker must not block the GUI thread unbounded.
            QMetaObject.invokeMethod(self.worker, "shut_down", Qt.ConnectionType.QueuedConnection)
        if self._thread.wait(round(timeout_s * 1000)):
            return True
        log.warning("the search thread is still busy after %g s; left to end on its own", timeout_s)
        return False

    def _next_id(self) -> None:
        self._id += 1
        self.worker.latest = self._id

    def _send(self) -> None:
        self._next_id()
        if self._similar_args is not None:
            self._similar.emit(self._id, *self._similar_args)
            return
        if not self._query.strip():
            self._shown_id = self._id
            self.results_changed.emit([], True, False)
            self._overview.emit(self._id)
            return
        self._search.emit(self._id, self._query)

    @Slot(int, object, bool)
    def _on_answer(self, request_id: int, hits: list[ResultGroup], meaning: bool) -> None:
        if request_id == self._id:
            again = request_id == self._shown_id
            self._shown_id = request_id
            self.results_changed.emit(hits, meaning, again)

    @Slot(int, object)
    def _on_overview(self, request_id: int, info: object) -> None:
        if request_id == self._id:
            self.overview_changed.emit(info)

    @Slot(int, object)
    def _on_passage(self, request_id: int, passage: object) -> None:
        if request_id == self._passage_id:
            self.passage_changed.emit(passage)
