"""The reader: search, similar files, passages and status over one data dir.

:meth:`IndexReader.open` works while another process (or thread) writes: it reads the
generation in force and follows the writer at :meth:`IndexReader.refresh` (new and
deleted vectors, a swap to a new model's generation, a catalog rebuilt after damage).
A damaged catalog raises ``CatalogDamagedError``: the writer heals it.

The vector index and the query model load on first use, so ``finder status`` stays
instant. In a process that also writes, the writer's vector index is shared (see
:mod:`.shared_vectors`).

Thread: a reader belongs to the thread that opened it (it holds a SQLite connection);
its searcher embeds queries on a helper thread of its own.
"""

from __future__ import annotations

from dataclasses import replace
from pathlib import Path

import numpy as np

from finder.domain import SearchHit, Status
from finder.engine.generation import Generation
from finder.engine.models import Models
from finder.engine.status import generation_status
from finder.explore.file_map import FileMap
from finder.explore.file_vectors import read_vectors_of
from finder.explore.map_file import load_map
from finder.explore.steer import SteerWeights
from finder.explore.steer_search import steered_similar
from finder.explore.topic_filter import TopicMembers
from finder.path_rules import catalog_path, user_path
from finder.paths import DataPaths, default_cache_dir, default_data_dir
from finder.preview import Passage, join_chunks
from finder.search import FusionWeights, Searcher
from finder.settings import IndexSettings
from finder.store.catalog import Catalog, CatalogDamagedError, CatalogError
from finder.store.generations import current_generation
from finder.store.salvage import damage_sign


