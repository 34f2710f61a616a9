"""Index settings stored as JSON: round trip, tolerance of old and new versions."""

from __future__ import annotations

import json
import os

from finder.embed import DEFAULT_MODEL
from finder.settings import SETTINGS_VERSION, IndexSettings, default_threads


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
