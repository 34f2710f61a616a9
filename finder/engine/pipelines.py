"""The indexing pipeline of each generation a writer has open, built on first use.

A pipeline (:class:`finder.indexing.pipeline.Indexer`) keeps parser processes between
runs, so one is kept per generation: the one in force, and a new model's while it is
built. It is built again when the settings change (new scan rules and limits).

Thread: the writer's.
"""

from __future__ import annotations

from finder.chunking import Chunker
from finder.embed import resolve_model_path
from finder.engine.generation import Generation
from finder.engine.models import Models
from finder.extract import ExtractLimits
from finder.indexing.pipeline import Indexer
from finder.path_rules import ScanRules
from finder.settings import IndexSettings


def scan_rules(settings: IndexSettings, never_enter: tuple[str, ...]) -> ScanRules:
    """What the scanner and the watcher skip: the settings' rules and ``never_enter``
    (finder's own data and cache dirs)."""
    return ScanRules(
        exclude_globs=settings.exclude_globs,
        include_hidden=settings.include_hidden,
        never_enter=never_enter,
    )


class Pipelines:
    """One pipeline per open generation, embedding with ``models``."""

    def __init__(self, models: Models, never_enter: tuple[str, ...]) -> None:
        self._models = models
        self.never_enter = never_enter
        self._by_generation: dict[str, Indexer] = {}

    def of(self, generation: Generation) -> Indexer:
        """The pipeline that indexes ``generation``; records its model at the first run."""
        if generation.name not in self._by_generation:
            settings = generation.settings
            generation.record_model()
            model, threads, models = generation.model_in_use(), settings.threads, self._models
            self._by_generation[generation.name] = Indexer(
                generation.catalog,
                generation.vector_index(),
                Chunker(resolve_model_path(model) / "tokenizer.json"),
                lambda: models.index_embedder(model, threads),
                rules=scan_rules(settings, self.never_enter),
                limits=ExtractLimits(
                    max_file_bytes=settings.max_file_mb * 1024 * 1024,
                    timeout_s=settings.extract_timeout_s,
                    memory_mb=settings.extract_memory_mb,
                ),
                extract_workers=max(1, settings.threads),
            )
        return self._by_generation[generation.name]

    def forget(self, generation: Generation) -> None:
        """Stop and drop ``generation``'s pipeline (its settings changed, or it closes)."""
        pipeline = self._by_generation.pop(generation.name, None)
        if pipeline is not None:
            pipeline.close_workers()

    def close_workers(self) -> None:
        """Stop every pipeline's parser processes (they start again when needed)."""
        for pipeline in self._by_generation.values():
            pipeline.close_workers()
