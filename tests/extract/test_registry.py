"""Suffix dispatch, size limit and error normalisation in finder.extract.registry."""

from __future__ import annotations

from pathlib import Path

import pytest

from finder.extract import html, office, pdf, registry, rtf, text
from finder.extract.registry import extract_file, extractor_for
from finder.extract.types import Extracted, ExtractionError, ExtractLimits
from tests.extract.hostile import crash, hang

LIMITS = ExtractLimits()


@pytest.mark.parametrize(
    ("name", "expected"),
    [
        ("notes.txt", text.extract),
        ("README.md", text.extract),
        ("data.CSV", text.extract),
        ("config.yaml", text.extract),
        ("main.py", text.extract),
        ("lib.rs", text.extract),
        ("App.tsx", text.extract),
        ("query.sql", text.extract),
        ("theme.scss", text.extract),
        ("page.html", html.extract),
        ("page.HTM", html.extract),
        ("chapter.xhtml", html.extract),
        ("paper.PDF", pdf.extract),
        ("letter.docx", office.extract_docx),
        ("essay.odt", office.extract_odt),
        ("novel.epub", office.extract_epub),
        ("memo.rtf", rtf.extract),
        ("Makefile", text.extract_sniffed),
        (".bashrc", text.extract_sniffed),
        ("component.ts", text.extract_sniffed),
    ],
)
def test_suffix_selects_extractor(name: str, expected: registry.Extractor) -> None:
    """Each supported suffix, in any case, maps to its format's extractor."""
    assert extractor_for(Path(name)) is expected


@pytest.mark.parametrize("name", ["photo.jpg", "archive.tar.gz", "movie.mkv", "app.exe", "x.doc"])
def test_unknown_suffix_has_no_extractor(name: str) -> None:
    """Files with unsupported suffixes are indexed by name only (no extractor)."""
    assert extractor_for(Path(name)) is None


def test_extract_file_on_unsupported_suffix_fails(tmp_path: Path) -> None:
    """extract_file refuses a file no extractor handles, naming the suffix."""
    path = tmp_path / "photo.jpg"
    path.write_bytes(b"\xff\xd8\xff")
    with pytest.raises(ExtractionError, match=r"^no text extractor for \.jpg files$"):
        extract_file(path, LIMITS)


def test_suffixless_binary_is_name_only_without_error(tmp_path: Path) -> None:
    """A binary file without suffix is marked binary (name only) instead of an error."""
    path = tmp_path / "tool"
    path.write_bytes(b"\x7fELF\x02\x01\x01\x00" + bytes(100))
    assert extract_file(path, LIMITS) == Extracted((), binary=True)


def test_suffixless_text_is_extracted(tmp_path: Path) -> None:
    """A text file without suffix is extracted as text."""
    path = tmp_path / "LICENSE"
    path.write_text("MIT License\n\nPermission is hereby granted")
    assert extract_file(path, LIMITS).pages[0].text.startswith("MIT License")


def test_file_over_size_limit_fails(tmp_path: Path) -> None:
    """A file larger than max_file_bytes fails with the limit in MB."""
    path = tmp_path / "huge.log"
    path.write_bytes(b"x" * (2 * 1024 * 1024 + 1))
    with pytest.raises(ExtractionError, match=r"^larger than 2 MB$"):
        extract_file(path, ExtractLimits(max_file_bytes=2 * 1024 * 1024))


def test_missing_file_fails_with_os_reason(tmp_path: Path) -> None:
    """A path that does not exist fails with a readable reason, not FileNotFoundError."""
    with pytest.raises(ExtractionError, match=r"^cannot read file: No such file or directory$"):
        extract_file(tmp_path / "gone.txt", LIMITS)


def test_directory_is_not_a_regular_file(tmp_path: Path) -> None:
    """A directory named like a text file is refused before any parser opens it."""
    (tmp_path / "folder.txt").mkdir()
    with pytest.raises(ExtractionError, match=r"^not a regular file$"):
        extract_file(tmp_path / "folder.txt", LIMITS)


def test_parser_bug_becomes_concise_extraction_error(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    """An unexpected exception from a parser turns into 'Type: message', cut to ~200 chars."""

    def buggy(path: Path, limits: ExtractLimits) -> Extracted:
        raise ValueError("bad\nthing " + "x" * 500)

    monkeypatch.setitem(registry.EXTRACTORS, ".buggy", buggy)
    path = tmp_path / "input.buggy"
    path.write_text("anything")
    with pytest.raises(ExtractionError) as caught:
        extract_file(path, LIMITS)
    reason = str(caught.value)
    assert reason.startswith("ValueError: bad thing xxx")
    assert len(reason) <= 200
    assert "\n" not in reason


def test_memory_error_is_not_swallowed(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    """MemoryError passes through extract_file so the sandbox can report the memory limit."""

    def greedy(path: Path, limits: ExtractLimits) -> Extracted:
        raise MemoryError

    monkeypatch.setitem(registry.EXTRACTORS, ".greedy", greedy)
    path = tmp_path / "input.greedy"
    path.write_text("anything")
    with pytest.raises(MemoryError):
        extract_file(path, LIMITS)


def test_only_extractors_added_at_run_time_are_listed_as_added(
    monkeypatch: pytest.MonkeyPatch,
) -> None:
    """The package ships no test suffix; a new suffix and a replaced extractor are what
    added_extractors() lists (what the sandbox hands its workers)."""
    assert registry.added_extractors() == {}
    assert extractor_for(Path("x.finder-test-hang")) is text.extract_sniffed
    monkeypatch.setitem(registry.EXTRACTORS, ".finder-test-hang", hang)
    monkeypatch.setitem(registry.EXTRACTORS, ".txt", crash)
    assert registry.added_extractors() == {".finder-test-hang": hang, ".txt": crash}
    assert extractor_for(Path("x.finder-test-hang")) is hang
