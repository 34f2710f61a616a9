"""The engine end to end: real files, real model, real SQLite and hnswlib."""

from __future__ import annotations

import os
from collections.abc import Callable
from dataclasses import replace
from pathlib import Path

import pytest

from finder.engine import IndexReader, IndexWriter
from tests.conftest import write

# Each file is about one thing; each query says the same thing in other words.
CORPUS = {
    "2024/quotes/renovation-agreement.txt": (
        "The plumber agreed to replace the kitchen pipes and the boiler for 1200 euros.\n\n"
        "Payment is due within thirty days of completion of the works."
    ),
    "pets/kitten.md": "Feed your kitten twice daily and book vaccinations at the vet.",
    "taxes/deadline.txt": "Income declarations must reach the revenue office by April 30.",
    "outdoors/trail.txt": "The path climbs 800 metres through pine forest to a mountain hut.",
    "kitchen/bread.md": "Knead the dough ten minutes, let it rise overnight, then bake at 220 C.",
    "car/service.txt": "Change the engine oil every 10,000 km and check tyre pressure monthly.",
    "work/q3.txt": "Quarterly revenue grew 12 percent, driven by cloud subscriptions in Europe.",
    "notes/XJ-9000.log": "Firmware build XJ-9000 failed: checksum mismatch in bootloader stage.",
}

PARAPHRASES = {
    "contract we signed with the tradesman fixing water lines": "renovation-agreement.txt",
    "looking after a young feline pet": "kitten.md",
    "when must I hand in my tax forms": "deadline.txt",
    "hiking route up a peak in the woods": "trail.txt",
    "how to make a homemade loaf": "bread.md",
    "automobile maintenance schedule": "service.txt",
}


@pytest.fixture
def corpus(tmp_path: Path) -> Path:
    root = tmp_path / "files"
    for rel, text in CORPUS.items():
        write(root / rel, text)
    return root


@pytest.fixture
def indexed(open_engine: Callable[..., IndexWriter], corpus: Path) -> IndexWriter:
    engine = open_engine()
    engine.add_roots([corpus])
    engine.index()
    return engine


def top(engine: IndexWriter | IndexReader, query: str) -> str:
    reader = engine.reader() if isinstance(engine, IndexWriter) else engine
    hits = reader.search(query, 5)
    assert hits, f"no result for {query!r}"
    return Path(hits[0].path).name


@pytest.mark.parametrize(("query", "expected"), PARAPHRASES.items())
def test_paraphrase_finds_the_right_file(indexed: IndexWriter, query: str, expected: str) -> None:
    """A query sharing no content word with its file still ranks that file first."""
    assert top(indexed, query) == expected


def test_file_name_query_ranks_that_file_first(indexed: IndexWriter) -> None:
    """Typing a file's name (with or without extension) puts that file first."""
    assert top(indexed, "bread.md") == "bread.md"
    assert top(indexed, "renovation-agreement") == "renovation-agreement.txt"


def test_identifier_and_quoted_phrase_come_first(indexed: IndexWriter) -> None:
    """A rare identifier or a quoted phrase finds the file containing it literally first."""
    assert top(indexed, "XJ-9000 problem") == "XJ-9000.log"
    assert top(indexed, '"thirty days of completion" money') == "renovation-agreement.txt"
    hit = indexed.reader().search('"checksum mismatch"', 1)[0]
    assert "exact" in hit.matched_by
    assert "checksum mismatch" in hit.snippet


def test_hit_carries_snippet_terms_and_dates(indexed: IndexWriter, corpus: Path) -> None:
    """A hit has the absolute path, the matching passage, matched terms and mtime."""
    hit = indexed.reader().search("plumber boiler", 1)[0]
    assert hit.path == str(corpus / "2024/quotes/renovation-agreement.txt")
    assert "plumber" in hit.snippet and "plumber" in hit.terms
    expected_mtime = os.stat(hit.path).st_mtime_ns
    assert hit.modified_ns == expected_mtime
    assert {"keyword", "meaning"} <= set(hit.matched_by)