class IndexReader:
    """Answers queries over the generation in force of one data dir."""

    def __init__(self, generation: Generation, models: Models) -> None:
        self.generation = generation
        self.models = models
        self._searcher: Searcher | None = None

    @classmethod
    def open(
        cls,
        data_dir: Path | None = None,
        *,
        cache_dir: Path | None = None,
        models: Models | None = None,
    ) -> IndexReader:
        """Open for searching; raises ``CatalogError`` if there is no index yet.
        ``models``: a writer's on the same thread, to share its loaded model."""
        base = DataPaths(data_dir or default_data_dir(), cache_dir or default_cache_dir())
        return cls(_open_generation(base), models or Models(base.model_cache))

    def close(self) -> None:
        """Close the catalog and end the searcher's helper thread and the query model's
        session (their threads) now, rather than whenever they are collected."""
        self._close_searcher()
        self.models.release_query()
        self.generation.close()

    def _close_searcher(self) -> None:
        if self._searcher is not None:
            self._searcher.close()
            self._searcher = None

    def __enter__(self) -> IndexReader:
        return self

    def __exit__(self, *_exc: object) -> None:
        self.close()

    @property
    def paths(self) -> DataPaths:
        return self.generation.paths

    @property
    def catalog(self) -> Catalog:
        return self.generation.catalog

    @property
    def settings(self) -> IndexSettings:
        return self.generation.settings

    def roots(self) -> list[str]:
        return self.catalog.roots()

    def model_in_use(self) -> str:
        return self.generation.model_in_use()

    def refresh(self) -> None:
        """See what the writer committed since this reader opened: new vectors join its
        in-memory index, deleted ones leave it (catalog rows are seen anyway); after a
        swap it moves to the new generation, after a rebuilt catalog to the new file."""
        generation = current_generation(self.paths.root)
        if generation != self.generation.name or self.catalog.replaced():
            self._follow(generation)
        else:
            self.generation.sync_vector_index()

    def _follow(self, name: str) -> None:
        """Reopen on the generation the writer swapped in, loading again what was loaded
        (so the next search is not the slow one)."""
        opened = Generation(replace(self.paths, generation=name), _read_only(self.paths, name))
        had_vectors = self.generation.vector_index_loaded()
        self.generation.close()
        self._close_searcher()
        self.generation = opened
        if had_vectors:
            opened.vector_index()
        if self.models.query_model_loaded():
            self.prepare_meaning()  # the new model's, if it changed

    # --- searching --------------------------------------------------------------------
    def search(self, query: str, limit: int = 20, *, legs: str = "hybrid") -> list[SearchHit]:
        """Ranked files for ``query``; see :mod:`finder.search` and :mod:`finder.query`."""
        return self._get_searcher().search(query, limit, legs=legs)

    def similar(
        self,
        path: str | Path,
        limit: int = 20,
        about: str | None = None,
        avoid: str | None = None,
        *,
        weights: SteerWeights | None = None,
    ) -> list[SearchHit]:
        """Files whose meaning is closest to ``path``'s (its mean chunk vector), steered
        toward the text ``about`` and away from ``avoid`` if given (:mod:`finder.explore.steer`)."""
        target = catalog_path(user_path(path))
        file_id = self.catalog.file_id(target)
        if file_id is None:
            raise LookupError(f"not in the index: {target}")
        vectors = self.generation.vector_index()
        centre = read_vectors_of(self.catalog, [file_id], vectors.dimension).get(file_id)
        if centre is None:
            raise LookupError(f"no meaning indexed for {path} yet (empty, failed or pending)")
        if about or avoid:
            texts = (about, self._embed_text(about), self._embed_text(avoid))
            return steered_similar(self.catalog, vectors, target, centre, texts, limit, weights)
        # The file itself is the best match: judge the others by the absolute floor only.
        fusion = replace(FusionWeights(), similarity_window=2.0)
        searcher = Searcher(self.catalog, vectors, lambda _q: centre, fusion)
        try:
            hits = searcher.search("similar", limit + 1, legs="meaning")
        finally:
            searcher.close()  # its helper thread, now rather than when collected
        return [h for h in hits if h.path != target][:limit]

    def _embed_text(self, text: str | None) -> np.ndarray | None:
        """``text`` embedded as a query (None for no text), on the calling thread."""
        if not text or not text.strip():
            return None
        generation = self.generation
        return self.models.embed_query(text, generation.model_in_use(), generation.settings.threads)

    def file_map(self) -> FileMap | None:
        """The saved map of the files (finder.explore), or None if none is made yet."""
        return load_map(self.paths.file_map)

    def passage(self, chunk_id: int, context: int = 2) -> Passage | None:
        """The text around a matched chunk (its page, for PDFs) for a preview pane."""
        found = self.catalog.chunks_around(chunk_id, context)
        return None if found is None else join_chunks(found.path, found.chunks, chunk_id)

    def _get_searcher(self) -> Searcher:
        if self._searcher is None:
            generation = self.generation
            vectors = generation.vector_index() if generation.has_meaning() else None
            # Read here: the searcher embeds on its helper thread, which must not touch
            # this reader's SQLite connection.
            model, threads = generation.model_in_use(), generation.settings.threads
            models = self.models
            self._searcher = Searcher(
                self.catalog, vectors, lambda text: models.embed_query(text, model, threads)
            )
            self._searcher.topic_members = TopicMembers(generation.paths.file_map)
        return self._searcher

    def prepare_meaning(self) -> None:
        """Load the query model now (slow the first time) rather than at the first search."""
        generation = self.generation
        if generation.manifest() is not None:
            model, threads = generation.model_in_use(), generation.settings.threads
            self.models.embed_query("warm up", model, threads)

    def status(self, failures: int = 1000) -> Status:
        return generation_status(self.generation, failures)


def _open_generation(base: DataPaths) -> Generation:
    """The generation in force, read-only; again if the writer swapped meanwhile."""
    while True:
        name = current_generation(base.root)
        try:
            return Generation(replace(base, generation=name), _read_only(base, name))
        except CatalogError:
            if current_generation(base.root) == name:
                raise
            # the writer swapped generations (and removed this one) meanwhile: again


def _read_only(base: DataPaths, name: str) -> Catalog:
    path = replace(base, generation=name).catalog
    sign = damage_sign(path)  # noted by another reader, truncated
    if sign:
        raise CatalogDamagedError(path, sign)
    return Catalog(path, readonly=True)
