"""Bring the catalog and the vector index level with the disk. No threads of its own.

One run has two phases, so that a first index of a big home folder is useful within
minutes although embedding takes hours on a laptop:

1. **Text**: compare the disk with the catalog (:mod:`finder.indexing.planner`), then
   rename, delete and extract what changed. Each batch of files is committed in one
   transaction; after it those files are findable by name and keywords.
2. **Meaning**: embed the chunk texts that have no vector yet in batches, each committed
   and then added to the HNSW index (saved now and then); then the files' names.

A run killed at any instant resumes where it stopped: committed files are not extracted
again, committed vectors are not embedded again, and the HNSW file is brought level with
the catalog when it is next opened.

No file is read in this process: content hashes are computed by the parser workers
(:meth:`ExtractorPool.hash_and_extract`), under their timeout, so a file on a share that
stopped answering fails alone ("reading timed out after 30 s") instead of freezing the
writer. The folders a full scan could not list are kept for ``finder status``.

When extraction changed (:data:`~finder.extract.normalise.EXTRACTION_VERSION` above the
catalog's), a full run parses every file again once; chunks whose text came out the same
keep their vectors (keyed by the chunk text's hash), so only new text is embedded.

Thread: everything here runs on the caller's thread, which must be the one writer of
the data dir (the CLI's main thread, or the service's writer thread).
"""

from __future__ import annotations

import os
import time
from collections.abc import Callable, Iterable, Iterator
from pathlib import Path

import numpy as np

from finder.chunking import Chunker
from finder.domain import FileState, FileStatus, IndexReport, Progress
from finder.embed import Embedder
from finder.extract import Extracted, ExtractionError, ExtractLimits
from finder.extract.normalise import EXTRACTION_VERSION
from finder.extract.registry import extractor_for
from finder.extract.sandbox import ExtractorPool
from finder.indexing.name_vectors import embed_names
from finder.indexing.planner import Planner, ScanPlan
from finder.indexing.results import FileResult, Tally
from finder.indexing.scanner import DiskFile
from finder.path_rules import ScanRules, catalog_path, is_within
from finder.store.catalog import Catalog
from finder.store.meta import extraction_version as stored_version
from finder.store.meta import record_extraction_version, record_unreadable_folders
from finder.store.vectors import VectorIndex

ProgressCallback = Callable[[Progress], None]
StopCheck = Callable[[], bool]  # polled between files and batches: True ends the run early
EMBED_BATCH = 128
COMMIT_EVERY_FILES = 200
COMMIT_EVERY_S = 2.0
SAVE_VECTORS_EVERY_S = 60.0


