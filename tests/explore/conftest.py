"""A data dir with the map corpus indexed by the real model, built once per module."""

from __future__ import annotations

from collections.abc import Iterator
from pathlib import Path

import pytest

from finder.embed import Embedder
from finder.engine import IndexReader, IndexWriter
from tests.explore.corpus import write_corpus


@pytest.fixture(scope="module")
def themed(
    tmp_path_factory: pytest.TempPathFactory, embedder: Embedder, cache_dir: Path
) -> tuple[Path, dict[str, str]]:
    """(data dir, path -> theme) of the five-theme corpus, indexed and closed."""
    base = tmp_path_factory.mktemp("themed")
    themes = write_corpus(base / "files")
    engine = IndexWriter.open(base / "data", cache_dir=cache_dir, embedder=embedder)
    try:
        engine.add_roots([base / "files"])
        engine.index()
    finally:
        engine.close()
    return base / "data", themes


@pytest.fixture
def reader(themed: tuple[Path, dict[str, str]], cache_dir: Path) -> Iterator[IndexReader]:
    """A reader on the themed index, closed after the test."""
    with IndexReader.open(themed[0], cache_dir=cache_dir) as opened:
        yield opened
