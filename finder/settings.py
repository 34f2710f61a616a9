"""Index settings and the folders to index: a versioned file in the config dir.

The file is what the person chose (the settings dialog and the CLI write it; it can be
edited by hand and survives deleting the index). The index keeps a copy in its catalog
(``meta`` and ``roots``), which readers use and which says what the index follows. The
writer reconciles the two when it opens the data dir: the file wins; a data dir without
a file writes one from its catalog (how indexes made before the file existed migrate).

Each data dir has its own file, since settings decide what its index contains (a private
folder must not end up in a work index): platformdirs' own user data dir has
``settings.json``; any other one, chosen by ``--data-dir`` or ``$FINDER_DATA_DIR``, has
``indexes/<folder name>-<hash of its path>.json``. The file records its data dir, and a
file that names another one is never applied.

Every value is checked against the schema (:func:`check_value`) whoever supplies it: the
file, the catalog's copy, the CLI, the settings dialog. A bad one raises
:class:`SettingsError` naming the key and the value.
"""

from __future__ import annotations

import hashlib
import json
import logging
import math
import os
from dataclasses import asdict, dataclass, field, replace
from pathlib import Path
from typing import Any

import platformdirs

from finder.embed import DEFAULT_MODEL
from finder.errors import FinderError
from finder.paths import APP_NAME, make_private_dir
from finder.store.atomic import write_text_atomically

log = logging.getLogger(__name__)

SETTINGS_VERSION = 1  # IndexSettings alone, as the catalog stores them
FILE_VERSION = 2  # the settings file: folders and IndexSettings (v1 had no file)
MAX_THREADS = 1024  # more would only start processes that wait for a core
MAX_MB = 1024 * 1024  # 1 TB: the size and memory limits are bytes in a C long


class SettingsError(FinderError, ValueError):
    """A setting's value is of the wrong type or out of range; the message names both."""


def default_threads() -> int:
    """One CPU core is left free for the person using the machine."""
    return max(1, min(MAX_THREADS, (os.cpu_count() or 1) - 1))


def _whole(low: int, high: int) -> tuple[str, Any]:
    rule = f"a whole number from {low} to {high}" if high < MAX_MB else f"a whole number >= {low}"
    return rule, lambda v: type(v) is int and low <= v <= high


# key -> (what it must be, for the message; the test)
_SCHEMA: dict[str, tuple[str, Any]] = {
    "model": ("a model name or folder", lambda v: isinstance(v, str) and v.strip() != ""),
    "exclude_globs": (
        "a list of glob patterns",
        lambda v: isinstance(v, list | tuple) and all(isinstance(g, str) and g for g in v),
    ),
    "include_hidden": ("true or false", lambda v: isinstance(v, bool)),
    "max_file_mb": _whole(1, MAX_MB),
    "extract_timeout_s": (
        "a number of seconds > 0",
        lambda v: type(v) in (int, float) and not math.isnan(v) and v > 0,
    ),
    "extract_memory_mb": _whole(128, MAX_MB),
    "threads": _whole(1, MAX_THREADS),
    "roots": (
        "a list of absolute folder paths",
        lambda v: (
            isinstance(v, list | tuple)
            and all(isinstance(r, str) and os.path.isabs(r) and "\x00" not in r for r in v)
        ),
    ),
}


def check_value(key: str, value: Any) -> None:
    """Raise :class:`SettingsError` unless ``value`` is valid for the setting ``key``."""
    rule, valid = _SCHEMA[key]
    if not valid(value):
        raise SettingsError(f'"{key}" must be {rule}, not {_shown(value)}')


def _shown(value: Any) -> str:
    """The value as it would appear in the file, cut short."""
    try:
        text = json.dumps(value, ensure_ascii=False)
    except (TypeError, ValueError):
        text = repr(value)
    return text if len(text) <= 80 else text[:77] + "..."