def test_filters_restrict_results(indexed: IndexWriter, corpus: Path) -> None:
    """ext:, in: and after:/before: filters keep only the files they describe."""
    assert {Path(h.path).suffix for h in indexed.reader().search("food ext:md", 10)} == {".md"}
    assert all("/pets/" in h.path for h in indexed.reader().search("animal in:pets", 10))
    os.utime(corpus / "car/service.txt", (1e9, 1e9))  # 2001-09-09
    indexed.index()
    old = indexed.reader().search("engine before:2002-01-01", 10)
    assert [Path(h.path).name for h in old] == ["service.txt"]
    assert "service.txt" not in [
        Path(h.path).name for h in indexed.reader().search("engine after:2002")
    ]


def test_second_run_over_unchanged_files_does_nothing(indexed: IndexWriter) -> None:
    """Re-indexing unchanged files embeds nothing and reports them unchanged."""
    report = indexed.index()
    assert report.chunks_embedded == 0
    assert report.unchanged == len(CORPUS)
    assert report.added == report.updated == report.removed == 0


def test_edit_delete_and_rename_are_reconciled(indexed: IndexWriter, corpus: Path) -> None:
    """Edits are re-read, deletions vanish, renames keep their vectors (no re-embedding)."""
    vectors_before = indexed.status().vectors
    (corpus / "pets/kitten.md").rename(corpus / "pets/cat-care.md")
    (corpus / "outdoors").rename(corpus / "walks")
    (corpus / "car/service.txt").unlink()
    write(corpus / "kitchen/bread.md", "Whisk eggs with sugar, fold in flour: sponge cake.")
    report = indexed.index()
    assert report.renamed == 2 and report.removed == 1 and report.updated == 1
    assert report.chunks_embedded == 1  # only the edited file's new text
    assert indexed.status().vectors == vectors_before - 1  # old bread + car gone, cake added
    assert top(indexed, "looking after a young feline pet") == "cat-care.md"
    assert "/walks/" in indexed.reader().search("hiking route up a peak in the woods", 1)[0].path
    assert all("service.txt" not in h.path for h in indexed.reader().search("engine oil", 10))
    assert top(indexed, "dessert baking recipe") == "bread.md"
    assert "sponge" in indexed.reader().search("dessert baking recipe", 1)[0].snippet


def test_identical_files_cost_one_embedding(
    open_engine: Callable[..., IndexWriter], tmp_path: Path
) -> None:
    """Two copies of a file share their vectors: the second costs no embedding."""
    text = "Minutes of the board meeting about the new office lease."
    write(tmp_path / "a/minutes.txt", text)
    write(tmp_path / "b/minutes-copy.txt", text)
    engine = open_engine()
    engine.add_roots([tmp_path / "a", tmp_path / "b"])
    report = engine.index()
    assert report.chunks_embedded == 1
    assert len(engine.reader().search("board meeting lease", 5)) == 2


def test_editing_one_paragraph_reembeds_only_its_chunks(
    open_engine: Callable[..., IndexWriter], tmp_path: Path
) -> None:
    """Changing one paragraph of a long file re-embeds a few chunks, not the whole file."""
    paragraphs = [
        f"Section {n}. " + " ".join(f"observation{n}x{k} about topic {n}" for k in range(25))
        for n in range(40)
    ]
    book = write(tmp_path / "docs/book.txt", "\n\n".join(paragraphs))
    engine = open_engine()
    engine.add_roots([tmp_path / "docs"])
    first = engine.index()
    assert first.chunks_embedded >= 20
    paragraphs[20] = "Section 20 was rewritten entirely: it now discusses migrating birds."
    book.write_text("\n\n".join(paragraphs), encoding="utf-8")
    second = engine.index()
    assert second.updated == 1
    assert 1 <= second.chunks_embedded <= 3, second


def test_bad_files_are_listed_while_the_rest_is_searchable(
    open_engine: Callable[..., IndexWriter], tmp_path: Path
) -> None:
    """Corrupt, binary and badly named files fail with reasons; good files still index."""
    root = tmp_path / "mixed"
    write(root / "good.txt", "Instructions for assembling the bookshelf with six screws.")
    (root / "broken.pdf").write_bytes(b"%PDF-1.4\n this is not really a pdf \x00\x01")
    (root / "binary.txt").write_bytes(bytes(range(256)) * 40)
    (root / "picture.jpg").write_bytes(b"\xff\xd8\xff\xe0 not parsed, findable by name")
    os.close(os.open(os.fsencode(root) + b"/caf\xe9-menu.txt", os.O_CREAT | os.O_WRONLY))
    engine = open_engine()
    engine.add_roots([root])
    engine.index()
    status = engine.status()
    reasons = dict(status.failures)
    assert "PDF" in reasons[str(root / "broken.pdf")]
    assert "binary" in reasons[str(root / "binary.txt")]
    assert any("UTF-8" in r for p, r in reasons.items() if "caf" in p)
    assert status.files_failed == 3 and status.files_name_only == 1
    assert top(engine, "furniture assembly") == "good.txt"
    assert top(engine, "picture.jpg") == "picture.jpg"


