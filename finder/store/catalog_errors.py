"""What a catalog raises when it cannot be opened or read (imported by the catalog's
parts and by everything that handles these errors; see :mod:`finder.store.catalog`)."""

from __future__ import annotations

from pathlib import Path

from finder.errors import FinderError


class CatalogError(Exception):
    """The catalog cannot be opened (newer schema, corrupt file, missing read-only)."""


class CatalogDamagedError(CatalogError, FinderError):
    """SQLite found the catalog file damaged (a garbled page, a truncated or foreign file).

    Every :class:`Catalog` method raises it instead of such a ``sqlite3.DatabaseError``
    (never for a busy or locked database). The writer rebuilds the catalog
    (:mod:`finder.store.salvage`); readers cannot, and tell the person how.
    """

    def __init__(self, path: Path, detail: str) -> None:
        super().__init__(
            f"the index at {path.parent} is damaged ({detail}): run `finder index` or "
            "`finder check --repair` to rebuild it from your files"
        )
        self.path = path
        self.detail = detail
