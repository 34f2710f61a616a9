"""RTF extraction through striprtf, on handwritten RTF."""

from __future__ import annotations

from pathlib import Path

import pytest

from finder.extract import rtf
from finder.extract.types import ExtractionError, ExtractLimits, Page

LIMITS = ExtractLimits()

DOCUMENT = r"""{\rtf1\ansi\ansicpg1252\deff0
{\fonttbl{\f0\froman\fcharset0 Times New Roman;}{\f1\fswiss\fcharset0 Arial;}}
{\colortbl;\red255\green0\blue0;}
{\info{\title Hidden metadata title}{\author Someone}}
\pard\plain\f0\fs24 {\b Meeting notes}\par
Caf\'e9 d\'e9j\'e0 vu, price 5\u8364? today.\par
\pard\f1 Second\tab column\line next line\par
}
"""


def _write(tmp_path: Path, content: str | bytes) -> Path:
    path = tmp_path / "notes.rtf"
    path.write_bytes(content.encode("ascii") if isinstance(content, str) else content)
    return path


def test_rtf_text_with_escapes(tmp_path: Path) -> None:
    """Paragraphs, \\'xx and \\u escapes, tabs and line breaks come out as plain text."""
    extracted = rtf.extract(_write(tmp_path, DOCUMENT), LIMITS)
    assert extracted.pages == (
        Page(None, "Meeting notes\nCafé déjà vu, price 5€ today.\nSecond\tcolumn\nnext line"),
    )


def test_rtf_tables_and_metadata_groups_are_not_text(tmp_path: Path) -> None:
    """Font/colour tables and the info group do not leak into the text."""
    text = rtf.extract(_write(tmp_path, DOCUMENT), LIMITS).pages[0].text
    for noise in ("Times New Roman", "Arial", "Hidden metadata", "Someone", "red255"):
        assert noise not in text


def test_rtf_is_truncated(tmp_path: Path) -> None:
    """RTF text is cut to max_text_chars."""
    path = _write(tmp_path, r"{\rtf1\ansi " + "word " * 500 + "}")
    assert rtf.extract(path, ExtractLimits(max_text_chars=42)).pages[0].text == ("word " * 9)[:42]


def test_non_rtf_content_fails(tmp_path: Path) -> None:
    """A .rtf file without the {\\rtf header fails with a reason."""
    with pytest.raises(ExtractionError, match=r"^not an RTF document$"):
        rtf.extract(_write(tmp_path, "just some text"), LIMITS)


def test_empty_rtf_gives_empty_text(tmp_path: Path) -> None:
    """An empty .rtf file yields one empty page, like other empty files."""
    assert rtf.extract(_write(tmp_path, b""), LIMITS).pages == (Page(None, ""),)
