"""The generation pointer: which folder holds the index in force, and what else is on disk."""

from __future__ import annotations

from pathlib import Path

from finder.store.generations import (
    current_generation,
    make_current,
    next_generation,
    other_generations,
    remove_generation,
)


def test_a_data_dir_without_a_pointer_holds_its_index_itself(tmp_path: Path) -> None:
    """No pointer (every data dir at first) means generation "", followed by index-1."""
    assert current_generation(tmp_path) == ""
    assert next_generation("") == "index-1" and next_generation("index-9") == "index-10"


def test_the_pointer_is_replaced_whole(tmp_path: Path) -> None:
    """make_current leaves exactly the new name and no temp file behind."""
    make_current(tmp_path, "index-1")
    make_current(tmp_path, "index-2")
    assert current_generation(tmp_path) == "index-2"
    assert sorted(p.name for p in tmp_path.iterdir()) == ["current"]


def test_a_damaged_pointer_falls_back_to_the_data_dir(tmp_path: Path) -> None:
    """A pointer naming anything but index-N is ignored rather than followed."""
    (tmp_path / "current").write_text("../../etc\n")
    assert current_generation(tmp_path) == ""


def test_other_generations_are_sorted_into_older_and_newer(tmp_path: Path) -> None:
    """Files in the data dir and index-N folders either side of the current one."""
    (tmp_path / "catalog.sqlite3").write_bytes(b"")
    for name in ("index-1", "index-2", "index-3", "not-an-index"):
        (tmp_path / name).mkdir()
    assert other_generations(tmp_path, "index-2") == (["", "index-1"], ["index-3"])


def test_removing_the_data_dir_generation_keeps_everything_else(tmp_path: Path) -> None:
    """Generation "" is the index files only: the lock, the pointer and folders stay."""
    for name in ("catalog.sqlite3", "catalog.sqlite3-wal", "vectors.hnsw", "manifest.json"):
        (tmp_path / name).write_bytes(b"x")
    (tmp_path / "writer.lock").write_bytes(b"")
    (tmp_path / "index-1").mkdir()
    remove_generation(tmp_path, "")
    assert sorted(p.name for p in tmp_path.iterdir()) == ["index-1", "writer.lock"]
    remove_generation(tmp_path, "index-1")
    assert sorted(p.name for p in tmp_path.iterdir()) == ["writer.lock"]
