"""Keeping the map level: a new file is placed beside its twin, a deleted one leaves."""

from __future__ import annotations

from collections.abc import Callable
from pathlib import Path

import numpy as np

from finder.engine import IndexWriter
from finder.explore.map_file import load_map
from finder.service.map_keeper import MapKeeper
from tests.conftest import write
from tests.explore.corpus import THEMES, theme_text, write_corpus


def test_a_new_file_lands_beside_its_twin(
    open_engine: Callable[..., IndexWriter], tmp_path: Path
) -> None:
    """Placed without a new layout, a near copy of a file sits by it, in its topic."""
    write_corpus(tmp_path / "files")
    engine = open_engine()
    engine.add_roots([tmp_path / "files"])
    engine.index()
    keeper = MapKeeper(engine.paths.root)
    keeper.keep_level()  # the first full layout
    before = load_map(engine.paths.file_map)
    assert before is not None and before.laid_out == 30
    original = str(tmp_path / "files/bread/bread-2.txt")
    twin = write(tmp_path / "files/bread/bread-2 copy.txt", theme_text(THEMES["bread"], 2) + " ")
    gone = tmp_path / "files/cars/cars-0.txt"
    gone.unlink()
    engine.update([str(twin), str(gone)])
    keeper.keep_level()
    after = load_map(engine.paths.file_map)
    assert after is not None
    assert str(gone) not in after.paths and len(after) == 30
    assert after.laid_out == 30 and after.changed == 2  # placed, not laid out again
    i, j = after.paths.index(str(twin)), after.paths.index(original)
    assert np.linalg.norm(after.xy[i] - after.xy[j]) < 0.03
    assert after.topic[i] == after.topic[j]
    assert np.array_equal(after.xy[:-1], before.xy[np.isin(before.paths, after.paths[:-1])])
    assert sum(t.size for t in after.topics) == len(after)


def test_much_change_lays_the_map_out_again(
    open_engine: Callable[..., IndexWriter], tmp_path: Path
) -> None:
    """Past the share of files changed since the last layout, the map is made afresh."""
    files = write_corpus(tmp_path / "files")
    engine = open_engine()
    engine.add_roots([tmp_path / "files"])
    engine.index()
    keeper = MapKeeper(engine.paths.root, relayout_share=0.2, min_relayout_s=0)
    keeper.keep_level()
    for path in list(files)[:8]:  # 8 of 30 > 20 %
        Path(path).unlink()
    engine.update(list(files)[:8])
    keeper.keep_level()
    after = load_map(engine.paths.file_map)
    assert after is not None and after.laid_out == 22 and after.changed == 0
