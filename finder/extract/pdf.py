"""PDF via :mod:`pypdf`: one :class:`Page` per PDF page, numbered from 1.

A page whose text cannot be extracted becomes an empty page rather than failing the file,
so the page numbers of the others stay right. Extraction stops once
``limits.max_text_chars`` characters are collected. Failures: a password-protected file
("encrypted PDF"), a file pypdf cannot parse ("not a valid PDF: ..."), and a file with no
text on any page ("no text layer (scanned PDF?)"; OCR is out of scope).

Tabs that pypdf puts between the words of a line (where the PDF positions words apart
instead of writing a space) become one space, so phrases and snippets read as in the page.
"""

from __future__ import annotations

import re
from collections.abc import Iterator
from pathlib import Path

from pypdf import PasswordType, PdfReader
from pypdf.errors import DependencyError, PdfReadError, PyPdfError

from finder.extract._common import normalise_newlines, truncate_pages
from finder.extract.types import Extracted, ExtractionError, ExtractLimits, Page

# A tab (with any blanks around it) between two visible characters of one line.
_TAB_BETWEEN_WORDS = re.compile(r"(?<=\S)[ \t]*\t[ \t]*(?=\S)")


def extract(path: Path, limits: ExtractLimits) -> Extracted:
    """Return the text of each page of the PDF at ``path``."""
    reader = _open(path)
    try:
        result = truncate_pages(_pages(reader), limits.max_text_chars)
    except PyPdfError as err:  # a broken page tree shows up only while walking the pages
        raise ExtractionError(f"not a valid PDF: {_reason(err)}") from err
    if not any(page.text.strip() for page in result.pages):
        raise ExtractionError("no text layer (scanned PDF?)")
    return result


def _open(path: Path) -> PdfReader:
    # Readers accept junk before the header, but only within the first KiB.
    with path.open("rb") as f:
        if b"%PDF-" not in f.read(1024):
            raise ExtractionError("not a valid PDF: no PDF header")
    try:
        reader = PdfReader(path)
        # PdfReader already tried the empty user password that "protected" PDFs often use.
        if reader.is_encrypted and reader.decrypt("") == PasswordType.NOT_DECRYPTED:
            raise ExtractionError("encrypted PDF")
        if len(reader.pages) == 0:
            raise ExtractionError("not a valid PDF: it has no pages")
    except DependencyError as err:
        # AES-encrypted files need the optional 'cryptography' package, even without a password.
        raise ExtractionError(f"encrypted PDF: {err}") from err
    except (PyPdfError, ValueError, KeyError, TypeError, AttributeError) as err:
        # pypdf reports damaged structure with its own errors but also with plain ones.
        raise ExtractionError(f"not a valid PDF: {_reason(err)}") from err
    return reader


def _pages(reader: PdfReader) -> Iterator[Page]:
    # A generator: truncate_pages stops pulling once the text budget is spent.
    for number, page in enumerate(reader.pages, start=1):
        try:
            text = page.extract_text()
        except (PdfReadError, ValueError, KeyError, TypeError, AttributeError):
            text = ""  # one broken content stream should not lose the other pages
        yield Page(number, _TAB_BETWEEN_WORDS.sub(" ", normalise_newlines(text)))


def _reason(err: Exception) -> str:
    message = str(err).strip() or type(err).__name__
    return message[:160]
