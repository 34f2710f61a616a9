"""Errors a person can act on: the CLI prints their message and exits 2, no traceback.

Modules raise a subclass of :class:`FinderError` (or one of the older specific errors the
CLI also knows) when the message alone tells the person what happened and what to do.
"""

from __future__ import annotations

from pathlib import Path


class FinderError(Exception):
    """A clear, complete message for the person; never a bug in finder."""


class DiskFullError(FinderError):
    """A write failed for want of space; nothing good was replaced by a partial file."""

    def __init__(self, folder: Path, needed_bytes: int | None = None) -> None:
        need = f"{max(1, round(needed_bytes / 1e6))} MB needed" if needed_bytes else "more space"
        super().__init__(f"disk full: {need} in {folder}; free some space and run it again")
        self.folder = folder
        self.needed_bytes = needed_bytes
