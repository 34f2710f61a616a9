"""``finder topics`` and the ``topic:N`` filter over the real themed index."""

from __future__ import annotations

import json
from pathlib import Path

import pytest

from finder.engine import IndexReader
from finder.query import QueryError
from tests.conftest import run_finder


def test_topics_cli_makes_the_map_and_lists_every_file(
    themed: tuple[Path, dict[str, str]],
) -> None:
    """With no map yet, `finder topics --json` makes and saves one; topics cover all files."""
    data, themes = themed
    done = run_finder(data, "topics", "--json")
    assert done.returncode == 0, done.stderr
    topics = json.loads(done.stdout)
    assert (data / "map.npz").exists()
    assert sorted(p for t in topics for p in t["files"]) == sorted(themes)
    assert all(t["size"] == len(t["files"]) and t["words"] for t in topics)
    bees = [t for t in topics if {themes[p] for p in t["files"]} == {"bees"}]
    assert bees and {"hive", "bees", "honey", "queen", "beekeeper"} & set(bees[0]["words"])
    text = run_finder(data, "topics", "--files", "1")
    assert text.returncode == 0 and f"({bees[0]['size']} files)" in text.stdout


def test_topic_filter_keeps_only_that_topics_files(
    themed: tuple[Path, dict[str, str]], cache_dir: Path
) -> None:
    """`topic:N` returns only files the saved map puts in topic N, with or without words."""
    data, themes = themed
    assert run_finder(data, "topics").returncode == 0  # the map exists
    with IndexReader.open(data, cache_dir=cache_dir) as reader:
        file_map = reader.file_map()
        assert file_map is not None
        bread = file_map.topic[file_map.paths.index(next(p for p in themes if "bread-0" in p))]
        members = {p for p, t in zip(file_map.paths, file_map.topic, strict=True) if t == bread}
        hits = reader.search(f"topic:{bread} oven", 50)
        assert hits and {h.path for h in hits} <= members
        assert {h.path for h in reader.search(f"topic:{bread}", 50)} == members
        assert reader.search("topic:99 oven", 50) == []
        with pytest.raises(QueryError):
            reader.search("topic:bread", 5)
