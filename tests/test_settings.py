"""Index settings: JSON round trip, old and new versions, and the settings file in the
config dir that the writer keeps level with the index."""

from __future__ import annotations

import json
import os
import shutil
import subprocess
import sys
from collections.abc import Callable
from dataclasses import replace
from pathlib import Path

import platformdirs
import pytest

from finder.embed import DEFAULT_MODEL
from finder.engine import IndexReader, IndexWriter
from finder.errors import FinderError
from finder.settings import (
    FILE_VERSION,
    SETTINGS_VERSION,
    IndexSettings,
    SavedSettings,
    default_threads,
    read_settings_file,
    settings_file,
    write_settings_file,
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
    open_engine: Callable[..., IndexWriter], folder: Path, config_dir: Path, tmp_path: Path
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
    open_engine: Callable[..., IndexWriter], folder: Path, tmp_path: Path
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
    open_engine: Callable[..., IndexWriter], folder: Path, config_dir: Path, tmp_path: Path
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
    open_engine: Callable[..., IndexWriter], folder: Path, config_dir: Path, tmp_path: Path
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
    """Only platformdirs' own data dir has settings.json; one chosen by the environment
    variable or --data-dir gets a file named after it."""
    monkeypatch.setenv("FINDER_DATA_DIR", str(tmp_path / "from-env"))
    config = tmp_path / "config"
    own = Path(platformdirs.user_data_dir("finder", appauthor=False))
    assert settings_file(config, own) == config / "settings.json"
    from_env = settings_file(config, tmp_path / "from-env")
    assert from_env.parent == config / "indexes" and from_env.name.startswith("from-env-")
    one, two = (
        settings_file(config, tmp_path / "a/data"),
        settings_file(config, tmp_path / "b/data"),
    )
    assert one != two and one.parent == config / "indexes" and one.name.startswith("data-")


def test_a_file_written_for_another_data_dir_is_not_applied(
    open_engine: Callable[..., IndexWriter],
    folder: Path,
    config_dir: Path,
    tmp_path: Path,
    caplog: pytest.LogCaptureFixture,
) -> None:
    """A file naming another data dir (the old shared settings.json) leaves this index's
    folders alone and is written again from them."""
    engine = open_engine()
    engine.add_roots([folder / "notes"])
    engine.close()
    path = settings_file(config_dir, tmp_path / "data")
    saved = SavedSettings((str(folder / "drafts"),), IndexSettings(include_hidden=True))
    write_settings_file(path, saved, tmp_path / "private")
    again = open_engine()
    assert again.roots() == [str(folder / "notes")] and not again.settings.include_hidden
    assert "belongs to the data dir" in caplog.text and str(tmp_path / "private") in caplog.text
    data = json.loads(path.read_text(encoding="utf-8"))
    assert data["data_dir"] == str(tmp_path / "data") and data["roots"] == [str(folder / "notes")]


def finder_in(data_dir: Path, *args: str) -> subprocess.CompletedProcess:
    """Run ``python -m finder ARGS`` with the data dir chosen by ``$FINDER_DATA_DIR``."""
    return subprocess.run(
        [sys.executable, "-m", "finder", *args],
        capture_output=True,
        text=True,
        timeout=120,
        env={**os.environ, "FINDER_DATA_DIR": str(data_dir)},  # FINDER_CONFIG_DIR: the test's
    )


def test_indexes_chosen_by_the_environment_keep_their_own_folders(
    tmp_path: Path, config_dir: Path
) -> None:
    """`FINDER_DATA_DIR=d1 finder roots add a`, then d2 with b: d1 has only a, d2 only b."""
    a, b = tmp_path / "a", tmp_path / "b"
    a.mkdir()
    b.mkdir()
    assert finder_in(tmp_path / "d1", "roots", "add", str(a)).returncode == 0
    assert finder_in(tmp_path / "d2", "roots", "add", str(b)).returncode == 0
    assert finder_in(tmp_path / "d1", "roots", "list").stdout.split() == [str(a)]
    assert finder_in(tmp_path / "d2", "roots", "list").stdout.split() == [str(b)]
    assert not (config_dir / "settings.json").exists()


def test_a_bad_value_edited_by_hand_is_named_by_the_cli(tmp_path: Path, config_dir: Path) -> None:
    """`"threads": "two"` in the file: the next writer names it, sets the file aside and
    goes on with the index's own settings; nothing crashes."""
    docs, data = tmp_path / "docs", tmp_path / "data"
    docs.mkdir()
    assert finder_in(data, "roots", "add", str(docs)).returncode == 0
    path = settings_file(config_dir, data)
    content = json.loads(path.read_text(encoding="utf-8"))
    content["index"]["threads"] = "two"
    path.write_text(json.dumps(content), encoding="utf-8")
    done = finder_in(data, "roots", "add", str(docs))
    assert done.returncode == 0 and "Traceback" not in done.stderr
    assert f'settings file {path}: "threads" must be a whole number' in done.stderr
    assert f'not "two": set aside as {path}.broken' in done.stderr
    assert read_settings_file(path, data) == SavedSettings((str(docs),), IndexSettings())


GOOD_FILE = {"version": FILE_VERSION, "roots": ["/home/me/docs"], "index": {"threads": 2}}


@pytest.mark.parametrize(
    ("change", "named"),
    [
        ({"roots": "/x"}, '"roots" must be a list of absolute folder paths, not "/x"'),
        ({"roots": ["docs"]}, '"roots" must be a list of absolute folder paths, not ["docs"]'),
        ({"index": {"max_file_mb": "big"}}, '"max_file_mb" must be a whole number >= 1, not "big"'),
        (
            {"index": {"threads": "two"}},
            '"threads" must be a whole number from 1 to 1024, not "two"',
        ),
        ({"index": {"threads": 0}}, '"threads" must be a whole number from 1 to 1024, not 0'),
        ({"index": {"threads": 2.5}}, '"threads" must be a whole number from 1 to 1024, not 2.5'),
        ({"index": {"include_hidden": "yes"}}, '"include_hidden" must be true or false, not "yes"'),
        ({"index": {"max_file_mb": True}}, '"max_file_mb" must be a whole number >= 1, not true'),
        ({"index": {"exclude_globs": "*.log"}}, '"exclude_globs" must be a list of glob patterns'),
        ({"index": {"model": ""}}, '"model" must be a model name or folder, not ""'),
        ({"index": {"extract_timeout_s": -1}}, '"extract_timeout_s" must be a number of seconds'),
        ({"index": {"extract_memory_mb": 8}}, '"extract_memory_mb" must be a whole number >= 128'),
        ({"index": ["threads", 2]}, 'settings must be a JSON object, not ["threads", 2]'),
        ({"index": None}, "settings must be a JSON object, not null"),
        ({"index": {"version": "big"}}, '"version" must be a whole number, not "big"'),
    ],
)
def test_a_file_breaking_the_schema_is_set_aside_naming_the_bad_key(
    tmp_path: Path, caplog: pytest.LogCaptureFixture, change: dict, named: str
) -> None:
    """Each bad key or value is named in the warning; the file goes to .broken."""
    path = tmp_path / "settings.json"
    bad = {**GOOD_FILE, **change}
    path.write_text(json.dumps(bad), encoding="utf-8")
    assert read_settings_file(path) is None
    assert named in caplog.text and f"set aside as {path}.broken" in caplog.text
    assert json.loads((tmp_path / "settings.json.broken").read_text(encoding="utf-8")) == bad


def test_a_file_that_is_not_an_object_or_lacks_a_key_is_set_aside(
    tmp_path: Path, caplog: pytest.LogCaptureFixture
) -> None:
    """A JSON list, or a file without "roots", is set aside with what is wrong."""
    path = tmp_path / "settings.json"
    path.write_text("[1, 2]", encoding="utf-8")
    assert read_settings_file(path) is None and "must be a JSON object, not [1, 2]" in caplog.text
    path.write_text(json.dumps({"index": {}}), encoding="utf-8")
    assert read_settings_file(path) is None and '"roots" is missing' in caplog.text


def test_a_string_of_roots_never_becomes_one_root_per_letter(
    open_engine: Callable[..., IndexWriter],
    folder: Path,
    config_dir: Path,
    tmp_path: Path,
    caplog: pytest.LogCaptureFixture,
) -> None:
    """`"roots": "/x"` by hand: the index keeps its folders instead of / c e l m o ..."""
    engine = open_engine()
    engine.add_roots([folder])
    engine.close()
    path = settings_file(config_dir, tmp_path / "data")
    data = json.loads(path.read_text(encoding="utf-8"))
    path.write_text(json.dumps({**data, "roots": "/tmp/docs"}), encoding="utf-8")
    again = open_engine()
    assert again.roots() == [str(folder)]
    assert '"roots" must be a list of absolute folder paths, not "/tmp/docs"' in caplog.text
    assert path.with_name(path.name + ".broken").exists()
    assert read_settings_file(path, tmp_path / "data").roots == (str(folder),)  # type: ignore[union-attr]


def test_bad_values_are_refused_wherever_they_come_from() -> None:
    """The CLI and the dialog build IndexSettings too: a bad value raises a FinderError."""
    with pytest.raises(
        FinderError, match='"threads" must be a whole number from 1 to 1024, not -2'
    ):
        IndexSettings(threads=-2)
    with pytest.raises(FinderError, match='"max_file_mb" must be a whole number >= 1, not -1'):
        replace(IndexSettings(), max_file_mb=-1)
    with pytest.raises(FinderError, match='"extract_timeout_s"'):
        IndexSettings(extract_timeout_s=float("nan"))
    assert IndexSettings(exclude_globs=["*.log"]).exclude_globs == ("*.log",)  # type: ignore[arg-type]


def test_a_damaged_copy_in_the_catalog_gives_defaults_and_is_repaired(
    open_engine: Callable[..., IndexWriter],
    folder: Path,
    cache_dir: Path,
    tmp_path: Path,
    caplog: pytest.LogCaptureFixture,
) -> None:
    """Readers search with the defaults (and say so); the next writer writes a good copy."""
    engine = open_engine()
    engine.add_roots([folder])
    engine.update_settings(replace(engine.settings, threads=1))
    engine.index()
    engine.catalog.set_meta("settings", '{"threads": "two"}')
    engine.close()
    with IndexReader.open(tmp_path / "data", cache_dir=cache_dir) as reader:
        assert reader.settings == IndexSettings()
        assert reader.search("boiler repair", 1)[0].path.endswith("boiler.txt")
    assert '"threads" must be a whole number from 1 to 1024, not "two"' in caplog.text
    again = open_engine()  # the file (threads 1) wins and repairs the copy
    assert json.loads(again.catalog.get_meta("settings") or "")["threads"] == 1
