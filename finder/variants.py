"""The same document in several formats (report.pdf and report.docx): one result, not two.

Sameness is decided by text, never by name: two hits are one document when the opening
of their stored text (their first chunks, the overlap of neighbouring chunks kept once)
has nearly the same word 3-grams. Formats extract differently (line breaks, page breaks,
a page number in a footer, a hyphenated word), so a hash of the text would miss most
such pairs; 3-gram sets of the first :data:`WORDS` words absorb that, and two different
documents share almost none (letters from one template share their letterhead, not the
body). Both openings must also be about as long, so a short excerpt is not folded into
the document it was cut from.

Pure functions and a value type; no I/O. The window's search worker fetches the chunks
(``Catalog.leading_chunks``) for the first :data:`WINDOW` hits and calls :func:`group`.
"""

from __future__ import annotations

import re
from collections.abc import Mapping, Sequence
from dataclasses import dataclass

from finder.domain import SearchHit

WINDOW = 20  # only the first hits are compared: what a person looks at
LEADING_CHUNKS = 12  # chunks fetched per file: enough for WORDS words of paged text
WORDS = 300  # the opening compared, in words
SAME = 0.7  # Jaccard of the openings' word 3-grams at or above which files are one document
_LENGTH_RATIO = 0.8  # shorter opening / longer one, when either is under WORDS words
_WORD = re.compile(r"\w+")


@dataclass(frozen=True, slots=True)
class ResultGroup:
    """One result: the best-ranked file of a document and its other formats or copies."""

    hit: SearchHit
    variants: tuple[SearchHit, ...] = ()


def leading_text(chunks: Sequence[tuple]) -> str:
    """The text of ``chunks`` (page, start, stop, text) in order, with what neighbouring
    chunks of one page share (the overlap inside a long paragraph) kept once."""
    parts: list[str] = []
    page: object = object()
    reached = 0
    for chunk_page, start, stop, text in chunks:
        if chunk_page != page:
            page, reached = chunk_page, start
        parts.append(text[max(0, min(reached - start, len(text))) :])
        reached = max(reached, stop)
    return "\n".join(parts)


def opening(text: str) -> list[str]:
    """The first :data:`WORDS` words of ``text``, case-folded."""
    return [w.casefold() for w in _WORD.findall(text)[:WORDS]]


def _trigrams(words: list[str]) -> set[tuple[str, ...]]:
    return {tuple(words[i : i + 3]) for i in range(max(1, len(words) - 2))}


def same_document(a: list[str], b: list[str]) -> bool:
    """Whether two openings (from :func:`opening`) are the same document's."""
    if not a or not b:
        return False
    shorter, longer = sorted((len(a), len(b)))
    if shorter < WORDS and shorter < _LENGTH_RATIO * longer:
        return False
    ta, tb = _trigrams(a[:shorter]), _trigrams(b[:shorter])
    return len(ta & tb) >= SAME * len(ta | tb)


def group(hits: Sequence[SearchHit], chunks: Mapping[str, Sequence[tuple]]) -> list[ResultGroup]:
    """``hits`` in their order with each later hit of the same document folded into the
    first one (as a variant). ``chunks`` maps a path to its leading chunks; hits past
    :data:`WINDOW` or without chunks (read by name only) stand alone."""
    groups: list[tuple[SearchHit, list[SearchHit], list[str]]] = []
    for rank, hit in enumerate(hits):
        words = opening(leading_text(chunks[hit.path])) if hit.path in chunks else []
        if rank < WINDOW and words:
            twin = next((g for g in groups if same_document(g[2], words)), None)
            if twin is not None:
                twin[1].append(hit)
                continue
        groups.append((hit, [], words if rank < WINDOW else []))
    return [ResultGroup(hit, tuple(variants)) for hit, variants, _ in groups]
