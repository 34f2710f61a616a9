"""A model change: the index is built again beside the old one, which answers until the swap."""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import replace
from pathlib import Path

import pytest

from finder.domain import Progress
from finder.embed import DEFAULT_MODEL
from finder.engine import IndexReader, IndexWriter
from finder.store.generations import current_generation
from finder.store.manifest import read_manifest
from tests.conftest import write
from tests.engine.test_engine import CORPUS, PARAPHRASES, top

FELINE = "looking after a young feline pet"


@pytest.fixture
def indexed(open_engine: Callable[..., IndexWriter], tmp_path: Path) -> IndexWriter:
    """An index of the engine tests' corpus, made with the default model."""
    for rel, text in CORPUS.items():
        write(tmp_path / "files" / rel, text)
    engine = open_engine()
    engine.add_roots([tmp_path / "files"])
    engine.index()
    return engine


class StopAtEmbedding:
    """A stop check that says stop once the run starts embedding (files all read)."""

    def __init__(self) -> None:
        self.embedding = False

    def progress(self, p: Progress) -> None:
        self.embedding |= p.phase == "embedding"

    def __call__(self) -> bool:
        return self.embedding


def start_rebuild(engine: IndexWriter, model: str) -> None:
    """Ask for ``model`` and run the rebuild until its files are read, not embedded."""
    engine.update_settings(replace(engine.settings, model=model))
    stop = StopAtEmbedding()
    _report, swapped = engine.rebuild(stop.progress, stop=stop)
    assert not swapped


def test_the_old_index_answers_until_the_new_one_is_swapped_in(
    indexed: IndexWriter, other_model: str, cache_dir: Path
) -> None:
    """During the build readers get the old model's full answers; after it, the new one's."""
    chunks = indexed.status().chunks
    start_rebuild(indexed, other_model)
    reader = IndexReader.open(indexed.paths.root, cache_dir=cache_dir)
    assert top(reader, FELINE) == "kitten.md"
    status = reader.status()
    assert status.model == DEFAULT_MODEL and status.model_pending == other_model
    assert status.vectors == indexed.status().vectors  # nothing of the old index lost

    report = indexed.index()
    assert report.chunks_embedded == chunks and report.added == 0  # files were read before
    assert current_generation(indexed.paths.root) == "index-1"
    manifest = read_manifest(indexed.paths.manifest)
    assert manifest is not None and manifest.model == other_model
    assert not (indexed.paths.root / "catalog.sqlite3").exists()  # the old one is gone
    reader.refresh()
    assert reader.paths.generation == "index-1" and reader.status().model == other_model
    for query, expected in PARAPHRASES.items():
        assert top(reader, query) == expected
        assert top(indexed, query) == expected
    reader.close()


def test_a_rebuild_goes_on_after_a_restart(
    open_engine: Callable[..., IndexWriter], indexed: IndexWriter, other_model: str
) -> None:
    """Closed mid-build, the next writer keeps the new generation and finishes it."""
    start_rebuild(indexed, other_model)
    data_dir = indexed.paths.root
    indexed.close()
    reopened = open_engine(data_dir)
    assert (data_dir / "index-1").is_dir() and reopened.rebuild_pending() == other_model
    report = reopened.index()
    assert report.added == 0 and report.chunks_embedded > 0
    assert reopened.status().model == other_model and reopened.rebuild_pending() is None
    assert top(reopened, FELINE) == "kitten.md"


def test_going_back_to_the_old_model_drops_the_half_built_index(
    indexed: IndexWriter, other_model: str
) -> None:
    """Changing the model back mid-build removes the new generation; nothing is embedded."""
    start_rebuild(indexed, other_model)
    indexed.update_settings(replace(indexed.settings, model=DEFAULT_MODEL))
    assert not (indexed.paths.root / "index-1").exists()
    report = indexed.index()
    assert report.chunks_embedded == 0 and current_generation(indexed.paths.root) == ""


def test_folders_added_during_a_build_reach_the_new_index(
    indexed: IndexWriter, other_model: str, tmp_path: Path
) -> None:
    """Roots and settings changed while the new index is built are followed by it."""
    start_rebuild(indexed, other_model)
    extra = tmp_path / "extra"
    (extra / "garden").mkdir(parents=True)
    (extra / "garden/roses.txt").write_text("Prune the rose bushes in early spring.")
    indexed.add_roots([extra])
    indexed.index()
    assert indexed.roots() == sorted([str(tmp_path / "files"), str(extra)])
    assert top(indexed, "trimming flowering shrubs") == "roses.txt"
    assert indexed.status().files_indexed == len(CORPUS) + 1


def test_a_second_model_change_removes_the_previous_generation(
    indexed: IndexWriter, other_model: str
) -> None:
    """Each swap leaves one generation on disk: the one in force."""
    indexed.update_settings(replace(indexed.settings, model=other_model))
    indexed.index()
    indexed.update_settings(replace(indexed.settings, model=DEFAULT_MODEL))
    indexed.index()
    root = indexed.paths.root
    assert current_generation(root) == "index-2" and not (root / "index-1").exists()
    assert top(indexed, FELINE) == "kitten.md"
