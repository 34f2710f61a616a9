"""Plain text in any encoding: prose, Markdown, source code, CSV/JSON/YAML, logs.

Encoding detection, in order:

1. A byte-order mark (UTF-8, UTF-16 or UTF-32) wins.
2. Otherwise a NUL byte in the first 8 KiB means binary content.
3. Strict UTF-8 (the common case, and ASCII is a subset).
4. Windows-1252 if the result reads like Western European text (see :func:`_looks_western`).
5. Otherwise whatever :mod:`charset_normalizer` guesses, falling back to Windows-1252.

Content that still decodes to mostly control characters is rejected as binary. Text is cut
to ``limits.max_text_chars`` and newlines are normalised to ``\\n``. An empty file is not an
error: it yields one empty page and the indexer decides what to do with it.
"""

from __future__ import annotations

import codecs
from pathlib import Path

import charset_normalizer

from finder.extract._common import normalise_newlines, single_page
from finder.extract.reading import open_regular
from finder.extract.types import Extracted, ExtractionError, ExtractLimits

BINARY_REASON = "binary content, not text"


class BinaryContentError(ExtractionError):
    """The file holds binary data, not text (reason :data:`BINARY_REASON`)."""

    def __init__(self, reason: str = BINARY_REASON) -> None:
        # The reason is a parameter only so that instances survive pickling.
        super().__init__(reason)


# UTF-32 LE must be tested before UTF-16 LE: its BOM starts with the UTF-16 LE one.
_BOMS: tuple[tuple[bytes, str], ...] = (
    (codecs.BOM_UTF32_LE, "utf-32"),
    (codecs.BOM_UTF32_BE, "utf-32"),
    (codecs.BOM_UTF8, "utf-8-sig"),
    (codecs.BOM_UTF16_LE, "utf-16"),
    (codecs.BOM_UTF16_BE, "utf-16"),
)
_SNIFF_BYTES = 8 * 1024
# How much of the input the encoding heuristics look at; they only need a representative
# sample, and charset_normalizer gets slow on tens of megabytes.
_SAMPLE_BYTES = 64 * 1024
# Characters that legitimately occur in text files although they are C0 controls.
_ALLOWED_CONTROLS = frozenset("\t\n\r\f\v\x1b")
_MAX_CONTROL_RATIO = 0.05
# Non-ASCII punctuation and symbols that Western text commonly contains in Windows-1252.
_WESTERN_SYMBOLS = frozenset("\u2013\u2014\u2018\u2019\u201c\u201d\u2026\u20ac£°«»•©®·§¶¿¡\u00d7")


def extract(path: Path, limits: ExtractLimits) -> Extracted:
    """Return the text of ``path`` as one page, or raise ``ExtractionError`` for binary data."""
    data, truncated = read_prefix(path, limits)
    return single_page(decode_text(data, truncated=truncated), limits.max_text_chars)


def extract_sniffed(path: Path, limits: ExtractLimits) -> Extracted:
    """Like :func:`extract`, but binary content yields a result marked ``binary`` (the file
    is then findable by name only) instead of an error.

    Used for files whose name does not say what they hold (no suffix, as ``README`` or
    ``Makefile`` but also executables; a suffix nobody listed, as ``README.Debian``):
    nothing claimed they were text, so finding that they are not is not a failure worth
    reporting. Only the first 8 KiB are read to decide, so a large binary file costs one
    small read, not a read of ``4 * limits.max_text_chars`` bytes.
    """
    try:
        with open_regular(path) as f:
            head = f.read(_SNIFF_BYTES + 1)
        decode_text(head[:_SNIFF_BYTES], truncated=len(head) > _SNIFF_BYTES)
        return extract(path, limits)
    except BinaryContentError:
        return Extracted((), binary=True)


def read_prefix(path: Path, limits: ExtractLimits) -> tuple[bytes, bool]:
    """Read enough bytes for ``limits.max_text_chars`` characters; say whether more exist.

    No supported encoding needs more than four bytes per character, plus a BOM.
    """
    budget = 4 * limits.max_text_chars + 4
    with path.open("rb") as f:
        data = f.read(budget + 1)
    return data[:budget], len(data) > budget


def decode_text(data: bytes, *, truncated: bool = False) -> str:
    """Decode raw bytes of a text file to ``str`` with ``\\n`` newlines.

    ``truncated`` says ``data`` is a prefix of the file, so an incomplete multi-byte
    sequence at its end is dropped instead of counting as a decoding error.
    Raises :class:`BinaryContentError` for content that is not text.
    """
    encoding = _bom_encoding(data)
    if encoding is None:
        if b"\x00" in data[:_SNIFF_BYTES]:
            raise BinaryContentError
        encoding = _guess_encoding(data, truncated=truncated)
    decoder = codecs.getincrementaldecoder(encoding)(errors="replace")
    text = decoder.decode(data, final=not truncated)
    if _mostly_controls(text[:_SNIFF_BYTES]):
        raise BinaryContentError
    return normalise_newlines(text)


def _bom_encoding(data: bytes) -> str | None:
    for bom, encoding in _BOMS:
        if data.startswith(bom):
            return encoding
    return None


def _guess_encoding(data: bytes, *, truncated: bool) -> str:
    try:
        codecs.getincrementaldecoder("utf-8")().decode(data, final=not truncated)
    except UnicodeDecodeError as err:
        bad = err.start
    else:
        return "utf-8"
    # Sample around the first non-UTF-8 byte: a long ASCII preamble says nothing about
    # which legacy encoding the rest is in.
    start = max(0, bad - 1024)
    sample = data[start : start + _SAMPLE_BYTES]
    # charset_normalizer alone labels short French or German text as Baltic or Central
    # European code pages (wrong accents), so the most common legacy encoding on desktops
    # is tried first and kept when it reads like Western European text.
    if _looks_western(sample.decode("cp1252", errors="replace")):
        return "cp1252"
    best = charset_normalizer.from_bytes(sample).best()
    return best.encoding if best is not None else "cp1252"


def _looks_western(text: str) -> bool:
    """True if the non-ASCII characters of ``text`` look like accents in Latin-script words.

    Text from another script decoded as Windows-1252 turns into whole words of accented
    letters ("Ïðèâåò") or symbols ("Za¿ó³æ"); real Western text has accented letters next to
    ASCII letters ("déjà") plus some typographic punctuation.
    """
    odd = plausible = 0
    for i, ch in enumerate(text):
        if ch.isascii():
            continue
        odd += 1
        if ch in _WESTERN_SYMBOLS:
            plausible += 1
        elif ch.isalpha():
            before = text[i - 1] if i > 0 else " "
            after = text[i + 1] if i + 1 < len(text) else " "
            if before.isascii() or after.isascii():
                plausible += 1
    return plausible >= 0.9 * odd


def _mostly_controls(sample: str) -> bool:
    if not sample:
        return False
    bad = sum(
        1
        for ch in sample
        if ch == "\ufffd" or (ch < " " and ch not in _ALLOWED_CONTROLS) or ch == "\x7f"
    )
    return bad > _MAX_CONTROL_RATIO * len(sample)
