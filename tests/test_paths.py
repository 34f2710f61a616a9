"""finder's folders are private to the user: 0700 folders, 0600 files, fixed on open."""

from __future__ import annotations

import logging
import os
from collections.abc import Callable
from pathlib import Path

import pytest

from finder.engine import IndexWriter
from finder.paths import DataPaths, is_data_dir_entry, make_private_dir
from finder.settings import settings_file
from tests.conftest import write


def mode(path: Path) -> int:
    return path.stat().st_mode & 0o777


def loosen(folder: Path) -> None:
    """Make ``folder`` and everything in it readable by others, as umask 022 leaves it."""
    for path in [folder, *folder.rglob("*")]:
        path.chmod(0o755 if path.is_dir() else 0o644)


def test_new_folder_is_private(tmp_path: Path) -> None:
    """A folder made by finder is 0700 even under a permissive umask."""
    old = os.umask(0o022)
    try:
        make_private_dir(tmp_path / "a" / "finder")
    finally:
        os.umask(old)
    assert mode(tmp_path / "a" / "finder") == 0o700


def test_existing_folder_is_made_private_with_a_warning(
    tmp_path: Path, caplog: pytest.LogCaptureFixture
) -> None:
    """An existing 0755 folder with 0644 files, deep ones too, ends 0700/0600 and is logged."""
    folder = tmp_path / "config"
    write(folder / "settings.json", "{}")
    write(folder / "indexes" / "work.json", "{}")
    loosen(folder)
    with caplog.at_level(logging.WARNING, logger="finder.paths"):
        make_private_dir(folder)
    assert [mode(p) for p in (folder, folder / "indexes")] == [0o700, 0o700]
    assert [mode(p) for p in (folder / "settings.json", folder / "indexes/work.json")] == [
        0o600
    ] * 2
    assert "readable by other users" in caplog.text


def test_private_folder_is_left_alone_silently(
    tmp_path: Path, caplog: pytest.LogCaptureFixture
) -> None:
    """Nothing to fix: no warning, and stricter owner-only modes are kept."""
    write(tmp_path / "cache" / "model.onnx", "x")
    (tmp_path / "cache" / "model.onnx").chmod(0o400)
    (tmp_path / "cache").chmod(0o700)
    with caplog.at_level(logging.WARNING, logger="finder.paths"):
        make_private_dir(tmp_path / "cache")
    assert mode(tmp_path / "cache" / "model.onnx") == 0o400
    assert caplog.text == ""


def test_symlinks_are_not_followed(tmp_path: Path) -> None:
    """A link in finder's folder to a file elsewhere does not change that file."""
    elsewhere = write(tmp_path / "shared.txt", "for everyone")
    elsewhere.chmod(0o644)
    (tmp_path / "config").mkdir()
    (tmp_path / "config" / "link").symlink_to(elsewhere)
    make_private_dir(tmp_path / "config")
    assert mode(elsewhere) == 0o644


def test_data_dir_entries_are_finders_own() -> None:
    """Index files, their temp and SQLite side files and generation folders are finder's."""
    ours = ["catalog.sqlite3", "catalog.sqlite3-wal", "vectors.hnsw.tmp", "manifest.json"]
    ours += ["current", "current.tmp", "writer.lock", "control.sock", "index-3"]
    assert all(is_data_dir_entry(name) for name in ours)
    assert not any(is_data_dir_entry(n) for n in ["notes.txt", "index-x", "current-work.odt"])


def test_every_index_file_is_a_data_dir_entry(tmp_path: Path) -> None:
    """The files a generation's index is made of are named where the data dir's names are."""
    index = DataPaths(tmp_path, tmp_path / "cache", generation="index-2")
    names = [p.name for p in index.index_files]
    assert names[0] == "manifest.json"  # removed first: a half-removed index reads as none
    assert {p.parent for p in index.index_files} == {tmp_path / "index-2"}
    assert all(is_data_dir_entry(name) for name in names) and len(set(names)) == 6


def test_data_dir_on_a_folder_with_other_files(tmp_path: Path) -> None:
    """The folder becomes 0700 and finder's files 0600; the person's own files are kept."""
    data = tmp_path / "data"
    write(data / "catalog.sqlite3", "")
    write(data / "index-2" / "vectors.hnsw", "")
    write(data / "notes.txt", "mine")
    loosen(data)
    DataPaths(data, tmp_path / "cache").ensure()
    assert [mode(data), mode(data / "index-2")] == [0o700, 0o700]
    assert [mode(data / "catalog.sqlite3"), mode(data / "index-2/vectors.hnsw")] == [0o600] * 2
    assert mode(data / "notes.txt") == 0o644
    assert mode(tmp_path / "cache") == mode(tmp_path / "cache" / "models") == 0o700


def test_writer_open_makes_an_existing_index_private(
    open_engine: Callable[..., IndexWriter], tmp_path: Path, config_dir: Path
) -> None:
    """An index, config and cache left readable by others are 0700/0600 after a writer opens."""
    docs = write(tmp_path / "docs" / "a.txt", "Roses want pruning in early spring.").parent
    data = tmp_path / "data"
    engine = open_engine(data)
    engine.add_roots([str(docs)])
    engine.index()
    cache = engine.paths.cache
    engine.close()
    config_file = settings_file(config_dir, data)
    assert config_file.exists()
    for folder in (data, config_dir, cache):
        loosen(folder)
    open_engine(data)
    for folder in (data, config_dir, cache):
        for path in [folder, *folder.rglob("*")]:
            assert mode(path) == (0o700 if path.is_dir() else 0o600), path
