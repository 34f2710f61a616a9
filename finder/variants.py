"""The same document in several formats (report.pdf and report.docx): one result, not two.

Sameness is decided by text, never by name, and is the one test finder has for "the
same document" (the near-duplicate finder, :mod:`finder.explore.duplicates`, uses it
too): two texts are one document when most words of *each* lie in a run of three words
the other text also has (:func:`similarity`). Formats extract differently (line breaks,
page breaks, a page number in a footer, a hyphenated word) and an edited version changes
a word here and a sentence there: each costs only the words next to it, where a hash of
the text, or a Jaccard index of 3-grams, loses far more (20 % of words changed leaves
about a third of the 3-grams shared). Two different documents share almost none (letters
from one template share their letterhead and signature, not the body), and a short
excerpt is not its source: most of the source's words are not in the excerpt.

Pure functions and a value type; no I/O. The window's search worker fetches the chunks
(``Catalog.leading_chunks``) for the first :data:`WINDOW` hits and calls :func:`group`.
"""

from __future__ import annotations

import re
from collections.abc import Mapping, Sequence
from dataclasses import dataclass

import numpy as np

from finder.domain import SearchHit

WINDOW = 20  # only the first hits are compared: what a person looks at
LEADING_CHUNKS = 12  # chunks fetched per file: enough for WORDS words of paged text
WORDS = 300  # the opening compared, in words
# The share of each text's words in runs the other has, at or above which two texts are one
# document: an edit of 20 % of the words, scattered, keeps 0.71-0.75; letters from one
# template and unrelated files stay far lower (tests/bench/bench_duplicates.py measures).
SAME = 0.65
# Shorter texts are one document only when their words are the same: in a note of a few
# lines one changed word is a different note ("take the kitten / the puppy to the vet"),
# yet leaves nearly every word in a shared run.
MIN_WORDS = 30
_MIX = np.uint64(0x9E3779B97F4A7C15)  # odd 64-bit constants mixing a run's three word hashes
_MIX2 = np.uint64(0xC2B2AE3D27D4EB4F)
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
    return words_of(text)[:WORDS]


def words_of(text: str) -> list[str]:
    """The words of ``text``, case-folded, in order."""
    return _WORD.findall(text.casefold())


def fingerprint(words: Sequence[str]) -> np.ndarray:
    """Each run of three neighbouring words as a 64-bit hash, in order (uint64, one run
    fewer than two less than the words; a text of one or two words is one run). The
    hashes are Python's string hashes: comparable within one process only."""
    h = np.fromiter(map(hash, words), dtype=np.int64, count=len(words)).view(np.uint64)
    if len(h) < 3:
        h = np.concatenate([h, np.zeros(3 - len(h), np.uint64)])
    return (h[:-2] * _MIX + h[1:-1]) * _MIX2 + h[2:]


def distinct(runs: np.ndarray) -> np.ndarray:
    """The distinct values of a fingerprint, sorted: what :func:`covered` looks runs up in."""
    ordered = np.sort(runs)
    return ordered[np.r_[True, ordered[1:] != ordered[:-1]]] if len(ordered) else ordered


def covered(a: np.ndarray, b_distinct: np.ndarray) -> float:
    """The share of the words behind fingerprint ``a`` that lie in a run of the other
    text (``b_distinct``: its :func:`distinct` runs)."""
    if not len(a) or not len(b_distinct):
        return 0.0
    at = np.minimum(np.searchsorted(b_distinct, a), len(b_distinct) - 1)
    shared = b_distinct[at] == a
    words = np.zeros(len(a) + 2, dtype=bool)
    words[:-2] |= shared
    words[1:-1] |= shared
    words[2:] |= shared
    return float(words.mean())


def similarity(
    a: np.ndarray,
    b: np.ndarray,
    a_distinct: np.ndarray | None = None,
    b_distinct: np.ndarray | None = None,
) -> float:
    """How much two fingerprints are one text, 0..1: the lesser of the shares of each
    text's words found in runs of the other (so an excerpt is not like its source).
    ``a_distinct``/``b_distinct``: their :func:`distinct` runs, if already at hand."""
    a_distinct = distinct(a) if a_distinct is None else a_distinct
    b_distinct = distinct(b) if b_distinct is None else b_distinct
    return min(covered(a, b_distinct), covered(b, a_distinct))


def same_document(a: Sequence[str], b: Sequence[str]) -> bool:
    """Whether two word lists (from :func:`opening`) are the same document's."""
    if not a or not b:
        return False
    if min(len(a), len(b)) < MIN_WORDS:
        return list(a) == list(b)
    return similarity(fingerprint(a), fingerprint(b)) >= SAME


def firsts(paths: Sequence[str], chunks: Mapping[str, Sequence[tuple]]) -> list[int]:
    """For each of ``paths`` in order, the index of the first path of the same document:
    its own when no earlier one is (or it has no chunks: read by name only). ``chunks``
    maps a path to its leading chunks; a path is compared with earlier firsts only."""
    out: list[int] = []
    leaders: list[tuple[int, list[str]]] = []
    for i, path in enumerate(paths):
        words = opening(leading_text(chunks[path])) if path in chunks else []
        twin = next((j for j, other in leaders if same_document(other, words)), i)
        if twin == i and words:
            leaders.append((i, words))
        out.append(twin)
    return out


def group(hits: Sequence[SearchHit], chunks: Mapping[str, Sequence[tuple]]) -> list[ResultGroup]:
    """``hits`` in their order with each later hit of the same document folded into the
    first one (as a variant). ``chunks`` maps a path to its leading chunks; hits past
    :data:`WINDOW` or without chunks (read by name only) stand alone."""
    first = firsts([h.path for h in hits[:WINDOW]], chunks)
    variants: dict[int, list[SearchHit]] = {}
    for rank, hit in enumerate(hits):
        if rank < WINDOW and first[rank] != rank:
            variants[first[rank]].append(hit)
        else:
            variants[rank] = []
    return [ResultGroup(hits[rank], tuple(v)) for rank, v in variants.items()]
