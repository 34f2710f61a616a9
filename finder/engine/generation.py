"""One index folder: its catalog, its vector index and its manifest.

A data dir holds one generation in force (named by the pointer file, see
:mod:`finder.store.generations`) and, while a new model's index is built, a second one.
A :class:`Generation` opens one of them for the writer or for a reader. It knows nothing
of models beyond what the manifest records: the writer hands it ``index_embedder``, the
one place it can learn a new index's vector dimension from.

Vectors are shared in one process: the writer publishes its loaded vector index
(:mod:`.shared_vectors`), and a reader of the same generation in the same process (the
window's search worker beside its indexing service) uses that one instead of a second
copy. The writer keeps it level with the catalog; a reader's own copy is brought level
at :meth:`sync_vector_index`.

Thread: a generation belongs to the thread that opened it (it holds a SQLite
connection); its vector index may be queried from any thread (it has its own lock).
"""

from __future__ import annotations

from collections.abc import Callable

import numpy as np

from finder.embed import Embedder
from finder.engine import shared_vectors
from finder.paths import DataPaths
from finder.settings import IndexSettings, stored_settings
from finder.store.catalog import Catalog, CatalogError
from finder.store.manifest import (
    Manifest,
    checked_dimension,
    read_manifest,
    record_digest,
    recorded_digest,
    write_manifest,
)
from finder.store.salvage import rebuild_damaged_catalog
from finder.store.vectors import VectorIndex

# The writer's index embedder for a model and a thread count, loaded on first use.
EmbedderFactory = Callable[[str, int], Embedder]


class Generation:
    """One index folder opened for writing (``index_embedder`` given) or for reading."""

    def __init__(
        self, paths: DataPaths, catalog: Catalog, index_embedder: EmbedderFactory | None = None
    ) -> None:
        self.paths = paths
        self.catalog = catalog
        self.writable = index_embedder is not None
        self._index_embedder = index_embedder
        self._vectors: VectorIndex | None = None
        self._vectors_are_the_writers = False  # a reader's, taken from the writer

    @property
    def name(self) -> str:
        return self.paths.generation

    @property
    def settings(self) -> IndexSettings:
        return stored_settings(self.catalog.get_meta("settings"), str(self.paths.catalog))

    def manifest(self) -> Manifest | None:
        return read_manifest(self.paths.manifest)

    def model_in_use(self) -> str:
        """The model this index's vectors are made with, which queries must use too (the
        settings' model until the first run records it)."""
        manifest = self.manifest()
        return manifest.model if manifest is not None else self.settings.model

    def rebuild_pending(self) -> str | None:
        """The model the settings name when this index was made with another one."""
        manifest, wanted = self.manifest(), self.settings.model
        return wanted if manifest is not None and manifest.model != wanted else None

    def has_meaning(self) -> bool:
        """Whether queries can be answered by meaning: a model is recorded, or vectors are
        stored (which still answer without a readable manifest)."""
        return self.manifest() is not None or self.catalog.count_vectors() > 0

    def record_model(self) -> None:
        """At the first run the settings' model becomes this index's for good. Writer."""
        if self.manifest() is None:
            dimension = self._embedder().dimension
            write_manifest(
                self.paths.manifest, Manifest(model=self.settings.model, dimension=dimension)
            )

    # --- vectors ----------------------------------------------------------------------
    def vector_index(self) -> VectorIndex:
        """The vector index, loaded and brought level with the catalog on first use (a
        reader first takes the writer's, when one in this process has it loaded)."""
        if self._vectors is None:
            shared = None if self.writable else shared_vectors.find(self.paths.vector_file)
            self._vectors = shared or self._load_vectors()
            self._vectors_are_the_writers = shared is not None
            if self.writable:
                shared_vectors.publish(self.paths.vector_file, self._vectors)
        return self._vectors

    def vector_index_loaded(self) -> bool:
        return self._vectors is not None

    def sync_vector_index(self) -> None:
        """Bring a loaded vector index level with the catalog's live vector ids (what the
        writer committed since). A reader moves to the writer's index when one appears
        in this process and back to its own when the writer closes."""
        if self._vectors is None:
            return
        if not self.writable:
            shared = shared_vectors.find(self.paths.vector_file)
            if shared is not None:
                self._vectors, self._vectors_are_the_writers = shared, True  # kept level
                return
            if self._vectors_are_the_writers:  # the writer closed: a copy of our own
                self._vectors, self._vectors_are_the_writers = self._load_vectors(), False
                return
        index = self._vectors
        index.sync(self.catalog.live_vector_ids(), self._stored_vectors(index))

    def _load_vectors(self) -> VectorIndex:
        manifest = self.paths.manifest
        dimension = checked_dimension(manifest, self.catalog, repair=self.writable)
        if dimension is None:
            dimension = self._embedder().dimension
        # The writer records each saved file's checksum; every loader verifies it.
        saved = (lambda digest: record_digest(manifest, digest)) if self.writable else None
        index = VectorIndex(
            self.paths.vector_file, dimension, threads=self.settings.threads, on_saved=saved
        )
        index.load_and_sync(
            self.catalog.live_vector_ids(),
            self._stored_vectors(index),
            lambda: recorded_digest(manifest),
        )
        return index

    def _stored_vectors(self, index: VectorIndex) -> Callable[[np.ndarray], tuple]:
        def load(ids: np.ndarray) -> tuple[np.ndarray, np.ndarray]:
            return self.catalog.vectors_by_ids(ids.tolist(), index.dimension)

        return load

    def _embedder(self) -> Embedder:
        if self._index_embedder is None:
            raise CatalogError(f"{self.paths.index_dir} has no vectors yet")
        return self._index_embedder(self.model_in_use(), self.settings.threads)

    # --- saving and closing -----------------------------------------------------------
    def save(self) -> None:
        """Write the vector index file if loaded (the catalog is committed as it goes)."""
        if self._vectors is not None and self.writable:
            self._vectors.save()

    def close(self) -> None:
        """Save (writer), withdraw the shared vectors, close the catalog. A save that
        fails (a full disk) still closes before its error is raised."""
        try:
            self.save()
        finally:
            if self._vectors is not None and self.writable:
                shared_vectors.withdraw(self.paths.vector_file, self._vectors)
            self._vectors = None
            self.catalog.close()

    def rebuild_damaged_catalog(self, problem: str) -> None:
        """Replace a damaged catalog with what can be read of it (see
        :func:`finder.store.salvage.rebuild_damaged_catalog`) and open the new one; the
        loaded vector index is dropped unsaved (it is brought level again on next use).
        Writer."""
        self.forget_vectors()
        self.catalog.close()
        rebuild_damaged_catalog(self.paths, problem)
        self.catalog = Catalog(self.paths.catalog)

    def forget_vectors(self) -> None:
        """Drop the loaded vector index without saving (the generation is removed, or its
        catalog rebuilt)."""
        if self._vectors is not None and self.writable:
            shared_vectors.withdraw(self.paths.vector_file, self._vectors)
        self._vectors = None
