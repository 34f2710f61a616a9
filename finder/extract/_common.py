"""Small helpers shared by the format modules (not part of the public API)."""

from __future__ import annotations

import re
from collections.abc import Iterable

from finder.extract.types import Extracted, Page

_NEWLINES = re.compile(r"\r\n?|[\u2028\u2029\x85]")


def normalise_newlines(text: str) -> str:
    """Turn CRLF, lone CR and the Unicode line/paragraph separators into ``\\n``."""
    return _NEWLINES.sub("\n", text)


def truncate_pages(pages: Iterable[Page], max_chars: int) -> Extracted:
    """Keep pages in order until ``max_chars`` characters in total, cutting the last one short.

    Pages after the budget is spent are dropped entirely rather than kept empty, so a
    caller can tell from ``pages[-1].number`` how far extraction got.
    """
    kept: list[Page] = []
    budget = max_chars
    for page in pages:
        if budget <= 0:
            break
        text = page.text[:budget]
        kept.append(page if len(text) == len(page.text) else Page(page.number, text))
        budget -= len(text)
    return Extracted(tuple(kept))


def single_page(text: str, max_chars: int) -> Extracted:
    """The result for an unpaged format: one page numbered ``None``, truncated to the budget."""
    return Extracted((Page(None, text[:max_chars]),))
