"""Chunking with the real tokenizer: token budget, offsets, windows, stable boundaries."""

from __future__ import annotations

import random
from itertools import pairwise
from pathlib import Path

import pytest
from tokenizers import Tokenizer

from finder.chunking import Chunker, ChunkPolicy, text_hash
from finder.domain import Chunk
from finder.embed import resolve_model_path
from finder.extract import Page

VOCAB = (
    "river stone lantern harvest copper meadow signal engine ledger orchard quarter valley "
    "winter paper garden bridge market window silver letter invoice contract tenant budget"
).split()


@pytest.fixture(scope="module")
def tokenizer_json() -> Path:
    return resolve_model_path("all-MiniLM-L6-v2") / "tokenizer.json"


@pytest.fixture(scope="module")
def tokenizer(tokenizer_json: Path) -> Tokenizer:
    tok = Tokenizer.from_file(str(tokenizer_json))
    tok.no_truncation()  # tokenizer.json ships with truncation (and padding) at 128
    tok.no_padding()
    return tok


@pytest.fixture(scope="module")
def chunker(tokenizer_json: Path) -> Chunker:
    return Chunker(tokenizer_json)


def count(tokenizer: Tokenizer, text: str) -> int:
    return len(tokenizer.encode(text, add_special_tokens=False).ids)


def paragraph(rng: random.Random, words: tuple[int, int] = (15, 60)) -> str:
    return " ".join(rng.choice(VOCAB) for _ in range(rng.randint(*words))) + "."


def document(seed: int, paragraphs: int = 40) -> list[str]:
    rng = random.Random(seed)
    return [f"Paragraph {i}: {paragraph(rng)}" for i in range(paragraphs)]


def chunk_text(chunker: Chunker, text: str) -> list[Chunk]:
    return chunker.chunk_pages([Page(None, text)])


def test_every_chunk_fits_the_token_budget(chunker: Chunker, tokenizer: Tokenizer) -> None:
    """Packed paragraphs, windows and line-packed code all stay within max_tokens."""
    rng = random.Random(7)
    parts = [
        *document(1, 30),
        " ".join(rng.choice(VOCAB) for _ in range(900)),  # one long paragraph
        "\n".join(f"def f{i}(x):  return x * {i}  # {paragraph(rng)}" for i in range(80)),
    ]
    chunks = chunk_text(chunker, "\n\n".join(parts))
    assert len(chunks) > 5
    for chunk in chunks:
        assert count(tokenizer, chunk.text) <= chunker.policy.max_tokens


def test_windows_that_start_inside_a_word_still_fit(chunker: Chunker, tokenizer: Tokenizer) -> None:
    """A window cut inside a multi-piece word does not exceed max_tokens when re-tokenized."""
    text = " ".join(["electroencephalography"] * 300)  # 5 word pieces per word
    for chunk in chunk_text(chunker, text):
        assert count(tokenizer, chunk.text) <= chunker.policy.max_tokens


def test_chunk_text_is_the_page_slice_and_pages_carry_through(chunker: Chunker) -> None:
    """Each chunk's text equals page_text[start:stop] and keeps its page number."""
    pages = [
        Page(1, "\n\n".join(document(2, 12))),
        Page(2, "  leading spaces\n\n\n   " + " ".join(["lantern"] * 600) + "\n\n"),
        Page(3, "last page, short."),
    ]
    chunks = chunker.chunk_pages(pages)
    by_number = {p.number: p.text for p in pages}
    assert {c.page for c in chunks} == {1, 2, 3}
    assert [c.ord for c in chunks] == list(range(len(chunks)))
    for chunk in chunks:
        assert chunk.text == by_number[chunk.page][chunk.start : chunk.stop]
        assert chunk.text == chunk.text.strip()
        assert chunk.text_hash == text_hash(chunk.text)


def test_unpaged_text_has_page_none(chunker: Chunker) -> None:
    """A page numbered None (unpaged file) gives chunks whose page is None."""
    chunks = chunker.chunk_pages([Page(None, "just a note")])
    assert [(c.page, c.start, c.stop, c.text) for c in chunks] == [(None, 0, 11, "just a note")]


def test_short_paragraphs_are_packed_together(chunker: Chunker) -> None:
    """Several short paragraphs share one chunk instead of one chunk each."""
    text = "\n\n".join(["First note.", "Second note.", "Third note."])
    assert [c.text for c in chunk_text(chunker, text)] == [text]


