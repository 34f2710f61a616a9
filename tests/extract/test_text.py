"""Plain-text extraction: encodings, binary rejection, truncation, empties."""

from __future__ import annotations

import codecs
from pathlib import Path

import pytest

from finder.extract import text
from finder.extract.types import Extracted, ExtractionError, ExtractLimits, Page

LIMITS = ExtractLimits()
FRENCH = "café déjà vu, naïve façade. " * 20


def _write(tmp_path: Path, name: str, data: bytes) -> Path:
    path = tmp_path / name
    path.write_bytes(data)
    return path


def test_utf8_text_is_one_unnumbered_page(tmp_path: Path) -> None:
    """UTF-8 text comes back verbatim as a single page with number None."""
    path = _write(tmp_path, "notes.md", "# Notes\n\nünïcödé ✓ 日本語\n".encode())
    assert text.extract(path, LIMITS).pages == (Page(None, "# Notes\n\nünïcödé ✓ 日本語\n"),)


def test_newlines_are_normalised(tmp_path: Path) -> None:
    """CRLF and lone CR line endings become LF."""
    path = _write(tmp_path, "dos.txt", b"one\r\ntwo\rthree\n")
    assert text.extract(path, LIMITS).pages[0].text == "one\ntwo\nthree\n"


@pytest.mark.parametrize(
    ("encoding", "bom"),
    [
        ("utf-16-le", codecs.BOM_UTF16_LE),
        ("utf-16-be", codecs.BOM_UTF16_BE),
        ("utf-8", codecs.BOM_UTF8),
        ("utf-32-le", codecs.BOM_UTF32_LE),
    ],
)
def test_byte_order_marks_select_the_encoding(tmp_path: Path, encoding: str, bom: bytes) -> None:
    """A BOM decides the encoding, and the BOM itself is not part of the text."""
    path = _write(tmp_path, "bom.txt", bom + FRENCH.encode(encoding))
    assert text.extract(path, LIMITS).pages[0].text == FRENCH


@pytest.mark.parametrize(
    ("encoding", "content"),
    [("latin-1", FRENCH), ("cp1252", FRENCH + "Prix : 5 € \u2013 « très bon »\n")],
)
def test_western_legacy_encodings_keep_their_accents(
    tmp_path: Path, encoding: str, content: str
) -> None:
    """Latin-1 / Windows-1252 French text decodes with the right accents and symbols."""
    path = _write(tmp_path, "legacy.txt", content.encode(encoding))
    assert text.extract(path, LIMITS).pages[0].text == content


def test_cyrillic_legacy_encoding_is_detected(tmp_path: Path) -> None:
    """Non-Western legacy text (Windows-1251 Russian) goes through charset detection."""
    russian = "Привет, как дела? Это простой текст на русском языке. " * 5
    path = _write(tmp_path, "ru.txt", russian.encode("cp1251"))
    assert text.extract(path, LIMITS).pages[0].text == russian


def test_nul_bytes_mean_binary(tmp_path: Path) -> None:
    """A file with NUL bytes, whatever its name, fails as binary content."""
    path = _write(tmp_path, "image.txt", b"\x89PNG\r\n\x1a\n\x00\x00\x00\rIHDR" + bytes(range(256)))
    with pytest.raises(ExtractionError, match=r"^binary content, not text$"):
        text.extract(path, LIMITS)


def test_control_character_soup_means_binary(tmp_path: Path) -> None:
    """Binary data without NULs is still rejected once decoded to control characters."""
    path = _write(tmp_path, "noise.log", bytes(range(1, 32)) * 64)
    with pytest.raises(ExtractionError, match="binary content"):
        text.extract(path, LIMITS)


def test_text_is_truncated_to_the_limit(tmp_path: Path) -> None:
    """Text beyond max_text_chars is dropped."""
    path = _write(tmp_path, "big.log", b"x" * 10_000)
    extracted = text.extract(path, ExtractLimits(max_text_chars=100))
    assert extracted.pages[0].text == "x" * 100


def test_truncation_does_not_split_a_multibyte_character(tmp_path: Path) -> None:
    """Reading only a prefix of a UTF-8 file never leaves a broken character behind."""
    path = _write(tmp_path, "accents.txt", "é".encode() * 1000)
    assert text.extract(path, ExtractLimits(max_text_chars=7)).pages[0].text == "é" * 7


def test_empty_file_gives_one_empty_page(tmp_path: Path) -> None:
    """An empty file is not an error: it yields one empty page."""
    path = _write(tmp_path, "empty.txt", b"")
    extracted = text.extract(path, LIMITS)
    assert extracted.pages == (Page(None, ""),)


def test_sniffed_binary_is_empty_not_an_error(tmp_path: Path) -> None:
    """extract_sniffed (files without a suffix) marks binary content, with no pages."""
    path = _write(tmp_path, "program", b"\x7fELF\x02\x01\x01\x00\x00\x00")
    assert text.extract_sniffed(path, LIMITS) == Extracted((), binary=True)


def test_sniffed_text_is_extracted(tmp_path: Path) -> None:
    """extract_sniffed returns the text of a suffix-less text file."""
    path = _write(tmp_path, "Makefile", b"all:\n\tcc main.c\n")
    assert text.extract_sniffed(path, LIMITS).pages[0].text == "all:\n\tcc main.c\n"
