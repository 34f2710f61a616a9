"""What the map view reads from the index, read on the search worker's thread.

:class:`MapReader` lives on the search worker's thread and uses its reader (SQLite
connections belong to the thread that opened them; a map of 100,000 files takes a
moment to load). :class:`MapSource` is its GUI-thread side: each request carries an id
and only the answer to the newest request of its kind is passed on, as the search
controller does for searches.

The map file is rewritten by the service's map keeper on a thread of its own, some time
after an indexing batch, with no signal to the window: while the map is shown it is
asked for every few seconds, and the reader reads the file again only when its size or
modification time changed (a stat, not a load).
"""

from __future__ import annotations

from PySide6.QtCore import QObject, Signal, Slot

from finder.domain import SearchHit
from finder.errors import FinderError
from finder.gui.search_worker import SearchWorker
from finder.path_rules import catalog_path
from finder.query import QueryError


class MapReader(QObject):
    """Runs on the search worker's thread. Never touches a widget: it only emits."""

    map_read = Signal(int, object)  # request id, FileMap | None
    admitted = Signal(int, object)  # request id, frozenset[str] | None (None: a bad query)
    file_read = Signal(int, object)  # request id, SearchHit (with its first passage's chunk)

    def __init__(self, worker: SearchWorker) -> None:
        super().__init__()
        self.worker = worker
        self._seen: tuple[str, int, int] | None = None  # the map file read last: stat
        # The newest request of each kind, written by the GUI thread (an atomic store):
        # one overtaken while queued is skipped, so it never delays a search behind it.
        self.latest = {"map": 0, "admitted": 0, "file": 0}

    @Slot(int, bool)
    def read_map(self, request_id: int, again: bool) -> None:
        """Read the saved map; unless ``again``, only if the file changed since."""
        if request_id != self.latest["map"]:
            return
        reader = self.worker.reader()
        if reader is None:
            self.map_read.emit(request_id, None)
            return
        path = reader.paths.file_map
        try:
            st = path.stat()
            seen = (str(path), st.st_mtime_ns, st.st_size)
        except OSError:
            seen = (str(path), 0, -1)  # none yet
        if seen == self._seen and not again:
            return  # unchanged: nothing to send
        self._seen = seen
        try:
            file_map = reader.file_map()
        except (OSError, ValueError, FinderError):
            file_map = None  # a damaged map is made again by the service; none meanwhile
        self.map_read.emit(request_id, file_map)

    @Slot(int, str, int)
    def read_admitted(self, request_id: int, filters: str, limit: int) -> None:
        """The files that the filters alone (``ext:pdf in:~/Taxes``, no words) let
        through, however many: a query's results stop at 50, the map shows them all."""
        if request_id != self.latest["admitted"]:
            return
        reader = self.worker.reader()
        try:
            hits = reader.search(filters, limit, legs="text") if reader is not None else []
        except (QueryError, FinderError):
            self.admitted.emit(request_id, None)
            return
        self.admitted.emit(request_id, frozenset(h.path for h in hits))

    @Slot(int, str)
    def read_file(self, request_id: int, path: str) -> None:
        """A file chosen on the map that the results do not list: a hit for it, with
        its first passage (the preview shows it), or without one (no text indexed)."""
        if request_id != self.latest["file"]:
            return
        reader = self.worker.reader()
        if reader is None:
            return
        catalog = reader.catalog
        file_id = catalog.file_id(catalog_path(path))
        if file_id is None:
            return  # gone since the map was made
        row = catalog.files_by_ids([file_id]).get(file_id)
        chunks = catalog.chunks_by_vectors(catalog.file_vector_ids(file_id))
        own = [c.chunk_id for c in chunks if c.file_id == file_id]
        hit = SearchHit(
            path=path,
            score=0.0,
            snippet="",
            page=None,
            modified_ns=row.mtime_ns if row is not None else 0,
            matched_by=("map",),
            chunk_id=min(own) if own else None,
        )
        self.file_read.emit(request_id, hit)


class MapSource(QObject):
    """The GUI side: sends requests to :class:`MapReader`, passes on the newest answers."""

    map_ready = Signal(object)  # FileMap | None
    admitted_ready = Signal(object)  # frozenset[str] | None
    file_ready = Signal(object)  # SearchHit

    _read_map = Signal(int, bool)
    _read_admitted = Signal(int, str, int)
    _read_file = Signal(int, str)

    def __init__(self, worker: SearchWorker, parent: QObject | None = None) -> None:
        super().__init__(parent)
        self.reader = MapReader(worker)
        thread = worker.thread()
        if thread is not None:
            self.reader.moveToThread(thread)
        self._read_map.connect(self.reader.read_map)
        self._read_admitted.connect(self.reader.read_admitted)
        self._read_file.connect(self.reader.read_file)
        self.reader.map_read.connect(self._on_map)
        self.reader.admitted.connect(self._on_admitted)
        self.reader.file_read.connect(self._on_file)
        self._ids = {"map": 0, "admitted": 0, "file": 0}

    def _next(self, kind: str) -> int:
        self._ids[kind] += 1
        self.reader.latest[kind] = self._ids[kind]
        return self._ids[kind]

    def request_map(self, again: bool = True) -> None:
        """Read the map; ``again=False``: only if its file changed since the last read."""
        self._read_map.emit(self._next("map"), again)

    def request_admitted(self, filters: str, limit: int) -> None:
        self._read_admitted.emit(self._next("admitted"), filters, limit)

    def cancel_admitted(self) -> None:
        """An answer on its way is no longer wanted (the query has words now)."""
        self._next("admitted")

    def request_file(self, path: str) -> None:
        self._read_file.emit(self._next("file"), path)

    @Slot(int, object)
    def _on_map(self, request_id: int, file_map: object) -> None:
        """Every map read is passed on, an older request's too: the reader sends a map
        only when its file changed, so a dropped one would not come again."""
        del request_id
        self.map_ready.emit(file_map)

    @Slot(int, object)
    def _on_admitted(self, request_id: int, paths: object) -> None:
        if request_id == self._ids["admitted"]:
            self.admitted_ready.emit(paths)

    @Slot(int, object)
    def _on_file(self, request_id: int, hit: object) -> None:
        if request_id == self._ids["file"]:
            self.file_ready.emit(hit)
