"""What an index holds, for the window's start screen and its folder filter.

Read-only catalog queries, run on the search worker's thread (never the GUI thread: a
large index takes tens of milliseconds). Headless.
"""

from __future__ import annotations

import os
from dataclasses import dataclass

from finder.domain import FileStatus
from finder.store.catalog import Catalog
from finder.variants import LEADING_CHUNKS, firsts

RECENT = 8  # recently modified files on the start screen


@dataclass(frozen=True, slots=True)
class Overview:
    """The start screen's facts about an index."""

    # (path, mtime_ns) of readable files, newest first, one per document (the newest
    # of report.pdf and report.docx, as the results list shows them once)
    recent: tuple[tuple[str, int], ...]
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
        recent=tuple(one_per_document(catalog, catalog.recently_modified(3 * recent), recent)),
        roots=tuple((root, catalog.count_files_under(root)) for root in roots),
        folders=tuple(sorted(with_parents(catalog.file_folders(), roots))),
        by_content=counts.get(FileStatus.OK, 0),
        name_only=counts.get(FileStatus.NAME_ONLY, 0),
        failed=counts.get(FileStatus.FAILED, 0),
    )


def one_per_document(
    catalog: Catalog, files: list[tuple[str, int]], limit: int
) -> list[tuple[str, int]]:
    """The first ``limit`` of ``files`` (path, mtime_ns) with each later file of the
    same document (:func:`finder.variants.firsts`) left out."""
    chunks = catalog.leading_chunks([path for path, _ in files], LEADING_CHUNKS)
    first = firsts([path for path, _ in files], chunks)
    return [file for i, file in enumerate(files) if first[i] == i][:limit]


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
