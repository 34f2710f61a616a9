"""The engine: the one Python API over a data dir that the CLI and the GUI both use.

``Engine.open_writer(data_dir)`` takes the data dir's writer lock and may index;
``Engine.open_reader(data_dir)`` only searches and reports status, and works while
another process writes. Heavy parts (torch, the model, the vector index) load on first
use, so ``finder status`` and ``finder roots`` stay instant.

A model change builds a whole new index (new chunks, new vectors) in a new generation
folder beside the one in force, which keeps answering until the new one is complete and
swapped in (:meth:`Engine.rebuild`, :mod:`finder.store.generations`).

A damaged catalog (:mod:`finder.store.salvage`): the writer rebuilds it when it opens
or indexes and finds it so, then indexes on; a reader raises ``CatalogDamagedError``.

Thread: an engine belongs to the thread that opened it (it holds a SQLite connection).
The GUI and the watcher service wrap it in their own writer thread.
"""

from __future__ import annotations

import os
from collections.abc import Callable, Iterable
from dataclasses import replace
from pathlib import Path

import numpy as np

from finder.chunking import Chunker
from finder.domain import IndexReport, Progress, SearchHit, Status
from finder.embed import Embedder, resolve_model_path
from finder.embed.loader import (
    ensure_query_export,
    load_index_embedder,
    load_query_embedder,
)
from finder.embed.process_embedder import ProcessEmbedder
from finder.errors import FinderError
from finder.extract import ExtractLimits
from finder.indexing.filesystems import refuse_system_folder
from finder.indexing.pipeline import Indexer, ProgressCallback, StopCheck, unreadable_folders
from finder.indexing.planner import catalog_path
from finder.indexing.scanner import ScanRules
from finder.paths import DataPaths, default_cache_dir, default_config_dir, default_data_dir
from finder.preview import Passage, join_chunks
from finder.search import FusionWeights, Searcher
from finder.settings import (
    IndexSettings,
    SavedSettings,
    read_settings_file,
    settings_file,
    stored_settings,
    write_settings_file,
)
from finder.store.catalog import Catalog, CatalogDamagedError, CatalogError
from finder.store.generations import (
    current_generation,
    make_current,
    next_generation,
    other_generations,
    remove_generation,
)
from finder.store.lock import WriterLock
from finder.store.manifest import (
    Manifest,
    checked_dimension,
    read_manifest,
    record_digest,
    recorded_digest,
    write_manifest,
)
from finder.store.salvage import (
    damage_sign,
    open_writer_catalog,
    rebuild_damaged_catalog,
    suspected_problem,
)
from finder.store.vectors import VectorIndex


