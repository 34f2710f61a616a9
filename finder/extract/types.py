"""Plain value types shared by the extractors, the sandbox and the indexer."""

from __future__ import annotations

from dataclasses import dataclass


class ExtractionError(Exception):
    """A file could not be turned into text; ``str(err)`` is the reason shown to the user."""


@dataclass(frozen=True, slots=True)
class Page:
    """Text of one page (``number`` is 1-based) or of a whole unpaged file (``number`` None)."""

    number: int | None
    text: str


@dataclass(frozen=True, slots=True)
class Extracted:
    """What an extractor found in one file: its pages, in order.

    ``binary``: nothing claimed the file was text (no suffix, or one nobody listed) and
    its content is not: it is findable by name only, as a format finder does not read.
    """

    pages: tuple[Page, ...]
    binary: bool = False


@dataclass(frozen=True, slots=True)
class ExtractLimits:
    """Bounds that keep one hostile file from hurting the run.

    ``max_file_bytes``: larger files are indexed by name only. ``max_text_chars``: text
    beyond this is dropped (a 2 GB log is not worth embedding whole). ``timeout_s`` and
    ``memory_mb`` bound the worker process that parses one file.
    """

    max_file_bytes: int = 100 * 1024 * 1024
    max_text_chars: int = 5_000_000
    timeout_s: float = 30.0
    memory_mb: int = 1024