@dataclass(frozen=True, slots=True)
class IndexSettings:
    """What to index and how; see :mod:`finder.path_rules` for the default skips.

    Every value is checked when made (:func:`check_value`): bad ones raise
    :class:`SettingsError`, from a file, the catalog, the CLI or the dialog alike.
    """

    model: str = DEFAULT_MODEL
    exclude_globs: tuple[str, ...] = ()
    include_hidden: bool = False
    max_file_mb: int = 100
    extract_timeout_s: float = 30.0
    extract_memory_mb: int = 1024
    threads: int = field(default_factory=default_threads)

    def __post_init__(self) -> None:
        for key in self.__dataclass_fields__:
            check_value(key, getattr(self, key))
        if not isinstance(self.exclude_globs, tuple):  # hashable and immutable like the rest
            object.__setattr__(self, "exclude_globs", tuple(self.exclude_globs))

    def to_dict(self) -> dict[str, Any]:
        return {"version": SETTINGS_VERSION, **asdict(self)}

    def to_json(self) -> str:
        return json.dumps(self.to_dict())

    @classmethod
    def from_json(cls, text: str | None) -> IndexSettings:
        """Settings from stored JSON; unknown keys are ignored, missing ones defaulted.
        Raises :class:`SettingsError` for text that is not a JSON object or a bad value."""
        if not text:
            return cls()
        try:
            data = json.loads(text)
        except ValueError as err:
            raise SettingsError(f"not JSON ({err})") from None
        return cls.from_dict(data)

    @classmethod
    def from_dict(cls, data: Any) -> IndexSettings:
        """Settings from a decoded JSON object (see :meth:`from_json`)."""
        if not isinstance(data, dict):
            raise SettingsError(f"settings must be a JSON object, not {_shown(data)}")
        version = data.get("version", SETTINGS_VERSION)
        if type(version) is not int:  # bool is an int too: not a version
            raise SettingsError(f'"version" must be a whole number, not {_shown(version)}')
        known = {k: v for k, v in data.items() if k in cls.__dataclass_fields__}
        return replace(cls(), **known)


_warned: set[str] = set()


def stored_settings(text: str | None, where: str) -> IndexSettings:
    """The settings an index keeps in its catalog; a damaged copy gives the defaults,
    with a warning (once per process and copy: readers ask often)."""
    try:
        return IndexSettings.from_json(text)
    except SettingsError as err:
        if text not in _warned:
            _warned.add(str(text))
            log.warning("the settings kept in %s are damaged: %s; using the defaults", where, err)
        return IndexSettings()


@dataclass(frozen=True, slots=True)
class SavedSettings:
    """The settings file's content: which folders to index, and how."""

    roots: tuple[str, ...]
    index: IndexSettings


def settings_file(config_dir: Path, data_dir: Path) -> Path:
    """The settings file of ``data_dir`` in ``config_dir``, which is made private (the
    writer asks this when it opens)."""
    make_private_dir(config_dir)
    data_dir = Path(os.path.abspath(data_dir))
    if data_dir == Path(os.path.abspath(platformdirs.user_data_dir(APP_NAME, appauthor=False))):
        return config_dir / "settings.json"
    digest = hashlib.blake2b(os.fsencode(data_dir), digest_size=4).hexdigest()
    return config_dir / "indexes" / f"{data_dir.name}-{digest}.json"


def read_settings_file(path: Path, data_dir: Path | None = None) -> SavedSettings | None:
    """The saved settings of ``data_dir`` (None: of whichever it names), or None when
    there is no file to apply.

    A file that cannot be read or breaks the schema is moved aside to ``<name>.broken``
    (kept for the person to look at); one written for another data dir is left alone.
    Either is read as none, with a warning naming what is wrong.
    """
    try:
        data = json.loads(path.read_text(encoding="utf-8"))
        saved = _saved_settings(data)
    except FileNotFoundError:
        return None
    except (OSError, ValueError) as err:  # SettingsError is a ValueError
        broken = path.with_name(path.name + ".broken")
        log.warning(
            "settings file %s: %s: set aside as %s; using the index's own settings",
            path,
            err,
            broken,
        )
        os.replace(path, broken)
        return None
    owner = data.get("data_dir")
    mine = owner if data_dir is None else os.path.abspath(data_dir)
    if owner != mine:
        log.warning(
            "settings file %s belongs to the data dir %s, not %s: not applied; "
            "it is written again from this index's own settings",
            path,
            _shown(owner),
            mine,
        )
        return None
    return saved


def _saved_settings(data: Any) -> SavedSettings:
    if not isinstance(data, dict):
        raise SettingsError(f"must be a JSON object, not {_shown(data)}")
    for key in ("roots", "index"):
        if key not in data:
            raise SettingsError(f'"{key}" is missing')
    check_value("roots", data["roots"])
    return SavedSettings(tuple(data["roots"]), IndexSettings.from_dict(data["index"]))


def write_settings_file(path: Path, saved: SavedSettings, data_dir: Path) -> None:
    """Write atomically (temp file, fsync, rename): a crash leaves the old or the new."""
    make_private_dir(path.parent)
    content = {
        "version": FILE_VERSION,
        "data_dir": os.path.abspath(data_dir),  # whose file it is: another's is not applied
        "roots": list(saved.roots),
        "index": saved.index.to_dict(),
    }
    write_text_atomically(path, json.dumps(content, indent=2, ensure_ascii=False) + "\n")
