"""The window's own preferences, versioned JSON in the user config dir.

Index settings (folders, exclusions, model...) are not here: they decide what an index
contains, so they live with each index (see :mod:`finder.settings`). This file keeps
what belongs to the person at this desktop: window geometry, splitter sizes, filters,
and the one-time notices already shown.
A file from an older version is migrated; an unreadable one is replaced by defaults.
"""

from __future__ import annotations

import json
import logging
from collections.abc import Callable
from dataclasses import asdict, dataclass, field, fields
from pathlib import Path
from typing import Any

from finder.paths import default_config_dir, make_private_dir
from finder.store.atomic import write_text_atomically

log = logging.getLogger(__name__)

VERSION = 2
FILE_NAME = "window.json"


@dataclass
class Preferences:
    """What the window remembers between runs."""

    geometry: str = ""  # QWidget.saveGeometry(), base64
    splitter: list[int] = field(default_factory=lambda: [600, 500])
    type_filter: str = "Any type"
    age_filter: str = "Any time"
    # "finder is still running" was shown once (closing to the tray): never again
    tray_notice_shown: bool = False

    @classmethod
    def load(cls, folder: Path | None = None) -> Preferences:
        path = (folder or default_config_dir()) / FILE_NAME
        try:
            data: dict[str, Any] = json.loads(path.read_text(encoding="utf-8"))
        except FileNotFoundError:
            return cls()
        except (OSError, ValueError) as err:
            log.warning("ignoring unreadable preferences %s: %s", path, err)
            return cls()
        data = migrate(data)
        known = {f.name for f in fields(cls)}
        return cls(**{k: v for k, v in data.items() if k in known})

    def save(self, folder: Path | None = None) -> None:
        """Write atomically: a crash leaves the old or the new file."""
        folder = folder or default_config_dir()
        make_private_dir(folder)
        content = json.dumps({"version": VERSION, **asdict(self)}, indent=2)
        write_text_atomically(folder / FILE_NAME, content)


def _from_v1(data: dict[str, Any]) -> dict[str, Any]:
    # Version 1 kept one "filters" object; version 2 has a field per filter.
    filters = data.pop("filters", {}) or {}
    data["type_filter"] = filters.get("type", "Any type")
    data["age_filter"] = filters.get("age", "Any time")
    return data


_MIGRATIONS: dict[int, Callable[[dict[str, Any]], dict[str, Any]]] = {1: _from_v1}


def migrate(data: dict[str, Any]) -> dict[str, Any]:
    """Bring stored preferences of any earlier version up to :data:`VERSION`."""
    version = int(data.pop("version", VERSION))
    while version < VERSION:
        data = _MIGRATIONS[version](data)
        version += 1
    return data
