"""Plain value types passed between the layers. No I/O, no Qt, no torch."""

from __future__ import annotations

from dataclasses import dataclass, field
from enum import StrEnum


class FileStatus(StrEnum):
    """What the catalog knows about a file's content."""

    OK = "ok"  # text extracted and chunked
    NAME_ONLY = "name_only"  # a format we do not read (or too large): findable by name
    FAILED = "failed"  # extraction failed; ``error`` says why


@dataclass(frozen=True, slots=True)
class FileState:
    """A catalog row as the scanner compares it with the disk."""

    id: int
    path: str
    size: int
    mtime_ns: int
    content_hash: str | None
    status: FileStatus


@dataclass(frozen=True, slots=True)
class Chunk:
    """A piece of a file's text sized for the model, with where it came from.

    ``start``/``stop`` are character offsets into the text of ``page`` (the whole text
    for unpaged files, where ``page`` is None). ``text_hash`` identifies the text: equal
    texts share one embedding.
    """

    ord: int
    page: int | None
    start: int
    stop: int
    text: str
    text_hash: bytes


@dataclass(frozen=True, slots=True)
class Progress:
    """Where an indexing run is; sent to progress callbacks from the writer thread."""

    phase: str  # "scanning" | "extracting" | "embedding" | "saving" | "done"
    done: int
    total: int
    rate: float = 0.0  # items per second in this phase
    current: str = ""  # the file being worked on, if any
    new_model: str = ""  # set while a new index is built for this model (a model change)

    @property
    def eta_s(self) -> float | None:
        if self.rate <= 0 or self.total <= self.done:
            return None
        return (self.total - self.done) / self.rate


@dataclass(frozen=True, slots=True)
class IndexReport:
    """What one indexing run changed."""

    added: int = 0
    updated: int = 0
    removed: int = 0
    renamed: int = 0
    unchanged: int = 0
    failed: int = 0
    chunks_embedded: int = 0
    seconds: float = 0.0
    paths: tuple[str, ...] = ()  # the first (up to 100) paths added, updated, moved, removed


@dataclass(frozen=True, slots=True)
class SearchHit:
    """One file in a result list, with the passage that best explains why.

    ``matched_by`` names the evidence: any of "name", "keyword", "meaning", "exact".
    ``confidence`` is the estimated chance, in [0, 1], that the file is what the query is
    after, judged on absolute evidence (see :mod:`finder.evidence`); None when no query
    text was ranked (a listing by filters alone).
    """

    path: str
    score: float
    snippet: str
    page: int | None
    modified_ns: int
    matched_by: tuple[str, ...]
    terms: tuple[str, ...] = ()
    chunk_id: int | None = None
    confidence: float | None = None


@dataclass(frozen=True, slots=True)
class Status:
    """The state of an index, for ``finder status``."""

    data_dir: str
    roots: tuple[str, ...]
    model: str
    files_indexed: int
    files_pending: int
    files_failed: int
    files_name_only: int
    chunks: int
    vectors: int
    index_bytes: int
    failures: tuple[tuple[str, str], ...] = field(default=())
    # (path, reason) of each folder the last full scan could not list (permission denied)
    unreadable_folders: tuple[tuple[str, str], ...] = field(default=())
    model_pending: str | None = None  # a new model the index is being built again for
