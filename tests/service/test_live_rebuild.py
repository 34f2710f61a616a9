"""A model change under the running service: built beside the old index, then swapped."""

from __future__ import annotations

import threading
from dataclasses import replace
from pathlib import Path

from finder.domain import Progress
from finder.embed import DEFAULT_MODEL
from finder.engine import IndexReader
from finder.service.state import ServiceOptions
from finder.store.generations import current_generation
from tests.conftest import write
from tests.service.conftest import FAST


def test_events_reach_the_old_index_while_the_new_one_is_built(
    start_service, root: Path, other_model: str, cache_dir: Path
) -> None:
    """Mid-build the old index answers and takes events first; then the new one is swapped
    in with every file, and a reader opened before follows it."""
    paused_once = threading.Event()
    seen: list[Progress] = []

    def pause_when_embedding(p: Progress) -> None:
        seen.append(p)
        if p.new_model and p.phase == "embedding" and not paused_once.is_set():
            paused_once.set()
            running.service.pause()

    options = replace(FAST, quiet_s=0.0, rebuild_slice_s=0.0)
    running = start_service([root], options, on_progress=pause_when_embedding)
    service = running.service
    reader = IndexReader.open(running.data, cache_dir=cache_dir)
    service.change_settings(replace(service.state().settings, model=other_model))
    running.wait_for_batch("rebuild")  # the slice the pause ended
    assert service.state().phase == "paused" and (running.data / "index-1").is_dir()
    status = reader.status()
    assert status.model == DEFAULT_MODEL and status.model_pending == other_model
    assert reader.search("who fixed the heating", 1)[0].path.endswith("boiler.txt")

    arrived = threading.Event()
    wake = service.coalescer.on_first
    service.coalescer.on_first = lambda: (wake(), arrived.set())
    saved = write(root / "garden/roses.txt", "Prune the rose bushes in early spring.")
    assert arrived.wait(10)
    service.resume()
    swap = running.wait_for_batch("swap")
    before_swap = running.batches[: running.batches.index(swap)]
    assert any(b.kind == "events" and str(saved) in b.paths for b in before_swap)
    assert swap.report.chunks_embedded > 0
    running.wait_for_batch("reconcile")  # after the swap: changes made during the build

    assert current_generation(running.data) == "index-1"
    assert not (running.data / "catalog.sqlite3").exists()
    reader.refresh()
    assert reader.status().model == other_model and reader.status().model_pending is None
    assert reader.search("trimming flowering shrubs", 1)[0].path == str(saved)
    assert service.state().settings.model == other_model
    assert any(p.new_model == other_model for p in seen)
    reader.close()


def test_a_model_that_cannot_load_leaves_the_index_answering(
    start_service, root: Path, tmp_path: Path, cache_dir: Path
) -> None:
    """A folder that is not a usable model: logged, not retried, the old index stays."""
    broken = tmp_path / "broken-model"
    write(broken / "config.json", "{}")
    running = start_service([root], ServiceOptions(quiet_s=0.2, nice=0))
    running.service.change_settings(replace(running.service.state().settings, model=str(broken)))
    running.wait_for_batch("reconcile")
    running.barrier(root)
    assert running.service.error is None and running.service.state().phase != "stopped"
    with IndexReader.open(running.data, cache_dir=cache_dir) as reader:
        assert reader.status().model == DEFAULT_MODEL
        assert reader.search("who fixed the heating", 1)[0].path.endswith("boiler.txt")
