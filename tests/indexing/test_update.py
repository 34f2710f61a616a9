"""Targeted updates (a watcher's batch): paths and moves brought level with the disk."""

from __future__ import annotations

import os
from collections.abc import Callable
from pathlib import Path

import pytest

from finder.engine import IndexWriter
from tests.conftest import write


@pytest.fixture
def root(tmp_path: Path) -> Path:
    root = tmp_path / "files"
    write(root / "notes/boiler.txt", "The plumber replaced the boiler in the cellar last winter.")
    write(root / "notes/bread.md", "Knead the dough, let it rise overnight, bake at 220 C.")
    write(root / "trips/alps.txt", "A trail climbs through pine forest to a mountain hut.")
    return root


@pytest.fixture
def engine(open_engine: Callable[..., IndexWriter], root: Path) -> IndexWriter:
    engine = open_engine()
    engine.add_roots([root])
    engine.index()
    return engine


def paths(engine: IndexWriter) -> set[str]:
    return set(engine.catalog.file_states())


def vector_ids(engine: IndexWriter, path: Path) -> list[int]:
    file_id = engine.catalog.file_id(str(path))
    assert file_id is not None
    return engine.catalog.file_vector_ids(file_id)


def test_a_new_file_is_found_after_an_update_of_its_path(engine: IndexWriter, root: Path) -> None:
    """Updating a new file's path extracts and embeds it: findable by meaning."""
    new = write(root / "notes/cat.txt", "Feed the kitten twice a day and take it to the vet.")
    report = engine.update([str(new)])
    assert (report.added, report.chunks_embedded) == (1, 1)
    assert engine.reader().search("looking after a young feline", 1)[0].path == str(new)


def test_an_edited_file_is_updated_and_a_deleted_one_removed(
    engine: IndexWriter, root: Path
) -> None:
    """An edit replaces the file's chunks; a deletion drops the file and its orphan vector."""
    edited = write(root / "notes/bread.md", "Sourdough needs a starter fed with flour and water.")
    gone = root / "trips/alps.txt"
    gone.unlink()
    vectors_before = engine.catalog.count_vectors()
    report = engine.update([str(edited), str(gone)])
    assert (report.updated, report.removed) == (1, 1)
    assert str(gone) not in paths(engine)
    assert engine.catalog.count_vectors() == vectors_before - 1  # bread's replaced, alps' dropped
    assert engine.reader().search("sourdough starter", 1)[0].path == str(edited)


def test_an_unchanged_path_costs_nothing(engine: IndexWriter, root: Path) -> None:
    """A path whose size and mtime match the catalog is not read again."""
    report = engine.update([str(root / "notes/boiler.txt")])
    assert (report.added, report.updated, report.unchanged) == (0, 0, 1)


def test_a_moved_folder_keeps_its_rows_and_vectors(engine: IndexWriter, root: Path) -> None:
    """A folder move renames catalog rows: nothing is read or embedded again."""
    before = vector_ids(engine, root / "notes/boiler.txt")
    os.rename(root / "notes", root / "archive")
    moved = [(str(root / "notes"), str(root / "archive"))]
    report = engine.update([str(root / "notes"), str(root / "archive")], moved)
    assert (report.renamed, report.added, report.removed, report.chunks_embedded) == (2, 0, 0, 0)
    assert vector_ids(engine, root / "archive/boiler.txt") == before
    assert paths(engine) == {
        str(root / "archive/boiler.txt"),
        str(root / "archive/bread.md"),
        str(root / "trips/alps.txt"),
    }


def test_a_moved_file_keeps_its_row(engine: IndexWriter, root: Path) -> None:
    """A file renamed on disk keeps its id; the name index follows the new name."""
    old, new = root / "trips/alps.txt", root / "trips/mountains.txt"
    file_id = engine.catalog.file_id(str(old))
    os.rename(old, new)
    report = engine.update([str(old), str(new)], [(str(old), str(new))])
    assert report.renamed == 1 and report.added == 0
    assert engine.catalog.file_id(str(new)) == file_id
    assert engine.reader().search("mountains", 1)[0].path == str(new)


def test_a_move_into_a_hidden_folder_removes_the_file(engine: IndexWriter, root: Path) -> None:
    """Moving a file where the scan would not look (a hidden folder) takes it out."""
    old, new = root / "trips/alps.txt", root / ".trash/alps.txt"
    new.parent.mkdir()
    os.rename(old, new)
    engine.update([str(old), str(new)], [(str(old), str(new))])
    assert str(old) not in paths(engine) and str(new) not in paths(engine)


def test_a_move_whose_source_came_back_is_not_a_rename(engine: IndexWriter, root: Path) -> None:
    """If the old path exists again (atomic save), the old row stays and the new is added."""
    old, new = root / "notes/boiler.txt", root / "notes/boiler.bak.txt"
    os.rename(old, new)
    write(old, "The electrician rewired the cellar lights.")
    report = engine.update([str(old), str(new)], [(str(old), str(new))])
    assert report.renamed == 0
    assert {str(old), str(new)} <= paths(engine)


def test_paths_outside_every_root_are_ignored(engine: IndexWriter, tmp_path: Path) -> None:
    """A path under no root is neither added nor anything else."""
    stray = write(tmp_path / "elsewhere/x.txt", "stray")
    report = engine.update([str(stray)])
    assert (report.added, report.removed, report.unchanged) == (0, 0, 0)


def test_an_update_of_the_root_equals_a_full_index(engine: IndexWriter, root: Path) -> None:
    """Updating the root itself reconciles everything under it, like ``index()``."""
    write(root / "new/a.txt", "alpha")
    (root / "trips/alps.txt").unlink()
    report = engine.update([str(root)])
    assert (report.added, report.removed) == (1, 1)
    assert engine.index().added == 0
