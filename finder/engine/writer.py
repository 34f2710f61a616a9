"""The writer: the one opener of a data dir that may change it.

:meth:`IndexWriter.open` takes the data dir's writer lock (a second writer is refused
with ``WriterLockedError``), applies the settings file (:mod:`.settings_sync`) and
removes generations a crash left behind. It keeps the roots and settings, and brings
the index level with the disk by running the pipeline (:mod:`finder.indexing`) over
the generation in force; a model change builds a whole new generation beside it
(:mod:`.rebuild`) that is swapped in when complete.

A damaged catalog (:mod:`finder.store.salvage`) is rebuilt when the writer opens or
when a run meets damage; every root is then indexed again (the new catalog knows no
file).

Heavy parts load on first use (the model, the vector index, the parser processes), so
opening is instant. Thread: a writer belongs to the thread that opened it (the CLI's,
or the service's writer thread); its :meth:`reader` too.
"""

from __future__ import annotations

from collections.abc import Callable, Iterable
from dataclasses import replace
from pathlib import Path

from finder.domain import IndexReport, Status
from finder.embed import Embedder
from finder.embed.loader import ensure_query_export
from finder.engine.generation import Generation
from finder.engine.models import Models
from finder.engine.pipelines import Pipelines, scan_rules
from finder.engine.reader import IndexReader
from finder.engine.rebuild import NextGeneration
from finder.engine.settings_sync import SettingsSync
from finder.engine.status import generation_status
from finder.errors import FinderError
from finder.indexing.filesystems import refuse_system_folder
from finder.indexing.pipeline import ProgressCallback, StopCheck
from finder.path_rules import ScanRules, catalog_path, user_path
from finder.paths import DataPaths, default_cache_dir, default_config_dir, default_data_dir
from finder.settings import IndexSettings, settings_file
from finder.store.catalog import Catalog, CatalogDamagedError
from finder.store.generations import current_generation
from finder.store.lock import WriterLock
from finder.store.salvage import open_writer_catalog, suspected_problem


