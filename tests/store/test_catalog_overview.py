"""The catalog's queries for the window's start screen and for result variants."""

from __future__ import annotations

from collections.abc import Iterator
from pathlib import Path

import pytest

from finder.chunking import text_hash
from finder.domain import Chunk, FileStatus
from finder.store.catalog import Catalog


@pytest.fixture
def catalog(tmp_path: Path) -> Iterator[Catalog]:
    cat = Catalog(tmp_path / "catalog.sqlite3")
    yield cat
    cat.close()


def put(cat: Catalog, path: str, mtime_ns: int, *texts: str, status=FileStatus.OK) -> None:
    chunks, pos = [], 0
    for i, text in enumerate(texts):
        chunks.append(Chunk(i, None, pos, pos + len(text), text, text_hash(text)))
        pos += len(text)
    with cat.transaction():
        cat.put_file(
            path, size=1, mtime_ns=mtime_ns, content_hash=None, status=status, chunks=chunks
        )


def test_recently_modified_lists_readable_files_newest_first(catalog: Catalog) -> None:
    """The newest readable files come first; failed and name-only files are left out."""
    put(catalog, "/docs/old.txt", 1, "old")
    put(catalog, "/docs/new.txt", 3, "new")
    put(catalog, "/docs/mid.txt", 2, "mid")
    put(catalog, "/docs/broken.pdf", 9, status=FileStatus.FAILED)
    put(catalog, "/docs/photo.jpg", 8, status=FileStatus.NAME_ONLY)
    assert catalog.recently_modified(2) == [("/docs/new.txt", 3), ("/docs/mid.txt", 2)]


def test_files_are_counted_under_a_folder_and_not_its_namesakes(catalog: Catalog) -> None:
    """/docs counts /docs/a and /docs/sub/b, not /docs2/c; folders are those of files."""
    for path in ("/docs/a.txt", "/docs/sub/b.txt", "/docs2/c.txt"):
        put(catalog, path, 1, "text")
    assert catalog.count_files_under("/docs") == 2
    assert catalog.count_files_under("/docs/") == 2
    assert catalog.file_folders() == {"/docs", "/docs/sub", "/docs2"}


def test_leading_chunks_are_the_first_chunks_in_order(catalog: Catalog) -> None:
    """Each asked-for readable file gives its first chunks in order, nothing else."""
    put(catalog, "/d/a.txt", 1, "one", "two", "three")
    put(catalog, "/d/b.txt", 1, "other")
    put(catalog, "/d/c.pdf", 1, status=FileStatus.FAILED)
    found = catalog.leading_chunks(["/d/a.txt", "/d/c.pdf"], 2)
    assert found == {"/d/a.txt": [(None, 0, 3, "one"), (None, 3, 6, "two")]}
    assert catalog.leading_chunks([], 2) == {}
