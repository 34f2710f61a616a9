"""The indexing service: one writer thread that keeps the index level with the disk.

Started by ``finder watch`` (headless) and by the GUI (in-process). The writer thread
opens the data dir for writing (so a second writer is refused at :meth:`start`), starts
the watchers, reconciles every root against the catalog (disk is the truth, events are
hints), then loops: take the settled paths from the coalescer and update them, rescan
polled roots every ``poll_interval_s`` and every root every ``rescan_interval_s``,
notice dead watchers, save the vector index now and then. After a model change it builds
the new index in slices between event batches, so the old index stays current and keeps
answering until the swap. It sleeps when nothing happens, so an idle service costs ~0 CPU.

Thread: the public methods are safe from any thread and return at once (``start`` and
``stop`` wait for the writer). Callbacks run on the writer thread: a GUI must hop them
to its own thread. Nothing but the writer thread touches the index writer.
"""

from __future__ import annotations

import logging
import threading
import time
from collections.abc import Callable
from dataclasses import replace
from pathlib import Path
from typing import Any

from finder.domain import Progress
from finder.embed import Embedder
from finder.embed.process_embedder import EmbedderProcessError
from finder.engine import IndexWriter
from finder.errors import DiskFullError
from finder.service.control import ControlServer
from finder.service.map_keeper import MapKeeper
from finder.service.priority import lower_thread_priority
from finder.service.state import BatchReport, ServiceOptions, ServiceState
from finder.settings import IndexSettings
from finder.watch.coalescer import Batch, Coalescer
from finder.watch.watcher import FolderWatcher, RootWatch

log = logging.getLogger(__name__)

LAST_RECONCILE_KEY = "last_reconcile"


