"""Index settings and the folders to index: a versioned file in the config dir.

The file is what the person chose (the settings dialog and the CLI write it; it can be
edited by hand and survives deleting the index). The index keeps a copy in its catalog
(``meta`` and ``roots``), which readers use and which says what the index follows. The
writer reconciles the two when it opens the data dir: the file wins; a data dir without
a file writes one from its catalog (how indexes made before the file existed migrate).

Each data dir has its own file, since settings decide what its index contains: the
default data dir's (platformdirs' or ``$FINDER_DATA_DIR``) is ``settings.json``; one
named with ``--data-dir`` gets ``indexes/<folder name>-<hash of its path>.json``.
"""

from __future__ import annotations

import hashlib
import json
import logging
import os
from dataclasses import asdict, dataclass, field, replace
from pathlib import Path
from typing import Any

from finder.embed import DEFAULT_MODEL
from finder.paths import default_data_dir, make_private_dir
from finder.store.atomic import write_text_atomically

log = logging.getLogger(__name__)

SETTINGS_VERSION = 1  # IndexSettings alone, as the catalog stores them
FILE_VERSION = 2  # the settings file: folders and IndexSettings (v1 had no file)


def default_threads() -> int:
    """One CPU core is left free for the person using the machine."""
    return max(1, (os.cpu_count() or 1) - 1)


@dataclass(frozen=True, slots=True)
class IndexSettings:
    """What to index and how; see :mod:`finder.indexing.scanner` for the default skips."""

    model: str = DEFAULT_MODEL
    exclude_globs: tuple[str, ...] = ()
    include_hidden: bool = False
    max_file_mb: int = 100
    extract_timeout_s: float = 30.0
    extract_memory_mb: int = 1024
    threads: int = field(default_factory=default_threads)

    def to_dict(self) -> dict[str, Any]:
        return {"version": SETTINGS_VERSION, **asdict(self)}

    def to_json(self) -> str:
        return json.dumps(self.to_dict())

    @classmethod
    def from_json(cls, text: str | None) -> IndexSettings:
        """Settings from stored JSON; unknown keys are ignored, missing ones defaulted."""
        return cls.from_dict(json.loads(text)) if text else cls()

    @classmethod
    def from_dict(cls, data: dict[str, Any]) -> IndexSettings:
        """Settings from a decoded JSON object (see :meth:`from_json`)."""
        known = {k: v for k, v in data.items() if k in cls.__dataclass_fields__}
        if "exclude_globs" in known:
            known["exclude_globs"] = tuple(known["exclude_globs"])
        return replace(cls(), **known)


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
    if data_dir == Path(os.path.abspath(default_data_dir())):
        return config_dir / "settings.json"
    digest = hashlib.blake2b(os.fsencode(data_dir), digest_size=4).hexdigest()
    return config_dir / "indexes" / f"{data_dir.name}-{digest}.json"


def read_settings_file(path: Path) -> SavedSettings | None:
    """The saved settings, or None when there is no file. An unreadable file is moved
    aside to ``<name>.broken`` (kept for the person to look at) and read as none."""
    try:
        data: dict[str, Any] = json.loads(path.read_text(encoding="utf-8"))
        index = IndexSettings.from_dict(data["index"])
        roots = tuple(str(r) for r in data["roots"])
    except FileNotFoundError:
        return None
    except (OSError, ValueError, KeyError, TypeError) as err:
        log.warning("settings file %s is unreadable (%s): set aside, rebuilt", path, err)
        os.replace(path, path.with_name(path.name + ".broken"))
        return None
    return SavedSettings(roots, index)


def write_settings_file(path: Path, saved: SavedSettings, data_dir: Path) -> None:
    """Write atomically (temp file, fsync, rename): a crash leaves the old or the new."""
    make_private_dir(path.parent)
    content = {
        "version": FILE_VERSION,
        "data_dir": str(data_dir),  # for people reading the file; not used
        "roots": list(saved.roots),
        "index": saved.index.to_dict(),
    }
    write_text_atomically(path, json.dumps(content, indent=2, ensure_ascii=False) + "\n")
