"""Typed values kept in the catalog's ``meta`` table besides the settings.

Thread: the catalog's (see :class:`~finder.store.catalog.Catalog`).
"""

from __future__ import annotations

import json
from collections.abc import Mapping

from finder.store.catalog import Catalog

UNREADABLE_FOLDERS_KEY = "unreadable_folders"  # JSON [{"path", "reason"}] of the last scan


def unreadable_folders(catalog: Catalog) -> tuple[tuple[str, str], ...]:
    """(path, reason) of each folder the last full scan could not list; none if unknown."""
    try:
        items = json.loads(catalog.get_meta(UNREADABLE_FOLDERS_KEY) or "[]")
        return tuple((str(i["path"]), str(i["reason"])) for i in items)
    except (ValueError, TypeError, KeyError):
        return ()  # written by an older or newer finder: the next scan writes it again


def record_unreadable_folders(catalog: Catalog, reasons: Mapping[str, str]) -> None:
    """Replace the list with ``reasons`` (path -> why it could not be listed)."""
    folders = [{"path": p, "reason": r} for p, r in sorted(reasons.items())]
    catalog.set_meta(UNREADABLE_FOLDERS_KEY, json.dumps(folders, ensure_ascii=False))


EXTRACTION_VERSION_KEY = "extraction_version"  # the text form the files were extracted in


def extraction_version(catalog: Catalog) -> int:
    """The :data:`~finder.extract.normalise.EXTRACTION_VERSION` the catalog's files were
    extracted with; 1 for a catalog from before versions were recorded."""
    try:
        return int(catalog.get_meta(EXTRACTION_VERSION_KEY) or "1")
    except ValueError:
        return 1  # unreadable: take it as old, so the files are extracted again


def record_extraction_version(catalog: Catalog, version: int) -> None:
    """Record that every file in the catalog is now extracted with ``version``."""
    catalog.set_meta(EXTRACTION_VERSION_KEY, str(version))