def test_long_paragraph_is_split_into_overlapping_windows(
    chunker: Chunker, tokenizer: Tokenizer
) -> None:
    """A paragraph over budget without line breaks becomes windows sharing overlap text."""
    rng = random.Random(3)
    text = " ".join(f"{rng.choice(VOCAB)}{i}" for i in range(400))
    assert count(tokenizer, text) > 2 * chunker.policy.max_tokens
    chunks = chunk_text(chunker, text)
    assert len(chunks) >= 3
    assert chunks[0].start == 0
    assert chunks[-1].stop == len(text)
    for left, right in pairwise(chunks):
        assert right.start < left.stop  # the windows overlap in the page text
        shared = text[right.start : left.stop]
        assert shared in left.text and shared in right.text
        assert count(tokenizer, shared) >= chunker.policy.overlap - 2


def test_overlap_comes_from_the_policy(tokenizer_json: Path, tokenizer: Tokenizer) -> None:
    """A custom ChunkPolicy sets the window size and the shared tokens between windows."""
    small = Chunker(tokenizer_json, ChunkPolicy(max_tokens=40, overlap=10, min_tokens=8))
    words = [w for w in VOCAB if count(tokenizer, w) == 1]  # whole words: no mid-word cuts
    text = " ".join(words[i % len(words)] for i in range(100))
    chunks = chunk_text(small, text)
    assert len(chunks) >= 3
    for left, right in pairwise(chunks):
        assert count(tokenizer, left.text) <= 40
        assert count(tokenizer, text[right.start : left.stop]) == 10


def test_long_paragraph_with_line_breaks_is_packed_by_lines(
    chunker: Chunker, tokenizer: Tokenizer
) -> None:
    """Code (one long paragraph with newlines) is cut at line ends, never inside a line."""
    lines = [f"    total_{i} = compute(values[{i}], weight={i}) + offset_{i}" for i in range(120)]
    code = "def big():\n" + "\n".join(lines)
    assert count(tokenizer, code) > 2 * chunker.policy.max_tokens
    chunks = chunk_text(chunker, code)
    assert len(chunks) >= 3
    line_starts = {0} | {i + 1 for i, ch in enumerate(code) if ch == "\n"}
    line_stops = {i for i, ch in enumerate(code) if ch == "\n"} | {len(code)}
    for chunk in chunks:
        assert chunk.start in line_starts or code[chunk.start - 1] == " "
        assert chunk.stop in line_stops
        assert count(tokenizer, chunk.text) <= chunker.policy.max_tokens
    # Every line is in exactly one chunk: line packing does not overlap.
    for left, right in pairwise(chunks):
        assert left.stop < right.start


def test_editing_one_paragraph_changes_few_chunks(chunker: Chunker) -> None:
    """Content-defined boundaries: an edit changes only the chunks around it."""
    for seed in range(3):
        paragraphs = document(seed)
        before = {c.text_hash for c in chunk_text(chunker, "\n\n".join(paragraphs))}
        assert len(before) >= 8
        edited = list(paragraphs)
        edited[20] = edited[20].replace("Paragraph 20:", "Paragraph twenty, now edited:")
        after = {c.text_hash for c in chunk_text(chunker, "\n\n".join(edited))}
        assert 1 <= len(after - before) <= 2


def test_inserting_a_paragraph_at_the_top_keeps_later_chunks(chunker: Chunker) -> None:
    """A new first paragraph does not shift every later boundary (their hashes survive)."""
    for seed in range(3):
        paragraphs = document(seed)
        before = {c.text_hash for c in chunk_text(chunker, "\n\n".join(paragraphs))}
        intro = "A brand new introduction, written later, about the copper valley."
        after = {c.text_hash for c in chunk_text(chunker, "\n\n".join([intro, *paragraphs]))}
        assert len(after - before) <= 2


@pytest.mark.parametrize("text", ["", "   ", "\n\n\n", " \t\n \r\n  \n"])
def test_blank_text_gives_no_chunks(chunker: Chunker, text: str) -> None:
    """Empty or whitespace-only pages produce no chunks."""
    assert chunker.chunk_pages([Page(None, text), Page(4, text)]) == []


def test_text_hash_is_equal_for_equal_texts() -> None:
    """text_hash depends only on the text: equal texts share it, different texts do not."""
    assert text_hash("same words") == text_hash("same " + "words")
    assert text_hash("same words") != text_hash("same words.")
    assert len(text_hash("x")) == 16


def test_identical_paragraphs_in_two_files_share_hashes(chunker: Chunker) -> None:
    """The same text chunked twice gives the same hashes (so one shared embedding)."""
    text = "\n\n".join(document(5))
    first = [c.text_hash for c in chunk_text(chunker, text)]
    second = [c.text_hash for c in chunk_text(chunker, text)]
    assert first == second