class Indexer:
    """Runs indexing passes over the roots stored in the catalog."""

    def __init__(
        self,
        catalog: Catalog,
        vector_index: VectorIndex,
        chunker: Chunker,
        embedder: Callable[[], Embedder],
        *,
        rules: ScanRules,
        limits: ExtractLimits,
        extract_workers: int = 1,
    ) -> None:
        self.catalog = catalog
        self.vector_index = vector_index
        self.chunker = chunker
        self._embedder_factory = embedder
        self.limits = limits
        self.extract_workers = extract_workers
        self.planner = Planner(catalog, rules, limits)
        self._pool: ExtractorPool | None = None

    # --- the whole pass ---------------------------------------------------------------
    def run(
        self, progress: ProgressCallback | None = None, *, stop: StopCheck = bool
    ) -> IndexReport:
        """Scan every root, apply the changes, embed what is pending, save."""
        started = time.monotonic()
        report = progress or (lambda _p: None)
        report(Progress("scanning", 0, 0))
        outdated = stored_version(self.catalog) < EXTRACTION_VERSION
        plan = self.planner.roots(self.catalog.roots(), reextract=outdated)
        record_unreadable_folders(self.catalog, plan.unreadable)
        tally = self.apply(plan, report, stop=stop)
        if outdated and not tally.stopped:
            # Every file is in the current form now (a stopped run starts over next time).
            record_extraction_version(self.catalog, EXTRACTION_VERSION)
        embedded = self.embed_pending(report, stop=stop)
        self.collect_garbage()
        report(Progress("done", 1, 1))
        return tally.report(plan, embedded, started)

    def update(
        self,
        paths: Iterable[str],
        moves: Iterable[tuple[str, str]] = (),
        progress: ProgressCallback | None = None,
        *,
        stop: StopCheck = bool,
    ) -> IndexReport:
        """Bring just ``paths`` (files or folders) level with the disk: a watcher's batch.

        ``moves`` (old path, new path), in the order they happened, are applied first as
        renames in the catalog, so a moved file or folder keeps its chunks and vectors;
        both ends of a move must also be in ``paths``. The vector index is not saved
        here: the caller saves it now and then (it is a cache of the catalog).
        """
        started = time.monotonic()
        report = progress or (lambda _p: None)
        tally = Tally()
        self._apply_moves(moves, tally)
        plan = self.planner.paths(paths)
        self.apply(plan, report, stop=stop, tally=tally)
        embedded = self.embed_pending(report, stop=stop, save=False)
        if tally.removed or tally.updated:
            self.collect_garbage(save=False)
        return tally.report(plan, embedded, started)

    # --- phase 1: text ----------------------------------------------------------------
    def apply(
        self,
        plan: ScanPlan,
        report: ProgressCallback,
        *,
        stop: StopCheck = bool,
        tally: Tally | None = None,
    ) -> Tally:
        """Renames, deletions and extraction, committed in batches; ``stop`` ends it early."""
        tally = tally or Tally()
        new = self._apply_renames(plan, tally)
        with self.catalog.transaction():
            for state in plan.vanished:
                self.catalog.delete_file(state.id)
                tally.note("removed", state.path)

        todo: list[tuple[DiskFile, FileState | None]] = [(d, None) for d in new]
        todo += plan.changed
        if not todo:
            return tally
        started = last_commit = time.monotonic()
        batch: list[FileResult] = []
        for done, result in enumerate(self._extract_all(todo, plan), 1):
            batch.append(result)
            if result.status is FileStatus.FAILED:
                tally.failed += 1
            tally.note("updated" if result.previous else "added", result.disk.path)
            now = time.monotonic()
            if len(batch) >= COMMIT_EVERY_FILES or now - last_commit >= COMMIT_EVERY_S:
                self._commit(batch)
                batch, last_commit = [], now
            rate = done / max(now - started, 1e-6)
            report(Progress("extracting", done, len(todo), rate, result.disk.path))
            if stop():
                tally.stopped = True
                break  # the files not reached are still new or changed for the next run
        self._commit(batch)
        return tally

    def _apply_renames(self, plan: ScanPlan, tally: Tally) -> list[DiskFile]:
        """Match new paths to vanished files with the same content; returns the rest.

        A moved or renamed file keeps its row, chunks and vectors: nothing is extracted
        or embedded again. Only same-size candidates are hashed.
        """
        by_size: dict[int, list[FileState]] = {}
        for state in plan.vanished:
            if state.content_hash is not None:
                by_size.setdefault(state.size, []).append(state)
        if not by_size:
            return plan.new
        # An unreadable file is not a rename; extraction records why it failed.
        digests = self._content_hashes((d.path for d in plan.new if d.size in by_size), plan)
        remaining, renamed_ids = [], set()
        with self.catalog.transaction():
            for disk in plan.new:
                candidates = [s for s in by_size.get(disk.size, ()) if s.id not in renamed_ids]
                digest = digests.get(disk.path)
                match = next((s for s in candidates if s.content_hash == digest), None)
                if match is None:
                    remaining.append(disk)
                    continue
                self.catalog.rename_file(match.id, catalog_path(disk.path), disk.mtime_ns)
                renamed_ids.add(match.id)
                tally.note("renamed", disk.path)
        plan.vanished = [s for s in plan.vanished if s.id not in renamed_ids]
        return remaining

    def _apply_moves(self, moves: Iterable[tuple[str, str]], tally: Tally) -> None:
        """Rename catalog rows for files and folders moved on disk.

        A move whose source is back on disk, or whose destination is under no root, is
        skipped: the plan then sees it as a deletion plus, maybe, a new file.
        """
        roots = self.catalog.roots()
        with self.catalog.transaction():
            for src, dest in moves:
                src, dest = catalog_path(os.path.normpath(src)), os.path.normpath(dest)
                if os.path.lexists(src) or not any(is_within(dest, r) for r in roots):
                    continue
                states = self.catalog.file_states_at_or_under(src)
                if not states:
                    continue
                dest = catalog_path(dest)
                for stale in self.catalog.file_states_at_or_under(dest).values():
                    self.catalog.delete_file(stale.id)  # replaced by the move
                for path, state in states.items():
                    new_path = dest + path[len(src) :]
                    self.catalog.rename_file(state.id, new_path, state.mtime_ns)
                    tally.note("renamed", new_path)

    def _extract_all(
        self, todo: list[tuple[DiskFile, FileState | None]], plan: ScanPlan
    ) -> Iterator[FileResult]:
        """Results for every file: quick ones inline, the rest hashed (and parsed if the
        content is new, or always with ``plan.reextract``) by the worker pool."""
        to_read: dict[str, tuple[DiskFile, FileState | None]] = {}
        for disk, previous in todo:
            quick = self._without_reading(disk, previous, plan.unread.get(disk.path))
            if quick is not None:
                yield quick
            else:
                to_read[disk.path] = (disk, previous)
        if not to_read:
            return
        known: dict[str, FileResult] = {}  # content seen before: no parsing

        def needs_parsing(path: Path, digest: str) -> bool:
            if plan.reextract:
                return True  # known content, but its text would come out differently now
            disk, previous = to_read[str(path)]
            result = self._without_parsing(disk, previous, digest)
            if result is not None:
                known[str(path)] = result
            return result is None

        files = (Path(p) for p in to_read)
        for path, digest, outcome in self._workers().hash_and_extract(files, needs_parsing):
            if outcome is None:
                yield known.pop(str(path))
            else:
                disk, previous = to_read[str(path)]
                yield self._from_extraction(disk, previous, digest, outcome)

    def _content_hashes(self, paths: Iterable[str], plan: ScanPlan) -> dict[str, str]:
        """Path -> content hash of those of ``paths`` that could be read (in the workers);
        why the others could not goes to ``plan.unread``, so they are not tried again."""
        todo = [Path(p) for p in paths]
        digests: dict[str, str] = {}
        for path, digest, outcome in self._workers().hash_and_extract(todo, lambda _p, _d: False):
            if digest is not None:
                digests[str(path)] = digest
            else:
                plan.unread[str(path)] = str(outcome)
        return digests

    def _workers(self) -> ExtractorPool:
        if self._pool is None:
            self._pool = ExtractorPool(self.extract_workers, self.limits)
        return self._pool

    @property
    def worker_pids(self) -> list[int]:
        """Process ids of the live parser workers (for diagnostics and tests)."""
        return self._pool.pids if self._pool is not None else []

    def close_workers(self) -> None:
        """Stop the parser worker processes (they start again when next needed).

        They are kept between runs because starting one costs 0.2-0.4 s, which a
        watcher's one-file update would otherwise pay every time.
        """
        if self._pool is not None:
            self._pool.close()
            self._pool = None

    def _without_reading(
        self, disk: DiskFile, previous: FileState | None, unread: str | None
    ) -> FileResult | None:
        """The result for a file whose content is not read, or ``None`` to read it.
        ``unread``: why reading it failed already in this run."""
        path = disk.path
        if unread is not None:
            return FileResult(disk, previous, FileStatus.FAILED, None, unread)
        if catalog_path(path) != path:
            return FileResult(disk, previous, FileStatus.FAILED, None, "file name is not UTF-8")
        if extractor_for(Path(path)) is None:
            return FileResult(disk, previous, FileStatus.NAME_ONLY, None)
        if disk.size > self.limits.max_file_bytes:
            mb = self.limits.max_file_bytes // (1024 * 1024)
            return FileResult(
                disk, previous, FileStatus.NAME_ONLY, None, f"larger than {mb} MB: name only"
            )
        return None

    def _without_parsing(
        self, disk: DiskFile, previous: FileState | None, digest: str
    ) -> FileResult | None:
        """The result for a file whose content (hash ``digest``) is known already, or
        ``None`` if it must be parsed."""
        if previous is not None and previous.content_hash == digest:
            # Touched but not edited: keep the chunks, record the new mtime.
            return FileResult(disk, previous, previous.status, digest, keep_chunks=True)
        twin = self.catalog.file_with_content(digest)
        if twin is not None:
            return FileResult(disk, previous, FileStatus.OK, digest, copy_from=twin)
        return None

    def _from_extraction(
        self,
        disk: DiskFile,
        previous: FileState | None,
        digest: str | None,
        outcome: Extracted | ExtractionError,
    ) -> FileResult:
        if isinstance(outcome, ExtractionError):
            return FileResult(disk, previous, FileStatus.FAILED, digest, str(outcome))
        status = FileStatus.NAME_ONLY if outcome.binary else FileStatus.OK  # binary: sniffed
        result = FileResult(disk, previous, status, digest)
        result.chunks = self.chunker.chunk_pages(outcome.pages)
        return result

    def _commit(self, batch: list[FileResult]) -> None:
        if not batch:
            return
        with self.catalog.transaction():
            for r in batch:
                path = catalog_path(r.disk.path)
                if r.keep_chunks and r.previous is not None:
                    self.catalog.rename_file(r.previous.id, path, r.disk.mtime_ns)
                    continue
                if r.copy_from is not None and self.catalog.content_hash(r.copy_from) != r.digest:
                    continue  # the twin changed meanwhile: leave this file for the next run
                self.catalog.put_file(
                    path,
                    size=r.disk.size,
                    mtime_ns=r.disk.mtime_ns,
                    content_hash=r.digest,
                    status=r.status,
                    error=r.error,
                    chunks=r.chunks,
                    copy_chunks_from=r.copy_from,
                )

    # --- phase 2: meaning -------------------------------------------------------------
    def embed_pending(
        self, report: ProgressCallback, *, stop: StopCheck = bool, save: bool = True
    ) -> int:
        """Embed every chunk text without a vector, then every readable file's name
        (:mod:`~finder.indexing.name_vectors`); returns how many chunk texts were embedded.
        ``stop`` is polled between batches (a service pauses or quits promptly); ``save``
        writes the vector index at the end (also every minute regardless)."""
        total = self.catalog.count_pending_texts()
        if total == 0 and not self.catalog.names_without_vector(1):
            return 0
        embedder = self._embedder_factory()
        started = last_save = time.monotonic()
        done = 0
        report(Progress("embedding", 0, total))
        while not stop():
            pending = self.catalog.pending_texts(EMBED_BATCH)
            if not pending:
                break
            vectors = embedder.embed([text for _, text in pending])
            with self.catalog.transaction():
                ids = self.catalog.store_vectors(
                    [(h, v) for (h, _), v in zip(pending, vectors, strict=True)]
                )
            self.vector_index.add(np.asarray(ids, dtype=np.int64), vectors)
            done += len(pending)
            now = time.monotonic()
            if now - last_save >= SAVE_VECTORS_EVERY_S:
                self.vector_index.save()
                last_save = now
            report(Progress("embedding", done, max(total, done), done / (now - started)))
        embed_names(self.catalog, embedder, stop)
        if save and total:
            report(Progress("saving", 0, 1))
            self.vector_index.save()
        return done

    def collect_garbage(self, *, save: bool = True) -> None:
        """Drop vectors no chunk uses any more, then (``save``) save the vector index."""
        with self.catalog.transaction():
            orphans = self.catalog.delete_orphan_vectors()
        self.vector_index.remove(orphans)
        if save:
            self.vector_index.save()