class IndexWriter:
    """Index folders into one data dir; the only one that changes it."""

    def __init__(
        self, lock: WriterLock, current: Generation, models: Models, sync: SettingsSync
    ) -> None:
        self._lock: WriterLock | None = lock
        self.current = current
        self.models = models
        self._sync = sync
        paths = current.paths
        self._pipelines = Pipelines(models, (str(paths.root.resolve()), str(paths.cache.resolve())))
        self._next = NextGeneration(models, self._pipelines)
        self._reader: IndexReader | None = None

    @classmethod
    def open(
        cls,
        data_dir: Path | None = None,
        *,
        cache_dir: Path | None = None,
        config_dir: Path | None = None,
        embedder: Embedder | None = None,
    ) -> IndexWriter:
        """Open for indexing; raises ``WriterLockedError`` if another process writes.

        The settings file in ``config_dir`` (see :mod:`finder.settings`) is applied to
        the index, or written from it when there is none. ``embedder`` replaces the one
        the settings name (a caller that already holds the loaded model, e.g. a test
        session).
        """
        base = DataPaths(data_dir or default_data_dir(), cache_dir or default_cache_dir())
        base.ensure()
        lock = WriterLock(base.writer_lock)
        lock.acquire()
        try:  # the pointer is read under the lock: only a writer swaps generations
            paths = replace(base, generation=current_generation(base.root, repair=True)).ensure()
            models = Models(base.model_cache, embedder)
            current = Generation(paths, open_writer_catalog(paths), models.index_embedder)
        except BaseException:
            lock.release()
            raise
        sync = SettingsSync(settings_file(config_dir or default_config_dir(), base.root), base.root)
        writer = cls(lock, current, models, sync)
        sync.apply(current.catalog)
        writer._next.remove_stale(current)
        return writer

    def close(self) -> None:
        """Stop workers, save the vector index, close (a rebuild in progress is kept and
        goes on at the next run), release the writer lock. A save that fails (a full
        disk) still closes and releases everything before its error is raised. A second
        call does nothing."""
        if self._lock is None:
            return
        try:
            if self._reader is not None:
                self._reader.close()
                self._reader = None
            self._next.close()
        finally:
            try:
                self.release_workers()
                self.current.close()
            finally:
                if self._lock is not None:
                    self._lock.release()
                    self._lock = None

    def __enter__(self) -> IndexWriter:
        return self

    def __exit__(self, *_exc: object) -> None:
        self.close()

    @property
    def paths(self) -> DataPaths:
        return self.current.paths

    @property
    def catalog(self) -> Catalog:
        return self.current.catalog

    # --- settings and roots -----------------------------------------------------------
    @property
    def settings(self) -> IndexSettings:
        return self.current.settings

    def update_settings(self, settings: IndexSettings) -> None:
        """Store new settings; the next indexing run follows them. A new model does not
        touch this index: :meth:`rebuild` builds one for it beside this one."""
        self.catalog.set_meta("settings", settings.to_json())
        self._sync.save(self.catalog)
        self.release_workers()
        self._pipelines.forget(self.current)  # built again with the new rules
        self._next.follow_settings(settings)

    def model_in_use(self) -> str:
        return self.current.model_in_use()

    def rebuild_pending(self) -> str | None:
        return self.current.rebuild_pending()

    def roots(self) -> list[str]:
        return self.catalog.roots()

    def add_roots(self, folders: Iterable[str | Path]) -> list[str]:
        """Add folders to index (made absolute); raises ``NotADirectoryError`` for a bad one
        (``SystemFolderError``, a subclass, for /proc, /sys, /dev and their kind)."""
        added = []
        for folder in folders:
            path = user_path(folder)
            if not Path(path).is_dir():
                raise NotADirectoryError(f"not a folder: {folder}")
            if catalog_path(path) != path:  # the catalog stores text, and a root must be found
                raise FinderError(f"cannot index {catalog_path(path)}: its name is not UTF-8")
            refuse_system_folder(path)
            self.catalog.add_root(path)
            added.append(path)
        self._sync.save(self.catalog)
        return added

    def remove_roots(self, folders: Iterable[str | Path]) -> list[str]:
        """Stop indexing folders; their files leave the index at the next ``index()``.
        Returns those that were roots (made absolute); others are left out."""
        roots, removed = set(self.roots()), []
        for folder in folders:
            path = user_path(folder)
            if path in roots:
                self.catalog.remove_root(path)
                removed.append(path)
        self._sync.save(self.catalog)
        return removed

    # --- indexing ---------------------------------------------------------------------
    def index(
        self, progress: ProgressCallback | None = None, *, stop: StopCheck = bool
    ) -> IndexReport:
        """Bring the index level with the disk under every root and with the settings'
        model (see :meth:`rebuild`); returns what changed.

        ``stop`` is polled between files and batches; when it says so the run ends early
        with what it committed, and the next run goes on from there.
        """
        if self.rebuild_pending():
            return self.rebuild(progress, stop=stop)[0]
        return self.reconcile(progress, stop=stop)

    def reconcile(
        self, progress: ProgressCallback | None = None, *, stop: StopCheck = bool
    ) -> IndexReport:
        """Bring this index level with the disk, with the model it already uses."""
        report = self._healing(
            lambda: self._pipelines.of(self.current).run(progress, stop=stop), progress, stop
        )
        if report.chunks_embedded or self.catalog.count_vectors():  # also remakes a bad one
            ensure_query_export(self.model_in_use(), self.paths.model_cache)
        return report

    def rebuild(
        self, progress: ProgressCallback | None = None, *, stop: StopCheck = bool
    ) -> tuple[IndexReport, bool]:
        """Build the index for the settings' new model in the next generation folder
        while this one keeps answering; when complete, swap it in. Returns what the run
        did and whether it swapped (see :class:`~finder.engine.rebuild.NextGeneration`)."""
        report, swapped_to = self._next.build(self.current, progress, stop)
        if swapped_to is not None:
            self.current = swapped_to
        return report, swapped_to is not None

    def update(
        self,
        paths: Iterable[str],
        moves: Iterable[tuple[str, str]] = (),
        progress: ProgressCallback | None = None,
        *,
        stop: StopCheck = bool,
    ) -> IndexReport:
        """Bring just ``paths`` level with the disk; see :meth:`Indexer.update`.

        Does not save the vector index: call :meth:`save` now and then.
        """
        return self._healing(
            lambda: self._pipelines.of(self.current).update(paths, moves, progress, stop=stop),
            progress,
            stop,
        )

    def _healing(
        self, run: Callable[[], IndexReport], progress: ProgressCallback | None, stop: StopCheck
    ) -> IndexReport:
        """``run`` on a sound catalog. A damaged one (a sign confirmed, or damage met by
        ``run``) is rebuilt, then every root is indexed: the new catalog knows no file."""
        problem = suspected_problem(self.paths.catalog)  # e.g. a reader met damage
        if problem is None:
            try:
                return run()
            except CatalogDamagedError as err:
                if err.path != self.paths.catalog:
                    raise  # the generation being built for a new model: not healed here
                problem = err.detail
        self._pipelines.forget(self.current)
        self.models.release()
        self.current.rebuild_damaged_catalog(problem)
        self._sync.apply(self.current.catalog)
        return self._pipelines.of(self.current).run(progress, stop=stop)

    def save(self) -> None:
        """Write the vector index file (the catalog is committed as it goes)."""
        self.current.save()

    def release_workers(self) -> None:
        """Stop the parser processes and the embedders' processes, if any; they start
        again when needed (a long-running service calls this when idle)."""
        self._pipelines.close_workers()
        self.models.release()

    def scan_rules(self) -> ScanRules:
        """What the scanner and the watcher skip, including finder's own dirs."""
        return scan_rules(self.settings, self._pipelines.never_enter)

    # --- reading ----------------------------------------------------------------------
    def reader(self) -> IndexReader:
        """A reader of this data dir on this thread, sharing this writer's vectors and
        model; brought level with what was written (and swapped) before it is returned.
        Closed with the writer."""
        if self._reader is None:
            paths = self.paths
            self._reader = IndexReader.open(paths.root, cache_dir=paths.cache, models=self.models)
        self._reader.refresh()
        return self._reader

    def status(self, failures: int = 1000) -> Status:
        return generation_status(self.current, failures)
