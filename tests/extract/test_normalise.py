"""Extracted text in one canonical form (finder.extract.normalise), whatever the format."""

from __future__ import annotations

import os
from pathlib import Path

import pytest
import reportlab
from reportlab.pdfbase import pdfmetrics
from reportlab.pdfbase.ttfonts import TTFont
from reportlab.pdfgen import canvas

from finder.extract import text
from finder.extract.normalise import normalise_query, normalise_text
from finder.extract.registry import extract_file, extractor_for
from finder.extract.types import Extracted, ExtractLimits, Page

LIMITS = ExtractLimits()
# A TrueType font shipped with reportlab that has the fi and fl ligature glyphs.
VERA = os.path.join(os.path.dirname(reportlab.__file__), "fonts", "Vera.ttf")


def ligature_pdf(path: Path) -> Path:
    """A PDF that spells "file" and "flagged" with ligature glyphs and breaks
    "information" across two lines with a hyphen, as typeset documents do."""
    pdfmetrics.registerFont(TTFont("Vera", VERA))
    doc = canvas.Canvas(str(path))
    doc.setFont("Vera", 12)
    doc.drawString(72, 720, "The signed \ufb01le was \ufb02agged by the roofer.")
    doc.drawString(72, 700, "Please send the infor-")
    doc.drawString(72, 686, "mation about the repair.")
    doc.save()
    return path


@pytest.mark.parametrize(
    ("raw", "expected"),
    [
        ("a \ufb01le, \ufb02ow, \ufb00ort, o\ufb03ce", "a file, flow, ffort, office"),
        ("pro\u00adcess\u00ading", "processing"),
        ("infor-\nmation", "information"),
        ("infor-  \n   mation", "information"),
        ("pre-\nde-\nfined", "predefined"),
        ("Stra\u00dfen-\nbahn", "Stra\u00dfenbahn"),
        ("Jean-\nPaul", "Jean-\nPaul"),
        ("item-\n42", "item-\n42"),
        ("the list -\nnext", "the list -\nnext"),
        ("\uff26\uff55\uff4c\uff4c width", "Full width"),
        ("plain text stays", "plain text stays"),
    ],
)
def test_normalise_text(raw: str, expected: str) -> None:
    """Ligatures and full-width forms become plain letters, soft hyphens vanish, and only
    lower-case halves of a word broken at a line end are joined."""
    assert normalise_text(raw) == expected


def test_query_gets_nfkc_but_keeps_its_hyphens() -> None:
    """A pasted query meets the index: ligatures unfold, soft hyphens go, "e-mail" stays."""
    assert normalise_query("\ufb01le e-mail co\u00adop") == "file e-mail coop"


def test_every_format_reaches_the_index_normalised(tmp_path: Path) -> None:
    """extract_file normalises what any extractor returns: a text file's ligatures and soft
    hyphens, and the ligature of an HTML file (another parser, from a character entity)."""
    notes = tmp_path / "notes.txt"
    notes.write_text("The \ufb01nal o\ufb00er for the ga\u00adrage.\n", encoding="utf-8")
    page = tmp_path / "page.html"
    page.write_text("<html><body><p>The o&#xFB03;ce is closed.</p></body></html>")
    assert extract_file(notes, LIMITS).pages == (Page(None, "The final offer for the garage.\n"),)
    assert "The office is closed." in extract_file(page, LIMITS).pages[0].text


def test_pdf_ligatures_and_line_end_hyphens_become_plain_words(tmp_path: Path) -> None:
    """A PDF typeset with ligature glyphs and a hyphenated line end yields plain words."""
    extracted = extract_file(ligature_pdf(tmp_path / "letter.pdf"), LIMITS)
    words = extracted.pages[0].text.split()
    assert {"file", "flagged", "information"} <= set(words)
    assert not any("\ufb01" in w or "\ufb02" in w for w in words)


@pytest.mark.parametrize(
    ("name", "content"),
    [
        ("README.Debian", "Notes for the Debian package of finder.\n"),
        ("NEWS", "Version 2.0: faster indexing.\n"),
        ("changes.old", "Old change log: fixed the scanner.\n"),
        ("install.1", ".TH FINDER 1\n.SH NAME\nfinder - find files\n"),
        ("minutes.2024", "Minutes of the meeting in caf\u00e9 Central.\n"),
    ],
)
def test_text_is_recognised_by_content_whatever_the_name(
    tmp_path: Path, name: str, content: str
) -> None:
    """A text file with no suffix, or a suffix nobody listed, is extracted as text."""
    path = tmp_path / name
    path.write_text(content, encoding="utf-8")
    assert extractor_for(path) is text.extract_sniffed
    assert extract_file(path, LIMITS).pages == (Page(None, content),)


def test_binary_with_an_unknown_suffix_is_empty_without_error(tmp_path: Path) -> None:
    """A binary file whose suffix says nothing is marked binary (name only), not a
    failure, even when it is larger than the sniffed prefix."""
    path = tmp_path / "state.xyzdata"
    path.write_bytes(b"\x89XYZ\x00\x01" + bytes(range(256)) * 400)
    assert extract_file(path, LIMITS) == Extracted((), binary=True)


@pytest.mark.parametrize("name", ["photo.JPG", "song.mp3", "backup.zip", "sheet.xlsx"])
def test_known_binary_formats_are_not_opened(name: str) -> None:
    """Images, audio, archives and binary office files keep no extractor: name only."""
    assert extractor_for(Path(name)) is None
