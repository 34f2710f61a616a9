"""Index settings: JSON round trip, old and new versions, and the settings file in the
config dir that the writer keeps level with the index."""

from __future__ import annotations

import json
import os
import shutil
from collections.abc import Callable
from dataclasses import replace
from pathlib import Path

import pytest

from finder.embed import DEFAULT_MODEL
from finder.engine import Engine
from finder.settings import (
    FILE_VERSION,
    SETTINGS_VERSION,
    IndexSettings,
    default_threads,
    read_settings_file,
    settings_file,
)
from tests.conftest import write


def test_defaults() -> None:
    """Default settings use the bundled model, skip hidden files and leave a core free."""
    s = IndexSettings()
    assert s.model == DEFAULT_MODEL
    assert s.exclude_globs == ()
    assert s.include_hidden is False
    assert s.threads == default_threads() == max(1, (os.cpu_count() or 1) - 1)


def test_json_round_trip() -> None:
    """from_json(to_json()) gives back equal settings, globs still a tuple."""
    s = IndexSettings(
        model="/models/e5-small",
        exclude_globs=("*.tmp", "*/drafts/*"),
        include_hidden=True,
        max_file_mb=5,
        extract_timeout_s=2.5,
        extract_memory_mb=256,
        threads=3,
    )
    back = IndexSettings.from_json(s.to_json())
    assert back == s
    assert isinstance(back.exclude_globs, tuple)


def test_json_is_versioned() -> None:
    """The stored JSON carries the settings version next to the fields."""
    data = json.loads(IndexSettings(threads=2).to_json())
    assert data["version"] == SETTINGS_VERSION
    assert data["threads"] == 2
    assert data["exclude_globs"] == []


def test_unknown_keys_are_ignored() -> None:
    """Keys written by a newer finder (or typos) do not break loading."""
    text = json.dumps({"version": 99, "threads": 4, "future_option": True, "colour": "blue"})
    assert IndexSettings.from_json(text) == IndexSettings(threads=4)


def test_missing_keys_are_defaulted() -> None:
    """Keys an older finder did not write take their default values."""
    s = IndexSettings.from_json(json.dumps({"exclude_globs": ["*.bak"]}))
    assert s == IndexSettings(exclude_globs=("*.bak",))


def test_nothing_stored_gives_defaults() -> None:
    """None or an empty string (no settings saved yet) gives the defaults."""
    assert IndexSettings.from_json(None) == IndexSettings()
    assert IndexSettings.from_json("") == IndexSettings()
    assert IndexSettings.from_json("{}") == IndexSettings()


@pytest.fixture
def folder(tmp_path: Path) -> Path:
    write(tmp_path / "files/notes/boiler.txt", "The plumber replaced the boiler.")
    write(tmp_path / "files/drafts/plan.md", "A plan for the garden.")
    return tmp_path / "files"


def test_the_writer_keeps_the_settings_file_level_with_the_index(
    open_engine: Callable[..., Engine], folder: Path, config_dir: Path, tmp_path: Path
) -> None:
    """Folders and settings changed through the engine are in the versioned file."""
    engine = open_engine()
    path = settings_file(config_dir, tmp_path / "data")
    assert read_settings_file(path) is not None  # written at open, from the catalog
    engine.add_roots([folder])
    engine.update_settings(replace(engine.settings, exclude_globs=("*.md",), max_file_mb=7))
    data = json.loads(path.read_text(encoding="utf-8"))
    assert data["version"] == FILE_VERSION and data["roots"] == [str(folder)]
    assert data["index"]["exclude_globs"] == ["*.md"] and data["index"]["max_file_mb"] == 7
    engine.remove_roots([folder])
    assert read_settings_file(path).roots == ()  # type: ignore[union-attr]


def test_deleting_the_index_keeps_folders_and_settings(
    open_engine: Callable[..., Engine], folder: Path, tmp_path: Path
) -> None:
    """A fresh data dir at the same place starts from the file: same folders, same rules."""
    engine = open_engine()
    engine.add_roots([folder])
    engine.update_settings(replace(engine.settings, exclude_globs=("*.md",)))
    engine.close()
    shutil.rmtree(tmp_path / "data")
    again = open_engine()
    assert again.roots() == [str(folder)] and again.settings.exclude_globs == ("*.md",)
    assert again.index().added == 1  # boiler.txt; plan.md is excluded


def test_a_hand_edited_file_is_applied_at_the_next_open(
    open_engine: Callable[..., Engine], folder: Path, config_dir: Path, tmp_path: Path
) -> None:
    """The file wins over the index's copy: an exclusion added by hand removes files."""
    engine = open_engine()
    engine.add_roots([folder])
    assert engine.index().added == 2
    engine.close()
    path = settings_file(config_dir, tmp_path / "data")
    data = json.loads(path.read_text(encoding="utf-8"))
    data["index"]["exclude_globs"] = ["*/drafts/*"]
    path.write_text(json.dumps(data), encoding="utf-8")
    again = open_engine()
    assert again.settings.exclude_globs == ("*/drafts/*",)
    assert again.index().removed == 1


def test_an_unreadable_file_is_set_aside_and_written_again(
    open_engine: Callable[..., Engine], folder: Path, config_dir: Path, tmp_path: Path
) -> None:
    """A damaged file is kept as .broken for the person; the index's copy is used."""
    engine = open_engine()
    engine.add_roots([folder])
    engine.close()
    path = settings_file(config_dir, tmp_path / "data")
    path.write_text("{not json", encoding="utf-8")
    again = open_engine()
    assert again.roots() == [str(folder)]
    assert path.with_name(path.name + ".broken").read_text(encoding="utf-8") == "{not json"
    assert read_settings_file(path).roots == (str(folder),)  # type: ignore[union-attr]


def test_each_data_dir_has_its_own_file(tmp_path: Path, monkeypatch) -> None:
    """The default data dir's file is settings.json; others get one named after them."""
    monkeypatch.setenv("FINDER_DATA_DIR", str(tmp_path / "default"))
    config = tmp_path / "config"
    assert settings_file(config, tmp_path / "default") == config / "settings.json"
    one, two = (
        settings_file(config, tmp_path / "a/data"),
        settings_file(config, tmp_path / "b/data"),
    )
    assert one != two and one.parent == config / "indexes" and one.name.startswith("data-")
