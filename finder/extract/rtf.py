"""RTF via :mod:`striprtf`: the document text as one page.

RTF is 7-bit ASCII with escapes for everything else, but some writers put raw UTF-8 or
Windows-1252 bytes in it; those are decoded before stripping so they survive.
"""

from __future__ import annotations

from pathlib import Path

from striprtf.striprtf import rtf_to_text

from finder.extract._common import normalise_newlines, single_page
from finder.extract.types import Extracted, ExtractionError, ExtractLimits

_MAGIC = b"{\\rtf"


def extract(path: Path, limits: ExtractLimits) -> Extracted:
    """Return the text of the RTF document at ``path``."""
    data = path.read_bytes()
    if not data.lstrip().startswith(_MAGIC):
        if not data.strip():
            return single_page("", limits.max_text_chars)
        raise ExtractionError("not an RTF document")
    try:
        markup = data.decode("utf-8")
    except UnicodeDecodeError:
        markup = data.decode("cp1252", errors="replace")
    # errors="replace": a wrong \ansicpg or a broken \'xx escape should cost one character,
    # not the document.
    text = rtf_to_text(markup, errors="replace")
    return single_page(normalise_newlines(text).strip(), limits.max_text_chars)
