"""The generation pointer: which folder holds the index in force, and what else is on disk."""

from __future__ import annotations

import logging
from pathlib import Path

import pytest

from finder.store.generations import (
    current_generation,
    make_current,
    next_generation,
    other_generations,
    remove_generation,
)
from finder.store.manifest import Manifest, write_manifest


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


def make_index(folder: Path) -> None:
    """The files that make a generation hold a complete index: a manifest and a catalog."""
    folder.mkdir(parents=True, exist_ok=True)
    write_manifest(folder / "manifest.json", Manifest(model="m", dimension=4))
    (folder / "catalog.sqlite3").write_bytes(b"")


@pytest.mark.parametrize("garbage", [b"\xff\xfeindex-\x80\n", b"index-9\n", b"", b"\x00" * 64])
def test_a_garbled_pointer_picks_the_oldest_complete_generation(
    tmp_path: Path, garbage: bytes, caplog: pytest.LogCaptureFixture
) -> None:
    """Non-UTF-8 bytes, or a name with no index behind it: the oldest complete generation
    is used (a swap whose old generation survived, or a rebuild not yet swapped in), one
    warning says so, and the writer's call rewrites the pointer."""
    make_index(tmp_path / "index-2")
    make_index(tmp_path / "index-3")
    (tmp_path / "index-4").mkdir()  # a rebuild that had not recorded its model yet
    (tmp_path / "current").write_bytes(garbage)
    with caplog.at_level(logging.WARNING):
        assert current_generation(tmp_path) == "index-2"
    assert "the oldest complete index" in caplog.text
    assert (tmp_path / "current").read_bytes() == garbage  # readers never write
    assert current_generation(tmp_path, repair=True) == "index-2"
    assert (tmp_path / "current").read_text(encoding="utf-8") == "index-2\n"


def test_the_data_dir_itself_counts_as_the_oldest_generation(tmp_path: Path) -> None:
    """A garbled pointer beside an index in the data dir itself and a newer one: the data
    dir's is used, and repairing removes the pointer (its normal state for "")."""
    make_index(tmp_path)
    make_index(tmp_path / "index-1")
    (tmp_path / "current").write_bytes(b"\x80\x81")
    assert current_generation(tmp_path, repair=True) == ""
    assert not (tmp_path / "current").exists()


def test_a_lost_pointer_finds_the_generation_in_force(tmp_path: Path) -> None:
    """No pointer and no index in the data dir, but a complete index-N: that one is used."""
    make_index(tmp_path / "index-5")
    assert current_generation(tmp_path) == "index-5"
