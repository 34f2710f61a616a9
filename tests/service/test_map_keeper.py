"""The live service keeps the files' map: made after the first batch, new files placed."""

from __future__ import annotations

import time
from collections.abc import Callable
from pathlib import Path

from finder.explore.file_map import FileMap
from finder.explore.map_file import load_map
from tests.conftest import write
from tests.explore.corpus import write_corpus
from tests.service.conftest import Running


def _wait_for_map(running: Running, holds: Callable[[FileMap], bool]) -> FileMap:
    """The saved map once ``holds`` is true of it, checked after each keeper round."""
    keeper = running.service.map_keeper
    deadline = time.monotonic() + 60
    with keeper.round_done:
        while True:
            found = load_map(running.data / "map.npz")
            if found is not None and holds(found):
                return found
            left = deadline - time.monotonic()
            assert left > 0, "the map did not come"
            keeper.round_done.wait(left)


def test_service_makes_the_map_and_places_a_new_file(
    start_service: Callable[..., Running], tmp_path: Path
) -> None:
    """After the first reconcile the map appears; a file written later is placed on it."""
    themes = write_corpus(tmp_path / "files")
    running = start_service([tmp_path / "files"])
    first = _wait_for_map(running, lambda m: len(m) == len(themes))
    assert first.laid_out == len(themes)
    new = write(tmp_path / "files/bees/swarm.txt", "A swarm of bees left the hive for a tree.")
    placed = _wait_for_map(running, lambda m: str(new) in m.paths)
    assert placed.laid_out == len(themes) and placed.changed == 1
