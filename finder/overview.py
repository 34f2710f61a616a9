"""What an index holds, for the window's start screen and its folder filter.

Read-only catalog queries, run on the search worker's thread (never the GUI thread: a
large index takes tens of milliseconds). Headless.
"""

from __future__ import annotations

import os
from dataclasses import dataclass

from finder.domain import FileStatus
from finder.store.catalog import Catalog

RECENT = 8  # recently modified files on the start screen


@dataclass(frozen=True, slots=True)
class Overview:
    """The start screen's facts about an index."""

    recent: tuple[tuple[str, int], ...]  # (path, mtime_ns) of readable files, newest first
    roots: tuple[tuple[str, int], ...]  # (indexed folder, files under it)
    folders: tuple[str, ...]  # every folder under a root holding indexed files, sorted
    by_content: int
    name_only: int
    failed: int


def overview(catalog: Catalog, recent: int = RECENT) -> Overview:
    """Read the overview of the index ``catalog`` holds."""
    roots = catalog.roots()
    counts = catalog.count_files_by_status()
    return Overview(
        recent=tuple(catalog.recently_modified(recent)),
        roots=tuple((root, catalog.count_files_under(root)) for root in roots),
        folders=tuple(sorted(with_parents(catalog.file_folders(), roots))),
        by_content=counts.get(FileStatus.OK, 0),
        name_only=counts.get(FileStatus.NAME_ONLY, 0),
        failed=counts.get(FileStatus.FAILED, 0),
    )


def with_parents(folders: set[str], roots: list[str]) -> set[str]:
    """``folders`` and each of their parents up to the root they are under (a folder
    holding only sub-folders is a place to filter by too); folders under no root (a
    root just removed) are left out."""
    out: set[str] = set()
    for folder in folders:
        root = next((r for r in roots if folder == r or folder.startswith(r + os.sep)), None)
        while root is not None and folder not in out:
            out.add(folder)
            if folder == root:
                break
            folder = os.path.dirname(folder)
    return out
