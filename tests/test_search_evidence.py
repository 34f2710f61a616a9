"""Fusion weighs evidence by its absolute strength, and hits say how sure they are."""

from __future__ import annotations

from collections.abc import Callable
from pathlib import Path

import pytest

from finder.embed.base import Embedder
from finder.engine import IndexWriter
from finder.evidence import STRONG
from finder.search import FusionWeights, Searcher
from tests.conftest import write

# Short personal documents, each answering one everyday question in other words.
PERSONAL = {
    "Documents/Pets/bella-immunisation-record.txt": (
        "Bella (cocker spaniel, born March 2024): immunisation record. First vaccination "
        "against distemper, parvovirus and leptospirosis on 12 May 2024 at Yare Valley "
        "Vets; second dose 9 June. Booster due in May 2025."
    ),
    "Documents/Music/piano-lessons.txt": (
        "Maya starts piano with Mrs Clarke on Tuesdays at 4.30, half an hour each week, "
        "£22 a lesson, paid termly. Bring the Grade 1 book."
    ),
}
QUESTIONS = {
    "when the puppy got its shots": "bella-immunisation-record.txt",
    "music classes for our daughter": "piano-lessons.txt",
}


def _technical(n: int) -> str:
    """A long technical text where a common query word ("got", "classes") appears once,
    as in source code and release notes."""
    lines = [
        f"def send_{n}(sock, data):",
        "    # Retry on a short write until every byte is out; got counts what was sent.",
        "    got = sock.send(data)",
        "    if got < len(data):",
        "        raise ConnectionError('short write')",
        "",
        "Release notes: the module now defines new exception classes for protocol errors,",
        "the parser handles continuation lines, and timeouts are applied per connection.",
    ]
    filler = [f"Changed option --level-{i} to accept a numeric argument." for i in range(40)]
    return "\n".join(lines + filler)


@pytest.fixture
def home(open_engine: Callable[..., IndexWriter], tmp_path: Path) -> IndexWriter:
    root = tmp_path / "home"
    for rel, text in PERSONAL.items():
        write(root / rel, text)
    for n in range(12):
        write(root / f"code/lib/module_{n}.py", _technical(n))
    engine = open_engine()
    engine.add_roots([root])
    engine.index()
    return engine


@pytest.mark.parametrize(("query", "expected"), QUESTIONS.items())
def test_a_stray_common_word_does_not_outrank_a_strong_meaning_match(
    home: IndexWriter, query: str, expected: str
) -> None:
    """One query word in long technical files weighs less than a short personal document
    that answers the question in other words."""
    hits = home.reader().search(query, 5)
    assert Path(hits[0].path).name == expected
    assert hits[0].confidence is not None
    assert all(h.confidence is not None and h.confidence <= hits[0].confidence for h in hits)


def test_nonsense_query_has_no_confident_hit(home: IndexWriter) -> None:
    """A string that means nothing may list files, but none of them as a strong match."""
    hits = home.reader().search("xqzvbnmkw", 10)
    assert all(h.confidence is not None and h.confidence < STRONG for h in hits)


def test_a_meaning_match_below_the_keyword_pool_keeps_its_keyword_evidence(
    open_engine: Callable[..., IndexWriter], embedder: Embedder, tmp_path: Path
) -> None:
    """A note the meaning leg finds, whose words rank below the keyword leg's few best
    passages (short files repeating them fill those), still counts as matched by keyword."""
    root = tmp_path / "home"
    write(
        root / "house/wifi.txt",
        "The wifi password of the house is written on a card in the kitchen drawer. "
        + " ".join(f"Shopping list item {i}: bread, milk, apples." for i in range(30)),
    )
    for n in range(6):
        write(root / f"code/log_{n}.txt", "wifi password written; " * 8)
    engine = open_engine()
    engine.add_roots([root])
    engine.index()
    reader = engine.reader()
    pool = 5
    searcher = Searcher(
        reader.catalog,
        reader.generation.vector_index(),
        lambda text: embedder.embed([text])[0],
        FusionWeights(candidates=pool),
    )
    try:
        query = "where is the wifi password written down"
        by_keyword = searcher.search(query, 10, legs="keyword")
        assert "wifi.txt" not in [Path(h.path).name for h in by_keyword]
        by_meaning = searcher.search(query, 10, legs="meaning")
        assert "wifi.txt" in [Path(h.path).name for h in by_meaning]
        note = next(h for h in searcher.search(query, 10) if Path(h.path).name == "wifi.txt")
        assert "keyword" in note.matched_by
        assert {"wifi", "password", "written"} <= {t.lower() for t in note.terms}
    finally:
        searcher.close()