class Engine:
    """Index folders and search them, over one data dir."""

    def __init__(
        self,
        paths: DataPaths,
        catalog: Catalog,
        lock: WriterLock | None,
        embedder: Embedder | None = None,
    ) -> None:
        self.paths = paths
        self.catalog = catalog
        self._lock = lock
        self._vectors: VectorIndex | None = None
        self._index_embedder = embedder
        self._query_embedder: Embedder | None = None
        self._searcher: Searcher | None = None
        self._indexer: Indexer | None = None
        self._next: Engine | None = None  # the generation being built for a new model
        self._settings_file: Path | None = None  # the writer's: kept level with the catalog

    # --- opening and closing ----------------------------------------------------------
    @classmethod
    def open_writer(
        cls,
        data_dir: Path | None = None,
        *,
        cache_dir: Path | None = None,
        config_dir: Path | None = None,
        embedder: Embedder | None = None,
    ) -> Engine:
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
            engine = cls(paths, open_writer_catalog(paths), lock, embedder)
        except BaseException:
            lock.release()
            raise
        engine._settings_file = settings_file(config_dir or default_config_dir(), base.root)
        engine._apply_settings_file()
        engine._remove_stale_generations()
        return engine

    @classmethod
    def open_reader(cls, data_dir: Path | None = None, *, cache_dir: Path | None = None) -> Engine:
        """Open for searching only; raises ``CatalogError`` if there is no index yet."""
        base = DataPaths(data_dir or default_data_dir(), cache_dir or default_cache_dir())
        while True:
            generation = current_generation(base.root)
            paths = replace(base, generation=generation)
            try:
                sign = damage_sign(paths.catalog)  # noted by another reader, truncated
                if sign:
                    raise CatalogDamagedError(paths.catalog, sign)
                return cls(paths, Catalog(paths.catalog, readonly=True), None)
            except CatalogError:
                if current_generation(base.root) == generation:
                    raise
                # the writer swapped generations (and removed this one) meanwhile: again

    def close(self) -> None:
        """Stop workers, save the vector index, close (a rebuild in progress is kept and
        goes on at the next run), release the writer lock. A save that fails (a full
        disk) still closes and releases everything before its error is raised."""
        try:
            if self._next is not None:
                next_engine, self._next = self._next, None
                next_engine._detach()
        finally:
            try:
                self._detach()
            finally:
                if self._lock is not None:
                    self._lock.release()
                    self._lock = None

    def _detach(self) -> None:
        try:
            self._close_searcher()
            self._query_embedder = None  # an ONNX session's threads end with it
            self.release_workers()
            self.save()
        finally:
            self.catalog.close()

    def _close_searcher(self) -> None:
        """End the searcher's helper thread now rather than whenever it is collected."""
        if self._searcher is not None:
            self._searcher.close()
            self._searcher = None

    def __enter__(self) -> Engine:
        return self

    def __exit__(self, *_exc: object) -> None:
        self.close()

    @property
    def writable(self) -> bool:
        return self._lock is not None

    # --- settings and roots -----------------------------------------------------------
    @property
    def settings(self) -> IndexSettings:
        return stored_settings(self.catalog.get_meta("settings"), str(self.paths.catalog))

    def update_settings(self, settings: IndexSettings) -> None:
        """Store new settings; the next indexing run follows them. A new model does not
        touch this index: :meth:`rebuild` builds one for it beside this one."""
        self.catalog.set_meta("settings", settings.to_json())
        self._save_settings_file()
        self.release_workers()
        self._indexer = None  # built again with the new rules
        if self._next is not None and self._next.settings.model != settings.model:
            self._drop_next()  # built for a model no longer wanted

    def model_in_use(self) -> str:
        """The model this index's vectors are made with, which queries must use too (the
        settings' model until the first run records it)."""
        manifest = read_manifest(self.paths.manifest)
        return manifest.model if manifest is not None else self.settings.model

    def rebuild_pending(self) -> str | None:
        """The model the settings name when this index was made with another one."""
        manifest = read_manifest(self.paths.manifest)
        wanted = self.settings.model
        return wanted if manifest is not None and manifest.model != wanted else None

    def roots(self) -> list[str]:
        return self.catalog.roots()

    def add_roots(self, folders: Iterable[str | Path]) -> list[str]:
        """Add folders to index (made absolute); raises ``NotADirectoryError`` for a bad one
        (``SystemFolderError``, a subclass, for /proc, /sys, /dev and their kind)."""
        added = []
        for folder in folders:
            path = os.path.abspath(os.path.expanduser(str(folder)))
            if not os.path.isdir(path):
                raise NotADirectoryError(f"not a folder: {folder}")
            if catalog_path(path) != path:  # the catalog stores text, and a root must be found
                raise FinderError(f"cannot index {catalog_path(path)}: its name is not UTF-8")
            refuse_system_folder(path)
            self.catalog.add_root(path)
            added.append(path)
        self._save_settings_file()
        return added

    def remove_roots(self, folders: Iterable[str | Path]) -> list[str]:
        """Stop indexing folders; their files leave the index at the next ``index()``.
        Returns those that were roots (made absolute); others are left out."""
        roots, removed = set(self.roots()), []
        for folder in folders:
            path = os.path.abspath(os.path.expanduser(str(folder)))
            if path in roots:
                self.catalog.remove_root(path)
                removed.append(path)
        self._save_settings_file()
        return removed

    def _apply_settings_file(self) -> None:
        """The settings file wins over the catalog's copy; none (or a bad one, or another
        data dir's): write it from the copy, which a damaged copy's defaults repair."""
        assert self._settings_file is not None
        saved = read_settings_file(self._settings_file, self.paths.root)
        wanted = self.settings if saved is None else saved.index
        if self.catalog.get_meta("settings") != wanted.to_json():
            self.catalog.set_meta("settings", wanted.to_json())
        if saved is None:
            self._save_settings_file()
            return
        indexed = set(self.catalog.roots())
        for root in sorted(set(saved.roots) - indexed):
            self.catalog.add_root(root)  # even if absent now: an unplugged drive's files stay
        for root in sorted(indexed - set(saved.roots)):
            self.catalog.remove_root(root)

    def _save_settings_file(self) -> None:
        if self._settings_file is not None:
            saved = SavedSettings(tuple(self.roots()), self.settings)
            write_settings_file(self._settings_file, saved, self.paths.root)

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
        report = self._healing(lambda: self._get_indexer().run(progress, stop=stop), progress, stop)
        if report.chunks_embedded or self.catalog.count_vectors():  # also remakes a bad one
            ensure_query_export(self.model_in_use(), self.paths.model_cache)
        return report

    def rebuild(
        self, progress: ProgressCallback | None = None, *, stop: StopCheck = bool
    ) -> tuple[IndexReport, bool]:
        """Build the index for the settings' new model in the next generation folder
        while this one keeps answering; when complete, swap it in. Returns what the run
        did and whether it swapped.

        Stopped, the new generation keeps what it committed and the next call goes on
        from there (also after a restart or a crash). After the swap this engine works
        on the new generation; readers follow at their next :meth:`refresh`. Changes made
        to files during the build are found by the next :meth:`reconcile`.
        """
        building = self._next_engine()
        stopped = False

        def latched() -> bool:  # a stop seen once means the run did not finish
            nonlocal stopped
            stopped = stopped or stop()
            return stopped

        model = building.settings.model

        def tagged(p: Progress) -> None:  # progress of the new index says so
            if progress is not None:
                progress(replace(p, new_model=model))

        report = building._get_indexer().run(tagged, stop=latched)
        if stopped:
            return report, False
        ensure_query_export(building.model_in_use(), self.paths.model_cache)
        self._swap_to(building)
        return report, True

    def _next_engine(self) -> Engine:
        """The generation being built, opened or created, following this one's settings
        and roots (which may change while it is built)."""
        if self._next is None:
            paths = replace(self.paths, generation=next_generation(self.paths.generation))
            manifest = read_manifest(paths.manifest)
            if manifest is not None and manifest.model != self.settings.model:
                remove_generation(paths.root, paths.generation)  # another model's: restart
            paths.ensure()
            self._next = Engine(paths, Catalog(paths.catalog), self._lock)
        building = self._next
        if building.settings != self.settings:
            building.update_settings(self.settings)
        wanted, built = set(self.roots()), set(building.roots())
        for root in wanted - built:
            building.catalog.add_root(root)
        for root in built - wanted:
            building.catalog.remove_root(root)
        return building

    def _swap_to(self, building: Engine) -> None:
        """Make the finished generation the one in force, adopt it (its parser and embedder
        processes too), remove the old one."""
        building.save()  # its vectors are on disk before the pointer names them
        make_current(self.paths.root, building.paths.generation)
        old = self.paths.generation
        self.release_workers()
        self.catalog.close()
        self.paths, self.catalog = building.paths, building.catalog
        self._vectors, self._indexer = building._vectors, building._indexer
        self._index_embedder = building._index_embedder
        self._close_searcher()
        self._query_embedder = self._next = None
        remove_generation(self.paths.root, old)

    def _drop_next(self) -> None:
        if self._next is not None:
            self._next._detach()
            remove_generation(self.paths.root, self._next.paths.generation)
            self._next = None

    def _remove_stale_generations(self) -> None:
        """Older generations left by a swap that could not remove them; newer ones that
        are not the one a pending rebuild goes on with."""
        older, newer = other_generations(self.paths.root, self.paths.generation)
        keep = next_generation(self.paths.generation) if self.rebuild_pending() else None
        for name in older + newer:
            if name != keep:
                remove_generation(self.paths.root, name)

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
            lambda: self._get_indexer().update(paths, moves, progress, stop=stop), progress, stop
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
        self.release_workers()
        self.catalog.close()
        self._close_searcher()
        self._vectors = self._indexer = None
        rebuild_damaged_catalog(self.paths, problem)
        self.catalog = Catalog(self.paths.catalog)
        self._apply_settings_file()
        return self._get_indexer().run(progress, stop=stop)

    def save(self) -> None:
        """Write the vector index file (the catalog is committed as it goes)."""
        if self._vectors is not None and self.writable:
            self._vectors.save()

    def release_workers(self) -> None:
        """Stop the parser processes and the embedder's process, if any; they start again
        when needed (a long-running service calls this when idle)."""
        if self._indexer is not None:
            self._indexer.close_workers()
        if isinstance(self._index_embedder, ProcessEmbedder):
            self._index_embedder.close()

    def scan_rules(self) -> ScanRules:
        """What the scanner skips, including finder's own data and cache dirs."""
        settings = self.settings
        return ScanRules(
            exclude_globs=settings.exclude_globs,
            include_hidden=settings.include_hidden,
            never_enter=(str(self.paths.root.resolve()), str(self.paths.cache.resolve())),
        )

    def _get_indexer(self) -> Indexer:
        if self._indexer is None:
            settings = self.settings
            self._record_model()
            self._indexer = Indexer(
                self.catalog,
                self.vectors(),
                Chunker(resolve_model_path(self.model_in_use()) / "tokenizer.json"),
                self._load_index_embedder,
                rules=self.scan_rules(),
                limits=ExtractLimits(
                    max_file_bytes=settings.max_file_mb * 1024 * 1024,
                    timeout_s=settings.extract_timeout_s,
                    memory_mb=settings.extract_memory_mb,
                ),
                extract_workers=max(1, settings.threads),
            )
        return self._indexer

    def _record_model(self) -> None:
        """At the first run the settings' model becomes this index's for good."""
        if read_manifest(self.paths.manifest) is None:
            dimension = self._load_index_embedder().dimension
            manifest = Manifest(model=self.settings.model, dimension=dimension)
            write_manifest(self.paths.manifest, manifest)

    def _load_index_embedder(self) -> Embedder:
        model = self.model_in_use()
        if self._index_embedder is None or self._index_embedder.model_name != model:
            self._index_embedder = load_index_embedder(model, self.settings.threads)
        return self._index_embedder

    def vectors(self, dimension: int | None = None) -> VectorIndex:
        """The vector index, loaded and brought level with the catalog on first use."""
        if self._vectors is None:
            manifest = self.paths.manifest
            if dimension is None:
                dimension = checked_dimension(manifest, self.catalog, repair=self.writable)
                dimension = dimension or self._load_index_embedder().dimension
            # The writer records each saved file's checksum; every loader verifies it.
            saved = (lambda digest: record_digest(manifest, digest)) if self.writable else None
            index = VectorIndex(
                self.paths.vectors, dimension, threads=self.settings.threads, on_saved=saved
            )
            index.load_and_sync(
                self.catalog.live_vector_ids(),
                self._stored_vectors(index),
                lambda: recorded_digest(manifest),
            )
            self._vectors = index
        return self._vectors

    def refresh(self) -> None:
        """Let a reader see what the writer committed since it opened: new vectors join
        its in-memory index, deleted ones leave it (catalog rows are seen anyway); after
        a swap it moves to the new generation, after a rebuilt catalog to the new file."""
        if not self.writable:
            generation = current_generation(self.paths.root)
            if generation != self.paths.generation or self.catalog.replaced():
                self._follow(generation)
                return
        if self._vectors is not None:
            index = self._vectors
            index.sync(self.catalog.live_vector_ids(), self._stored_vectors(index))

    def _follow(self, generation: str) -> None:
        """Reopen on the generation the writer swapped in, loading again what was loaded
        (so the next search is not the slow one)."""
        paths = replace(self.paths, generation=generation)
        catalog = Catalog(paths.catalog, readonly=True)
        self.catalog.close()
        self.paths, self.catalog = paths, catalog
        had_vectors, had_query_model = self._vectors is not None, self._query_embedder is not None
        self._close_searcher()
        self._vectors = None
        if had_vectors:
            self.vectors()
        if had_query_model:
            self.prepare_meaning()  # the new model's, if it changed

    def _stored_vectors(self, index: VectorIndex) -> Callable[[np.ndarray], tuple]:
        def load(ids: np.ndarray) -> tuple[np.ndarray, np.ndarray]:
            return self.catalog.vectors_by_ids(ids.tolist(), index.dimension)

        return load

    # --- searching --------------------------------------------------------------------
    def search(self, query: str, limit: int = 20, *, legs: str = "hybrid") -> list[SearchHit]:
        """Ranked files for ``query``; see :mod:`finder.search` and :mod:`finder.query`."""
        return self._get_searcher().search(query, limit, legs=legs)

    def similar(self, path: str | Path, limit: int = 20) -> list[SearchHit]:
        """Files whose meaning is closest to ``path``'s (its mean chunk vector)."""
        target = catalog_path(os.path.abspath(os.path.expanduser(str(path))))
        file_id = self.catalog.file_id(target)
        if file_id is None:
            raise LookupError(f"not in the index: {target}")
        ids = self.catalog.file_vector_ids(file_id)
        if not ids:
            raise LookupError(f"no meaning indexed for {path} yet (empty, failed or pending)")
        vectors = self.vectors()
        _, matrix = self.catalog.vectors_by_ids(ids, vectors.dimension)
        centre = matrix.mean(axis=0)
        centre /= max(float(np.linalg.norm(centre)), 1e-12)
        # The file itself is the best match: judge the others by the absolute floor only.
        weights = replace(FusionWeights(), similarity_window=2.0)
        searcher = Searcher(self.catalog, vectors, lambda _q: centre, weights)
        try:
            hits = searcher.search("similar", limit + 1, legs="meaning")
        finally:
            searcher.close()  # its helper thread, now rather than when collected
        return [h for h in hits if h.path != target][:limit]

    def passage(self, chunk_id: int, context: int = 2) -> Passage | None:
        """The text around a matched chunk (its page, for PDFs) for a preview pane."""
        found = self.catalog.chunks_around(chunk_id, context)
        return None if found is None else join_chunks(found.path, found.chunks, chunk_id)

    def _get_searcher(self) -> Searcher:
        if self._searcher is None:
            manifest = read_manifest(self.paths.manifest)
            # Stored vectors without a (readable) manifest still answer by meaning.
            has_vectors = manifest is not None or self.catalog.count_vectors() > 0
            vectors = self.vectors() if has_vectors else None
            # Read here: the searcher embeds on its helper thread, which must not touch
            # this engine's SQLite connection.
            model, threads = self.model_in_use(), self.settings.threads
            self._searcher = Searcher(
                self.catalog, vectors, lambda text: self._embed_query(text, model, threads)
            )
        return self._searcher

    def prepare_meaning(self) -> None:
        """Load the query model now (slow the first time) rather than at the first search."""
        if read_manifest(self.paths.manifest) is not None:
            self._embed_query("warm up", self.model_in_use(), self.settings.threads)

    def _embed_query(self, text: str, model: str, threads: int) -> np.ndarray:
        """``text`` embedded by ``model``, loading it first if need be. Thread: any, one
        at a time (touches no SQLite)."""
        if self._query_embedder is None or self._query_embedder.model_name != model:
            if self._index_embedder is not None and self._index_embedder.model_name == model:
                self._query_embedder = self._index_embedder
            else:
                self._query_embedder = load_query_embedder(model, self.paths.model_cache, threads)
        return self._query_embedder.embed([text])[0]

    # --- status -----------------------------------------------------------------------
    def status(self, failures: int = 1000) -> Status:
        by_status = self.catalog.count_files_by_status()
        size = sum(p.stat().st_size for p in (self.paths.catalog, self.paths.vectors) if p.exists())
        wal = self.paths.catalog.with_name(self.paths.catalog.name + "-wal")
        size += wal.stat().st_size if wal.exists() else 0
        return Status(
            data_dir=str(self.paths.root),
            roots=tuple(self.roots()),
            model=self.model_in_use(),
            model_pending=self.rebuild_pending(),
            files_indexed=by_status.get("ok", 0),
            files_pending=self.catalog.count_files_pending_vectors(),
            files_failed=by_status.get("failed", 0),
            files_name_only=by_status.get("name_only", 0),
            chunks=self.catalog.count_chunks(),
            vectors=self.catalog.count_vectors(),
            index_bytes=size,
            failures=tuple(self.catalog.failed_files(failures)),
            unreadable_folders=unreadable_folders(self.catalog),
        )
