"""One canonical form for extracted text, so a word is indexed, chunked and shown one way.

Applied by :func:`finder.extract.registry.extract_file` to every page any extractor
returns (in the parser worker), so the keyword index, the chunks (and their vectors) and
the preview, which is joined from chunks, all see the same text. Queries get the same
NFKC step (:func:`finder.query.parse_query`) so "ﬁle" and "file" meet.

What changes:

- NFKC: the ligatures many PDFs use (ﬁ ﬂ ﬀ ﬃ), full-width letters, non-breaking
  spaces and the like become their plain forms;
- soft hyphens (U+00AD, invisible unless a line breaks there) are removed;
- a word hyphenated across a line end is joined ("infor-\\nmation" -> "information")
  when the letters either side of the break are lower-case, so "Jean-\\nPaul" and
  "x-\\n1" stay as they are.

:data:`EXTRACTION_VERSION` names the form: an index built with an older one is
re-extracted once (:mod:`finder.indexing.pipeline`). Raise it whenever a change here, or
in an extractor, changes the text that existing files would yield.
"""

from __future__ import annotations

import re
import unicodedata

from finder.extract.types import Extracted, Page

EXTRACTION_VERSION = 3
"""1: text as each parser returned it; 2: :func:`normalise_text` applied; 3: a file
sniffed as binary is name-only, no longer an empty readable file."""

_SOFT_HYPHEN = "\u00ad"
# After a letter: a hyphen at the end of a line (trailing blanks allowed) and the next
# line's indent, before a letter. The letters are looked at, not consumed, so a word broken
# twice joins twice; their case is checked in _join_lines so any script's lower case counts.
_LINE_END_HYPHEN = re.compile(r"(?<=[^\W\d_])-[ \t]*\n[ \t]*(?=[^\W\d_])")


def normalise_text(text: str) -> str:
    """``text`` in the canonical form described in the module docstring."""
    if text.isascii():
        # No ligature, soft hyphen or other compatibility form: only the joins apply.
        return _join_lines(text) if "-" in text else text
    text = unicodedata.normalize("NFKC", text).replace(_SOFT_HYPHEN, "")
    return _join_lines(text)


def normalise_extracted(extracted: Extracted) -> Extracted:
    """``extracted`` with each page's text normalised; page numbers are kept."""
    pages = tuple(Page(p.number, normalise_text(p.text)) for p in extracted.pages)
    return Extracted(pages, extracted.binary)


def normalise_query(text: str) -> str:
    """What a query is matched as: NFKC, without soft hyphens (pasted from a document)."""
    return unicodedata.normalize("NFKC", text).replace(_SOFT_HYPHEN, "")


def _join_lines(text: str) -> str:
    def join(m: re.Match[str]) -> str:
        if text[m.start() - 1].islower() and text[m.end()].islower():
            return ""
        return m.group(0)

    return _LINE_END_HYPHEN.sub(join, text)
