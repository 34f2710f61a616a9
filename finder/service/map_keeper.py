"""Keeps the saved map of the files (finder.explore) level with the index, in the background.

The live service calls :meth:`MapKeeper.poke` after each committed batch (on its writer
thread; it only sets an event). The keeper's own thread then, with its own read-only
catalog connection on the generation in force:

- no map yet, or more than ``relayout_share`` of the files added or removed since the
  last full layout (and, for a map of 2,000 files or more, that layout older than
  ``min_relayout_s``): lays the map out again from stored vectors (seconds; about a
  minute for 100,000 files);
- otherwise places each new file among its nearest mapped files (milliseconds each) and
  drops the deleted ones.

It writes only the map file (atomically); the writer thread stays the catalog's only
writer. A file whose vectors are not stored yet is placed at a later poke. Edited files
keep their place until the next full layout.
"""

from __future__ import annotations

import logging
import threading
import time
from collections.abc import Callable
from dataclasses import replace
from pathlib import Path

import numpy as np

from finder.explore.build import MapCancelled, build_map
from finder.explore.file_map import FileMap
from finder.explore.file_vectors import read_file_vectors, read_vectors_of
from finder.explore.map_file import load_map, save_map
from finder.explore.place import Placer
from finder.paths import DataPaths
from finder.service.priority import lower_thread_priority
from finder.service.state import BatchReport
from finder.store.catalog import Catalog, CatalogError
from finder.store.generations import current_generation

log = logging.getLogger(__name__)

_SMALL_MAP = 2000  # files: laid out in about a second


class MapKeeper:
    """One background thread keeping ``<generation>/map.npz`` current."""

    def __init__(
        self,
        data_dir: Path,
        *,
        relayout_share: float = 0.2,
        min_relayout_s: float = 300.0,
        nice: int = 10,
    ) -> None:
        self.data_dir = data_dir
        self.relayout_share = relayout_share
        self.min_relayout_s = min_relayout_s
        self.nice = nice
        self._wake = threading.Event()
        self._closing = False
        self._thread: threading.Thread | None = None
        self._generation: str | None = None  # what the placer below belongs to
        self._placer: Placer | None = None
        self._last_layout = -float("inf")  # monotonic time of the last full layout
        self.rounds = 0  # finished rounds, for tests and status
        self.round_done = threading.Condition()

    def start(self) -> None:
        self._thread = threading.Thread(target=self._run, name="finder-map", daemon=True)
        self._thread.start()

    def poke(self) -> None:
        """Something was committed: bring the map level soon. Any thread; returns at once."""
        self._wake.set()

    def close(self) -> None:
        """Stop (a layout under way is abandoned) and wait for the thread."""
        self._closing = True
        self._wake.set()
        if self._thread is not None:
            self._thread.join()

    def _run(self) -> None:
        lower_thread_priority(self.nice)
        while True:
            self._wake.wait()
            self._wake.clear()
            if self._closing:
                return
            try:
                self.keep_level()
            except MapCancelled:
                return
            except Exception:  # the map is a view: never worth the service
                log.exception("the map could not be brought up to date")
            with self.round_done:
                self.rounds += 1
                self.round_done.notify_all()

    def keep_level(self) -> None:
        """One round on the calling thread (the keeper's, or a test's)."""
        name = current_generation(self.data_dir)
        paths = replace(DataPaths(self.data_dir), generation=name)
        try:
            catalog = Catalog(paths.catalog, readonly=True)
        except CatalogError as err:
            log.info("no map yet: %s", err)
            return
        try:
            self._keep_level(paths, name, catalog)
        finally:
            catalog.close()

    def _keep_level(self, paths: DataPaths, name: str, catalog: Catalog) -> None:
        dimension = catalog.stored_dimension()
        if dimension is None:
            return  # nothing has meaning yet
        if self._generation != name:  # first round, or the writer swapped generations
            self._generation, self._placer = name, None
        file_map = self._placer.file_map if self._placer else load_map(paths.file_map)
        now_files = catalog.file_paths()  # id -> path of every readable file
        if file_map is not None and not self._relayout_due(file_map, now_files):
            placer = self._placer or self._placer_for(file_map, catalog, dimension)
            updated = self._place(placer, now_files, catalog, dimension)
            if updated is not file_map:
                save_map(paths.file_map, updated)
            return
        stop = lambda: self._closing  # noqa: E731
        fresh, files = build_map(catalog, dimension, stop=stop)
        save_map(paths.file_map, fresh)
        self._placer = Placer(fresh, files.vectors)
        self._last_layout = time.monotonic()
        log.info("laid out the map of %d files", len(fresh))

    def _relayout_due(self, file_map: FileMap, now_files: dict[int, str]) -> bool:
        mapped = set(file_map.paths)
        now = set(now_files.values())
        changed = file_map.changed + len(now - mapped) + len(mapped - now)
        much = changed > self.relayout_share * max(file_map.laid_out, 1)
        # A small map is laid out again at once (it takes well under a second); a big
        # one at most every min_relayout_s, so a long first indexing is not re-laid
        # out after every batch.
        small = file_map.laid_out + changed < _SMALL_MAP
        return much and (small or time.monotonic() - self._last_layout >= self.min_relayout_s)

    def _placer_for(self, file_map: FileMap, catalog: Catalog, dimension: int) -> Placer:
        """A placer over the saved map, its files' vectors read again (one pass)."""
        files = read_file_vectors(catalog, dimension)
        row = {p: i for i, p in enumerate(files.paths)}
        keep = np.fromiter((p in row for p in file_map.paths), bool, len(file_map))
        vectors = files.vectors[[row[p] for p in file_map.paths if p in row]]
        kept = replace(
            file_map,
            paths=tuple(p for p, k in zip(file_map.paths, keep, strict=True) if k),
            xy=file_map.xy[keep],
            topic=file_map.topic[keep],
        )
        self._placer = Placer(kept, vectors.reshape(-1, dimension))
        return self._placer

    def _place(
        self, placer: Placer, now_files: dict[int, str], catalog: Catalog, dimension: int
    ) -> FileMap:
        """Drop the files gone, place the new ones that have vectors; the map after."""
        before = placer.file_map
        now = set(now_files.values())
        placer.remove([p for p in before.paths if p not in now])
        mapped = set(placer.file_map.paths)
        new_ids = [i for i, p in now_files.items() if p not in mapped]
        vectors = read_vectors_of(catalog, new_ids, dimension)
        if vectors:
            ids = list(vectors)
            placer.place([now_files[i] for i in ids], np.stack([vectors[i] for i in ids]))
        return placer.file_map

    def start_after(self, on_batch: Callable[[BatchReport], None]) -> Callable[[BatchReport], None]:
        """Start the thread; returns ``on_batch`` followed by a poke, for the service to
        call after each committed batch in its place."""
        self.start()

        def then_poke(report: BatchReport) -> None:
            on_batch(report)
            self.poke()

        return then_poke