def test_similar_finds_files_on_the_same_subject(
    open_engine: Callable[..., IndexWriter], tmp_path: Path
) -> None:
    """`similar` ranks files by closeness of meaning to a given file, excluding it."""
    root = tmp_path / "s"
    write(root / "cats.txt", "Cats purr, sleep most of the day and chase mice.")
    write(root / "kittens.txt", "Young cats play with string and nap in sunny spots.")
    write(root / "stocks.txt", "The bond market fell as interest rates rose sharply.")
    engine = open_engine()
    engine.add_roots([root])
    engine.index()
    names = [Path(h.path).name for h in engine.reader().similar(root / "cats.txt", 5)]
    assert names[0] == "kittens.txt"
    assert "cats.txt" not in names


def test_removing_a_root_drops_its_files(indexed: IndexWriter, corpus: Path) -> None:
    """After a root is removed and the index updated, none of its files are found."""
    indexed.remove_roots([corpus])
    indexed.index()
    assert indexed.reader().search("plumber", 10) == []
    assert indexed.status().vectors == 0


def test_a_hanging_parser_fails_alone(
    open_engine: Callable[..., IndexWriter], tmp_path: Path, hostile_extractors: None
) -> None:
    """A file whose parser never returns is failed with "timed out"; the others index."""
    root = tmp_path / "hostile"
    write(root / "forever.finder-test-hang", "the parser for this suffix loops forever")
    write(root / "fine.txt", "Minutes of the annual general meeting of the chess club.")
    engine = open_engine()
    engine.update_settings(replace(engine.settings, extract_timeout_s=2.0))
    engine.add_roots([root])
    engine.index()
    reasons = dict(engine.status().failures)
    assert "timed out" in reasons[str(root / "forever.finder-test-hang")]
    assert top(engine, "board game society gathering") == "fine.txt"


def test_filters_alone_list_matching_files_newest_first(indexed: IndexWriter, corpus: Path) -> None:
    """A query made only of filters lists the matching files, most recently modified first."""
    os.utime(corpus / "pets/kitten.md", (2e9, 2e9))  # 2033: the newest
    indexed.index()
    hits = indexed.reader().search("ext:md", 10)
    assert [Path(h.path).name for h in hits] == ["kitten.md", "bread.md"]
    assert hits[0].matched_by == ("filter",)


def test_raising_the_size_limit_reads_files_that_were_name_only(
    open_engine: Callable[..., IndexWriter], tmp_path: Path
) -> None:
    """A file over the size limit is findable by name; raise the limit and its text is read."""
    root = tmp_path / "big"
    write(root / "manual.txt", "Calibrating the spectrometer. " * 40_000)  # ~1.2 MB
    engine = open_engine()
    engine.update_settings(replace(engine.settings, max_file_mb=1))
    engine.add_roots([root])
    engine.index()
    assert engine.status().files_name_only == 1
    assert engine.reader().search("spectrometer calibration", 5) == []
    engine.update_settings(replace(engine.settings, max_file_mb=10))
    report = engine.index()
    assert report.updated == 1 and engine.status().files_name_only == 0
    assert "keyword" in engine.reader().search("spectrometer calibration", 1)[0].matched_by


def test_an_unavailable_folder_keeps_its_files(indexed: IndexWriter, corpus: Path) -> None:
    """A root that is missing at scan time (unplugged drive) is not taken as all deleted."""
    corpus.rename(corpus.with_name("unplugged"))
    report = indexed.index()
    assert report.removed == 0
    assert top(indexed, "looking after a young feline pet") == "kitten.md"


def test_unrelated_files_are_not_listed(indexed: IndexWriter) -> None:
    """Files that match neither by keyword nor closely by meaning are left out."""
    names = [
        Path(h.path).name for h in indexed.reader().search("looking after a young feline pet", 10)
    ]
    assert names[0] == "kitten.md"
    assert "q3.txt" not in names and "XJ-9000.log" not in names