class IndexService:
    """Watches the roots of one data dir and indexes what changes."""

    def __init__(
        self,
        data_dir: Path | None = None,
        *,
        cache_dir: Path | None = None,
        config_dir: Path | None = None,
        embedder: Embedder | None = None,
        options: ServiceOptions | None = None,
        on_progress: Callable[[Progress], None] | None = None,
        on_batch: Callable[[BatchReport], None] | None = None,
        on_watch: Callable[[list[RootWatch]], None] | None = None,
    ) -> None:
        """Callbacks, all on the writer thread: ``on_progress`` during runs, ``on_batch``
        after each update, ``on_watch`` when how the roots are followed changes."""
        self.data_dir = data_dir
        self.cache_dir = cache_dir
        self.config_dir = config_dir
        self.options = options or ServiceOptions()
        self._embedder = embedder
        self._on_progress = on_progress or (lambda _p: None)
        self._on_batch = on_batch or (lambda _b: None)
        self._on_watch = on_watch or (lambda _r: None)
        self._wake = threading.Event()
        self.coalescer = Coalescer(
            quiet_s=self.options.quiet_s,
            max_hold_s=self.options.max_hold_s,
            on_first=self._wake.set,
        )
        self._stopping = False  # set without the lock: a signal handler must never block
        self._lock = threading.Lock()  # guards the fields below
        self._paused = False
        self._restart_watchers = False
        self._reconcile_due = False
        self._root_changes: list[tuple[list[str], list[str]]] = []
        self._new_settings: IndexSettings | None = None
        self._failed_model: str | None = None  # a rebuild for it failed: not retried
        self._state = ServiceState("starting")
        self._thread: threading.Thread | None = None
        self._opened = threading.Event()
        self._open_error: BaseException | None = None
        self.watcher: FolderWatcher | None = None  # the writer thread's; read by tests
        self.error: Exception | None = None  # why the writer thread died, if it did

    # --- control, from any thread -----------------------------------------------------
    def start(self, timeout: float = 60.0) -> None:
        """Start the writer thread; raises what opening the data dir raised.

        ``WriterLockedError`` means another process writes this data dir.
        """
        self._thread = threading.Thread(target=self._run, name="finder-writer", daemon=True)
        self._thread.start()
        if not self._opened.wait(timeout):
            raise TimeoutError("the index service did not open the data dir in time")
        if self._open_error is not None:
            self._thread.join()
            raise self._open_error

    def stop(self, timeout: float | None = None) -> None:
        """Ask the writer to stop after the file or batch at hand, then wait for it.

        What was committed stays; the vector index is saved; paths still queued are
        found again by the reconciliation at the next start.
        """
        self.request_stop()
        if self._thread is not None:
            self._thread.join(timeout)

    def request_stop(self) -> None:
        """Like :meth:`stop` without waiting (safe in a signal handler)."""
        self._stopping = True
        self._wake.set()

    def join(self, timeout: float | None = None) -> bool:
        """Wait for the writer thread to end; True if it has."""
        if self._thread is None:
            return True
        self._thread.join(timeout)
        return not self._thread.is_alive()

    def pause(self) -> None:
        """Stop indexing after the file or batch at hand; events are still collected."""
        with self._lock:
            self._paused = True
        self._wake.set()

    def resume(self) -> None:
        with self._lock:
            self._paused = False
        self._wake.set()

    def rescan(self, *, restart_watchers: bool = True) -> None:
        """Reconcile every root, after restarting the watchers (roots or settings changed)."""
        with self._lock:
            self._reconcile_due = True
            self._restart_watchers |= restart_watchers
        self._wake.set()

    def change_roots(self, add: list[str], remove: list[str]) -> None:
        """Add and remove indexed folders; the writer then rewatches and reconciles.

        Folders are checked by the writer; one that is not a folder is logged and skipped.
        """
        with self._lock:
            self._root_changes.append((list(add), list(remove)))
            self._restart_watchers = self._reconcile_due = True
        self._wake.set()

    def change_settings(self, settings: IndexSettings) -> None:
        """Use new index settings; the writer rewatches and reconciles (files now excluded
        leave the index). A new model starts a rebuild beside the index in force, which is
        swapped in when complete (``on_batch`` then reports kind "swap").
        """
        with self._lock:
            self._new_settings = settings
            self._restart_watchers = self._reconcile_due = True
        self._wake.set()

    def state(self) -> ServiceState:
        with self._lock:
            return replace(self._state, queued=len(self.coalescer), paused=self._paused)

    # --- the writer thread ------------------------------------------------------------
    def _run(self) -> None:
        lower_thread_priority(self.options.nice)
        try:
            writer = IndexWriter.open(
                self.data_dir,
                cache_dir=self.cache_dir,
                config_dir=self.config_dir,
                embedder=self._embedder,
            )
        except BaseException as err:  # handed to start() on the caller's thread
            self._open_error = err
            self._opened.set()
            return
        stamp = writer.catalog.get_meta(LAST_RECONCILE_KEY)
        # Published before start() returns, so a caller can read them at once.
        self._set_state(last_reconcile=float(stamp) if stamp else None, settings=writer.settings)
        self.map_keeper = MapKeeper(writer.paths.root, nice=self.options.nice)  # map.npz
        self._on_batch = self.map_keeper.start_after(self._on_batch)
        self._opened.set()
        control = ControlServer(writer.paths.root, self._answer)
        if self.options.control:
            control.start()
        try:
            self._serve_until_stopped(writer)
        except Exception as err:
            log.exception("the index service failed")
            self.error = err
        finally:
            control.stop()
            self.map_keeper.close()
            if self.watcher is not None:
                self.watcher.stop()
            try:
                writer.close()  # saves the vector index, releases the writer lock
            except DiskFullError as err:  # the saved file stays the last good one
                log.warning("%s", err)
            self._set_state(phase="stopped", progress=None)

    def _serve_until_stopped(self, writer: IndexWriter) -> None:
        """Serve; a full disk holds indexing up (the state says why) until space may have
        been freed, then the service starts over with a reconcile: what was committed
        stays, and nothing good was replaced by a partial file."""
        while not self._stopping:
            try:
                self._serve(writer)
                return
            except DiskFullError as err:
                log.warning("%s; indexing again in %.0f s", err, self.options.disk_full_retry_s)
                self._set_state(phase="disk full", problem=str(err), progress=None)
                self._wake.clear()
                self._wake.wait(self.options.disk_full_retry_s)
                self._set_state(problem=None)

    def _serve(self, writer: IndexWriter) -> None:
        self._start_watching(writer)
        self._reconcile(writer)
        now = time.monotonic()
        next_health = now + self.options.health_interval_s
        next_poll = now + self.options.poll_interval_s
        next_rescan = now + self.options.rescan_interval_s
        last_save = last_work = now
        while not self._stopping:
            self._wake.clear()
            if self._is_paused():
                self._set_state(phase="paused", progress=None)
                self._wake.wait()
                continue
            now = time.monotonic()
            restart, reconcile = self._take_requests(writer)
            if restart:
                self._start_watching(writer)
            if reconcile:
                next_rescan = now
            if now >= next_health:
                died = self.watcher.check() if self.watcher else []
                if died:
                    self._publish_roots()
                    self._update(writer, "poll", died)
                next_health = now + self.options.health_interval_s
            if now >= next_rescan:
                self._reconcile(writer)
                next_rescan = now + self.options.rescan_interval_s
            if now >= next_poll:
                polled = [w.root for w in self._roots() if w.polling]
                if polled:
                    self._update(writer, "poll", polled)
                next_poll = now + self.options.poll_interval_s
            batch = self.coalescer.take_ready()
            if batch:
                self._update(writer, "events", batch.paths, batch)
                last_work = time.monotonic()
                continue  # more may be ready: look again before sleeping
            model = writer.rebuild_pending()
            if model is not None and model != self._failed_model:
                self._rebuild(writer, model)
                last_work = time.monotonic()
                continue
            if time.monotonic() - last_save >= self.options.save_interval_s:
                writer.save()  # a no-op when no vector changed
                last_save = time.monotonic()
            if time.monotonic() - last_work >= self.options.release_workers_s:
                writer.release_workers()  # a no-op when none run
            self._set_state(phase="idle", progress=None)
            timeout = min(next_health, next_poll, next_rescan) - time.monotonic()
            due = self.coalescer.due_in()
            self._wake.wait(max(0.0, timeout if due is None else min(timeout, due)))

    def _start_watching(self, writer: IndexWriter) -> None:
        if self.watcher is not None:
            self.watcher.stop()
        rules = writer.scan_rules()
        self.watcher = FolderWatcher(
            self.coalescer,
            never_enter=rules.never_enter,
            include_hidden=rules.include_hidden,
            force_polling=self.options.force_polling,
            watch_limit=self.options.watch_limit,
            on_overflow=lambda: self.rescan(restart_watchers=False),
        )
        self.watcher.start(writer.roots())
        self._publish_roots()

    def _reconcile(self, writer: IndexWriter) -> None:
        """Rescan every root (stat only for unchanged files)."""
        self._set_state(phase="reconciling")
        report = writer.reconcile(self._progress, stop=self._interrupted)
        if not self._interrupted():
            stamp = time.time()
            writer.catalog.set_meta(LAST_RECONCILE_KEY, str(stamp))
            self._set_state(last_reconcile=stamp)
        else:
            self.rescan(restart_watchers=False)  # not finished: again when resumed
        self._on_batch(BatchReport("reconcile", tuple(writer.roots()), report))

    def _rebuild(self, writer: IndexWriter, model: str) -> None:
        """One slice of the rebuild for ``model``: it runs until done, paused or stopped,
        or until events wait and it has had ``rebuild_slice_s`` (then they go first)."""
        self._set_state(phase="rebuilding")
        started = time.monotonic()

        def yield_now() -> bool:
            if self._interrupted():
                return True
            waiting = self.coalescer.due_in() == 0.0
            return waiting and time.monotonic() - started >= self.options.rebuild_slice_s

        try:
            report, swapped = writer.rebuild(self._progress, stop=yield_now)
        except (EmbedderProcessError, LookupError, OSError, ValueError) as err:  # cannot load
            log.error("cannot build the index for %s: %s", model, err)
            self._failed_model = model
            return
        self._on_batch(BatchReport("swap" if swapped else "rebuild", (), report))
        if swapped:
            self._set_state(settings=writer.settings)
            self._reconcile(writer)  # files changed while it was built

    def _update(
        self,
        writer: IndexWriter,
        kind: str,
        paths: tuple[str, ...] | list[str],
        batch: Batch | None = None,
    ) -> None:
        self._set_state(phase="indexing")
        moves = batch.moves if batch is not None else ()
        report = writer.update(paths, moves, self._progress, stop=self._interrupted)
        if self._interrupted() and not self._stopping:
            self.coalescer.touch(*paths)  # paused mid-batch: do it again after resume
        self._on_batch(BatchReport(kind, tuple(paths), report))

    def _answer(self, request: dict[str, Any]) -> dict[str, Any]:
        """A control-socket request, already checked by the control server (on one of
        its client threads): ``paths``, where given, is a list of absolute paths."""
        command = request["command"]
        if command == "pause":
            self.pause()
        elif command == "resume":
            self.resume()
        elif command == "rescan":
            self.rescan()
        elif command in ("add_roots", "remove_roots"):
            paths: list[str] = request["paths"]
            self.change_roots(
                paths if command == "add_roots" else [], paths if command == "remove_roots" else []
            )
        return self.state().to_json()

    # --- small helpers ----------------------------------------------------------------
    def _progress(self, progress: Progress) -> None:
        self._set_state(progress=progress)
        self._on_progress(progress)

    def _interrupted(self) -> bool:
        return self._stopping or self._is_paused()

    def _is_paused(self) -> bool:
        with self._lock:
            return self._paused

    def _take_requests(self, writer: IndexWriter) -> tuple[bool, bool]:
        """Apply root changes; returns (restart the watchers, reconcile now), cleared."""
        with self._lock:
            taken = (self._restart_watchers, self._reconcile_due)
            self._restart_watchers = self._reconcile_due = False
            changes, self._root_changes = self._root_changes, []
            settings, self._new_settings = self._new_settings, None
        if settings is not None and settings != writer.settings:
            writer.update_settings(settings)
            self._failed_model = None
            self._set_state(settings=settings)
        for add, remove in changes:
            for folder in add:
                try:
                    writer.add_roots([folder])
                except NotADirectoryError as err:
                    log.warning("%s", err)
            writer.remove_roots(remove)
        return taken

    def _roots(self) -> list[RootWatch]:
        return self.watcher.states() if self.watcher is not None else []

    def _publish_roots(self) -> None:
        roots = self._roots()
        self._set_state(roots=tuple(roots))
        self._on_watch(roots)

    def _set_state(self, **changes: object) -> None:
        with self._lock:
            self._state = replace(self._state, **changes)  # type: ignore[arg-type]
