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
from typing import TYPE_CHECKING

from finder.domain import IndexReport, Progress
from finder.embed.loader import ensure_query_export
from finder.engine.generation import Generation
from finder.indexing.pipeline import ProgressCallback, StopCheck
from finder.store.catalog import Catalog
from finder.store.generations import (
    make_current,
    next_generation,
    other_generations,
    remove_generation,
)
from finder.store.manifest import read_manifest

if TYPE_CHECKING:
    from finder.engine.writer import IndexWriter


class NextGeneration:
    """The generation a writer builds for its settings' new model, opened on demand."""

    def __init__(self, writer: IndexWriter) -> None:
        self._writer = writer
        self._building: Generation | None = None

    def build(self, progress: ProgressCallback | None, stop: StopCheck) -> tuple[IndexReport, bool]:
        """Index every root into the next generation; swap it in when complete. Returns
        what the run did and whether it swapped. Changes made to files during the build
        are found by the writer's next reconcile."""
        building = self._open()
        stopped = False

        def latched() -> bool:  # a stop seen once means the run did not finish
            nonlocal stopped
            stopped = stopped or stop()
            return stopped

        model = building.settings.model

        def tagged(p: Progress) -> None:  # progress of the new index says so
            if progress is not None:
                progress(replace(p, new_model=model))

        report = self._writer.pipeline(building).run(tagged, stop=latched)
        if stopped:
            return report, False
        ensure_query_export(building.model_in_use(), building.paths.model_cache)
        self._swap()
        return report, True

    def _open(self) -> Generation:
        """The generation being built, opened or created, following the current one's
        settings and roots (which may change while it is built)."""
        writer = self._writer
        if self._building is None:
            current = writer.current.paths
            paths = replace(current, generation=next_generation(current.generation))
            manifest = read_manifest(paths.manifest)
            if manifest is not None and manifest.model != writer.settings.model:
                remove_generation(paths.root, paths.generation)  # another model's: restart
            paths.ensure()
            self._building = Generation(paths, Catalog(paths.catalog), writer.models.index_embedder)
        building = self._building
        if building.settings != writer.settings:
            building.catalog.set_meta("settings", writer.settings.to_json())
            writer.forget_pipeline(building)  # built again with the new rules
        wanted, built = set(writer.roots()), set(building.catalog.roots())
        for root in wanted - built:
            building.catalog.add_root(root)
        for root in built - wanted:
            building.catalog.remove_root(root)
        return building

    def _swap(self) -> None:
        """Make the finished generation the one in force (its vectors saved before the
        pointer names them), drop the old one's parts, remove its folder."""
        writer, building = self._writer, self._building
        assert building is not None
        building.save()
        make_current(building.paths.root, building.name)
        old = writer.current
        writer.forget_pipeline(old)
        old.forget_vectors()  # not saved: the folder goes
        old.catalog.close()
        writer.current, self._building = building, None
        writer.models.keep_only(building.model_in_use())
        remove_generation(old.paths.root, old.name)

    def follow_settings(self) -> None:
        """Drop a generation built for a model the settings no longer name."""
        building = self._building
        if building is not None and building.settings.model != self._writer.settings.model:
            self.close()
            remove_generation(building.paths.root, building.name)

    def remove_stale(self) -> None:
        """Older generations left by a swap that could not remove them; newer ones that
        are not the one a pending rebuild goes on with."""
        current = self._writer.current
        older, newer = other_generations(current.paths.root, current.name)
        keep = next_generation(current.name) if current.rebuild_pending() else None
        for name in older + newer:
            if name != keep:
                remove_generation(current.paths.root, name)

    def close(self) -> None:
        """Save and close the generation being built, if open; it goes on next time."""
        if self._building is not None:
            building, self._building = self._building, None
            self._writer.forget_pipeline(building)
            building.close()
