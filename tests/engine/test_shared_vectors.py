"""One vector index a process: a reader beside a writer in the same process uses the
writer's loaded index, follows it as it changes, and loads its own when the writer closes."""

from __future__ import annotations

from collections.abc import Callable
from pathlib import Path

from finder.engine import IndexReader, IndexWriter, shared_vectors
from tests.conftest import write


def test_a_reader_in_the_writers_process_shares_its_vector_index(
    open_engine: Callable[..., IndexWriter], root: Path, tmp_path: Path, cache_dir: Path
) -> None:
    """The reader's index is the writer's object, not a second copy."""
    writer = open_engine()
    writer.add_roots([root])
    writer.index()
    with IndexReader.open(tmp_path / "data", cache_dir=cache_dir) as reader:
        assert reader.generation.vector_index() is writer.current.vector_index()
        assert reader.search("who fixed the boiler", 1)[0].path.endswith("boiler.txt")


def test_a_shared_index_shows_new_files_without_a_sync_and_a_closed_writer_leaves_a_copy(
    open_engine: Callable[..., IndexWriter], root: Path, tmp_path: Path, cache_dir: Path
) -> None:
    """What the writer adds is found at once; after the writer closes, the reader's
    next refresh loads its own index from the files and still answers."""
    writer = open_engine()
    writer.add_roots([root])
    writer.index()
    with IndexReader.open(tmp_path / "data", cache_dir=cache_dir) as reader:
        shared = reader.generation.vector_index()
        before = len(shared)
        write(root / "garden/roses.txt", "Prune the roses in early spring, above an outward bud.")
        writer.index()
        assert len(shared) > before  # the same object: nothing to bring level
        writer.close()
        assert shared_vectors.find(reader.paths.vector_file) is None
        reader.refresh()
        own = reader.generation.vector_index()
        assert own is not shared and len(own) == len(shared)
        assert reader.search("when to cut back rose bushes", 1)[0].path.endswith("roses.txt")


def test_a_reader_opened_before_the_writer_loads_moves_to_the_writers_index(
    open_engine: Callable[..., IndexWriter], root: Path, tmp_path: Path, cache_dir: Path
) -> None:
    """A reader that loaded its own copy first drops it for the writer's at refresh."""
    data = tmp_path / "data"
    first = open_engine(data)
    first.add_roots([root])
    first.index()
    first.close()
    with IndexReader.open(data, cache_dir=cache_dir) as reader:
        own = reader.generation.vector_index()
        writer = open_engine(data)
        published = writer.current.vector_index()
        reader.refresh()
        assert reader.generation.vector_index() is published is not own
