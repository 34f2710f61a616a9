"""The rows the catalog's search queries return, with their columns named.

Each type matches the SELECT list of one statement in :mod:`finder.store.schema`, column
for column, and is built with ``_make`` from the SQLite row (a tuple subclass: as cheap
to unpack as a tuple; building one costs ~0.3 µs). Immutable, safe to hand between
threads.
"""

from __future__ import annotations

from typing import NamedTuple


class FileRow(NamedTuple):
    """A file as searches show it (``FILES_BY_IDS``)."""

    id: int
    path: str
    name: str
    ext: str  # lower case, no dot
    size: int
    mtime_ns: int
    status: str


class RecentFile(NamedTuple):
    """A file for browsing by filters alone (``FILES_RECENT``)."""

    id: int
    path: str
    ext: str
    mtime_ns: int


class ChunkRow(NamedTuple):
    """A chunk with its text (``CHUNKS_BY_IDS``)."""

    id: int
    file_id: int
    page: int | None  # 1-based page of a paged file (PDF), else None
    start: int  # character offsets into the page's text (the file's when page is None)
    stop: int
    text: str


class PassageChunk(NamedTuple):
    """A chunk of one file, for joining into a passage (``CHUNKS_OF_PAGE``,
    ``CHUNKS_OF_FILE_BETWEEN``)."""

    id: int
    page: int | None
    start: int
    stop: int
    text: str


class ChunksAround(NamedTuple):
    """The chunks near one chunk, in order, and the path of their file."""

    path: str
    chunks: list[PassageChunk]


class KeywordChunk(NamedTuple):
    """A chunk found by BM25 (``KEYWORD_CHUNKS``); ``score`` is -bm25, higher is better."""

    chunk_id: int
    file_id: int
    score: float


class KeywordFile(NamedTuple):
    """A file found by BM25 over names (``KEYWORD_FILES``); higher is better."""

    file_id: int
    score: float


class ChunkOfFile(NamedTuple):
    """A chunk and the file it belongs to (``CHUNKS_CONTAINING``)."""

    chunk_id: int
    file_id: int


class VectorChunk(NamedTuple):
    """A chunk using a vector (``CHUNKS_BY_VECTORS``): identical texts share one."""

    chunk_id: int
    file_id: int
    vector_id: int
