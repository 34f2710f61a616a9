"""The map's core on real vectors of real files: layout, topics, the saved map."""

from __future__ import annotations

from pathlib import Path

import numpy as np

from finder.engine import IndexReader
from finder.explore.build import build_map
from finder.explore.file_map import FileMap
from finder.explore.map_file import load_map, save_map


def _map(reader: IndexReader) -> FileMap:
    dimension = reader.catalog.stored_dimension()
    assert dimension is not None
    return build_map(reader.catalog, dimension)[0]


def test_every_file_gets_a_place_in_the_unit_square(
    reader: IndexReader, themed: tuple[Path, dict[str, str]]
) -> None:
    """Each indexed file is mapped once, inside [0, 1]^2, with a topic."""
    file_map = _map(reader)
    assert sorted(file_map.paths) == sorted(themed[1])
    assert file_map.xy.shape == (len(themed[1]), 2)
    assert file_map.xy.min() >= 0 and file_map.xy.max() <= 1
    assert (file_map.topic >= 0).all()
    assert sum(t.size for t in file_map.topics) == len(file_map)


def test_near_files_stay_near(reader: IndexReader, themed: tuple[Path, dict[str, str]]) -> None:
    """Files of one theme sit closer to each other on the map than to other themes'."""
    file_map = _map(reader)
    theme = np.array([themed[1][p] for p in file_map.paths])
    d = np.linalg.norm(file_map.xy[:, None] - file_map.xy[None], axis=2)
    same = theme[:, None] == theme[None]
    np.fill_diagonal(same, False)
    other = theme[:, None] != theme[None]
    assert d[same].mean() * 2 < d[other].mean()
    # and each file's nearest point on the map is mostly one of its own theme
    np.fill_diagonal(d, np.inf)
    assert (theme[d.argmin(axis=1)] == theme).mean() >= 0.9


def test_planted_topic_is_labelled_with_its_own_words(
    reader: IndexReader, themed: tuple[Path, dict[str, str]]
) -> None:
    """The beekeeping files form a topic whose label words are beekeeping words."""
    file_map = _map(reader)
    bees = [i for i, p in enumerate(file_map.paths) if themed[1][p] == "bees"]
    topic = np.bincount(file_map.topic[bees]).argmax()
    assert (file_map.topic[bees] == topic).mean() >= 5 / 6
    words = set(file_map.topics[topic].words[:3])
    assert words & {"hive", "bee", "bees", "queen", "honey", "beekeeper", "colony", "swarm"}, words


def test_saved_map_round_trips_and_the_reader_serves_it(reader: IndexReader) -> None:
    """A saved map loads equal, through IndexReader.file_map() too."""
    assert reader.file_map() is None  # none made yet
    file_map = _map(reader)
    path = reader.paths.file_map
    save_map(path, file_map)
    try:
        loaded = reader.file_map()
        assert loaded is not None
        assert loaded.paths == file_map.paths and loaded.topics == file_map.topics
        assert np.array_equal(loaded.xy, file_map.xy)
        assert np.array_equal(loaded.topic, file_map.topic)
        assert loaded.laid_out == len(file_map)
    finally:
        path.unlink()


def test_garbled_or_missing_map_loads_as_none(reader: IndexReader, tmp_path: Path) -> None:
    """A missing, truncated, garbage or other-version map file is None, never a crash."""
    path = tmp_path / "map.npz"
    assert load_map(path) is None
    save_map(path, _map(reader))
    whole = path.read_bytes()
    path.write_bytes(whole[: len(whole) // 2])
    assert load_map(path) is None
    path.write_bytes(b"\x00garbage" * 100)
    assert load_map(path) is None
    assert b'"version": 1' in whole
    path.write_bytes(whole.replace(b'"version": 1', b'"version": 9'))
    assert load_map(path) is None
