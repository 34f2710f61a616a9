"""HTML and XHTML: the text a reader would see, via the stdlib :mod:`html.parser`.

Script, style, template and noscript contents are dropped, and so is ``<head>`` apart from
``<title>``, which becomes the first line. Block-level elements start new lines; runs of
whitespace collapse to one space (layout whitespace, even in ``<pre>``, is not kept: it does
not help search). Entities are decoded. The byte encoding comes from a BOM, a
``<meta charset>`` / XML declaration near the top, or the plain-text detection.
"""

from __future__ import annotations

import codecs
import re
from html.parser import HTMLParser
from pathlib import Path

from finder.extract._common import single_page
from finder.extract.text import decode_text, read_prefix
from finder.extract.types import Extracted, ExtractLimits

# Elements whose content is never shown. head is handled separately (its title is kept).
_HIDDEN = frozenset({"script", "style", "template", "noscript", "svg"})
# Elements that start a new line of text when they open or close.
_BLOCK_WORDS = """address article aside blockquote body br caption dd details dialog div dl dt
fieldset figcaption figure footer form h1 h2 h3 h4 h5 h6 header hgroup hr html li main
nav ol option p pre section summary table tbody tfoot thead tr ul"""
_BLOCKS = frozenset(_BLOCK_WORDS.split())
# Table cells also get separated from each other on the same row.
_CELLS = frozenset({"td", "th"})
_DECLARED_CHARSET = re.compile(rb"""(?:charset|encoding)\s*=\s*["']?\s*([A-Za-z0-9._:-]+)""")
_SPACES = re.compile(r"[ \t\r\n\f\v\u00a0]+")
_BLANK_LINES = re.compile(r"\n{3,}")


def extract(path: Path, limits: ExtractLimits) -> Extracted:
    """Return the visible text of the HTML file at ``path`` as one page."""
    data, truncated = read_prefix(path, limits)
    return single_page(html_to_text(decode_html(data, truncated=truncated)), limits.max_text_chars)


def decode_html(data: bytes, *, truncated: bool = False) -> str:
    """Decode HTML bytes, honouring an encoding declared in the first 2 KiB."""
    if not data.startswith((codecs.BOM_UTF8, codecs.BOM_UTF16_LE, codecs.BOM_UTF16_BE)):
        match = _DECLARED_CHARSET.search(data[:2048])
        if match is not None:
            try:
                encoding = codecs.lookup(match.group(1).decode("ascii")).name
            except LookupError:
                encoding = None  # an unknown label: fall back to detection
            if encoding in ("ascii", "iso8859-1"):
                encoding = "cp1252"  # what browsers do: the labels mean Windows-1252 in practice
            if encoding is not None and not encoding.startswith("utf-16"):
                # A declared UTF-16 in bytes we could read as ASCII is a lie; ignore it.
                decoder = codecs.getincrementaldecoder(encoding)(errors="replace")
                return decoder.decode(data, final=not truncated)
    return decode_text(data, truncated=truncated)


def html_to_text(markup: str, *, include_title: bool = True) -> str:
    """Return the visible text of an HTML document or fragment.

    ``include_title=False`` leaves out ``<title>``; EPUB chapters often repeat the book
    title there, and it would make an image-only page look like it has text.
    """
    parser = _VisibleText()
    parser.feed(markup)
    parser.close()
    return parser.text(include_title=include_title)


class _VisibleText(HTMLParser):
    def __init__(self) -> None:
        super().__init__(convert_charrefs=True)
        self._title: list[str] = []
        self._parts: list[str] = []
        self._hidden_depth = 0
        self._in_head = False
        self._in_title = False

    def handle_starttag(self, tag: str, attrs: list[tuple[str, str | None]]) -> None:
        if tag in _HIDDEN:
            self._hidden_depth += 1
        elif tag == "head":
            self._in_head = True
        elif tag == "body":
            # </head> is optional, so <body> also ends the head.
            self._in_head = False
        elif tag == "title":
            self._in_title = True
        if tag in _BLOCKS:
            self._parts.append("\n")
        elif tag in _CELLS:
            self._parts.append(" ")

    def handle_endtag(self, tag: str) -> None:
        if tag in _HIDDEN:
            self._hidden_depth = max(0, self._hidden_depth - 1)
        elif tag == "head":
            self._in_head = False
        elif tag == "title":
            self._in_title = False
        if tag in _BLOCKS:
            self._parts.append("\n")

    def handle_startendtag(self, tag: str, attrs: list[tuple[str, str | None]]) -> None:
        # <br/>, <hr/>, <img/>: a self-closed element never hides what follows it.
        if tag in _BLOCKS:
            self._parts.append("\n")

    def handle_data(self, data: str) -> None:
        if self._in_title:
            if not self._hidden_depth:
                self._title.append(data)
        elif not self._hidden_depth and not self._in_head:
            # Source line breaks are just whitespace; only block elements break lines.
            self._parts.append(_SPACES.sub(" ", data))

    def text(self, *, include_title: bool) -> str:
        title = _SPACES.sub(" ", "".join(self._title)).strip() if include_title else ""
        lines = (line.strip() for line in "".join(self._parts).split("\n"))
        body = _BLANK_LINES.sub("\n\n", "\n".join(lines)).strip()
        return f"{title}\n\n{body}" if title and body else title or body
