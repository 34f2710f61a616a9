"""A new model's index, built in the next generation folder while the current one answers.

A model change builds a whole new index (new chunks, new vectors) beside the one in
force, which keeps answering (and keeps being updated) until the new one is complete;
then the pointer file names it and the old folder is removed
(:mod:`finder.store.generations`). Stopped, the new generation keeps what it committed
and the next build goes on from there, also after a restart or a crash.

Thread: the writer's.
"""

from __future__ import annotations

from dataclasses import replace

from finder.domain import IndexReport, Progress
from finder.embed.loader import ensure_query_export
from finder.engine.generation import Generation
from finder.engine.models import Models
from finder.engine.pipelines import Pipelines
from finder.indexing.pipeline import ProgressCallback, StopCheck
from finder.settings import IndexSettings
from finder.store.catalog import Catalog
from finder.store.generations import (
    make_current,
    next_generation,
    other_generations,
    remove_generation,
)
from finder.store.manifest import read_manifest


class NextGeneration:
    """The generation a writer builds for its settings' new model, opened on demand."""

    def __init__(self, models: Models, pipelines: Pipelines) -> None:
        self._models = models
        self._pipelines = pipelines
        self._building: Generation | None = None

    def build(
        self, current: Generation, progress: ProgressCallback | None, stop: StopCheck
    ) -> tuple[IndexReport, Generation | None]:
        """Index every root of ``current`` into the next generation; swap it in when
        complete. Returns what the run did and the generation now in force if it
        swapped (``current`` is closed then). Changes made to files during the build
        are found by the writer's next reconcile."""
        building = self._open(current)
        stopped = False

        def latched() -> bool:  # a stop seen once means the run did not finish
            nonlocal stopped
            stopped = stopped or stop()
            return stopped

        model = building.settings.model

        def tagged(p: Progress) -> None:  # progress of the new index says so
            if progress is not None:
                progress(replace(p, new_model=model))

        report = self._pipelines.of(building).run(tagged, stop=latched)
        if stopped:
            return report, None
        ensure_query_export(building.model_in_use(), building.paths.model_cache)
        self._swap(current)
        return report, building

    def _open(self, current: Generation) -> Generation:
        """The generation being built, opened or created, following ``current``'s
        settings and roots (which may change while it is built)."""
        settings = current.settings
        if self._building is None:
            paths = replace(current.paths, generation=next_generation(current.name))
            manifest = read_manifest(paths.manifest)
            if manifest is not None and manifest.model != settings.model:
                remove_generation(paths.root, paths.generation)  # another model's: restart
            paths.ensure()
            catalog = Catalog(paths.catalog)
            self._building = Generation(paths, catalog, self._models.index_embedder)
        building = self._building
        if building.settings != settings:
            building.catalog.set_meta("settings", settings.to_json())
            self._pipelines.forget(building)  # built again with the new rules
        wanted, built = set(current.catalog.roots()), set(building.catalog.roots())
        for root in wanted - built:
            building.catalog.add_root(root)
        for root in built - wanted:
            building.catalog.remove_root(root)
        return building

    def _swap(self, old: Generation) -> None:
        """Make the finished generation the one in force (its vectors saved before the
        pointer names them), drop the old one's parts, remove its folder."""
        building = self._building
        assert building is not None
        building.save()
        make_current(building.paths.root, building.name)
        self._pipelines.forget(old)
        old.forget_vectors()  # not saved: the folder goes
        old.catalog.close()
        self._building = None
        self._models.keep_only(building.model_in_use())
        remove_generation(old.paths.root, old.name)

    def follow_settings(self, settings: IndexSettings) -> None:
        """Drop a generation built for a model ``settings`` no longer name."""
        building = self._building
        if building is not None and building.settings.model != settings.model:
            self.close()
            remove_generation(building.paths.root, building.name)

    def remove_stale(self, current: Generation) -> None:
        """Older generations left by a swap that could not remove them; newer ones that
        are not the one a pending rebuild goes on with."""
        older, newer = other_generations(current.paths.root, current.name)
        keep = next_generation(current.name) if current.rebuild_pending() else None
        for name in older + newer:
            if name != keep:
                remove_generation(current.paths.root, name)

    def close(self) -> None:
        """Save and close the generation being built, if open; it goes on next time."""
        if self._building is not None:
            building, self._building = self._building, None
            self._pipelines.forget(building)
            building.close()
