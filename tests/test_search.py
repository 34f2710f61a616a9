"""What a result shows of why it matched (snippets, terms), and the keyword leg's budget."""

from __future__ import annotations

from collections.abc import Callable
from pathlib import Path

import pytest

from finder.engine import IndexWriter
from finder.search import FusionWeights, Searcher
from finder.snippets import matched_terms, snippet
from tests.conftest import write


def test_matched_terms_are_whole_word_prefixes_in_query_order() -> None:
    """Terms match case-insensitively at word starts, each once, in the query's order."""
    text = "The Plumber replaced pipes; plumbing works were invoiced."
    assert matched_terms(text, ["pipes", "plumb", "umber", "PIPES"]) == ["pipes", "plumb"]


@pytest.mark.parametrize(
    ("text", "term", "marked"),
    [
        ("Housing costs went up.", "house", "hous"),
        ("Two shots at the vet.", "shots", "shots"),
        ("Booster shot due in May.", "shots", "shot"),
        ("Tickets for Lucia and Tom.", "Lucía", "lucia"),
        ("Add SCM_CAR to the list.", "car", "car"),
    ],
)
def test_matched_terms_finds_what_the_keyword_leg_matched(
    text: str, term: str, marked: str
) -> None:
    """A passage found by a stemmed, accent-free or _-joined match still marks a word."""
    assert matched_terms(text, [term]) == [marked]


def test_short_text_is_its_own_snippet_on_one_line() -> None:
    """A passage shorter than the width is shown whole, whitespace collapsed."""
    assert snippet("line one\n\n  line two", ["two"]) == "line one line two"


def test_long_text_snippet_is_centred_on_the_term() -> None:
    """A long passage is cut around its matched term, on word boundaries, with ellipses."""
    text = (
        " ".join(f"word{n}" for n in range(200))
        + " needle "
        + " ".join(f"tail{n}" for n in range(200))
    )
    cut = snippet(text, ["needle"], width=120)
    assert "needle" in cut
    assert cut.startswith("… ") and cut.endswith(" …")
    assert len(cut) <= 124
    assert all(part.startswith(("word", "tail", "needle", "…")) for part in cut.split())


def test_snippet_shows_the_part_holding_most_query_words() -> None:
    """The window holding the most distinct query words is shown, their middle centred,
    not the first place one of them occurs."""
    text = (
        "Kennels newsletter. "
        + " ".join(f"filler{n}" for n in range(120))
        + " Biscuit booked at the farm kennels while we are in Spain in August. "
        + " ".join(f"tail{n}" for n in range(120))
    )
    cut = snippet(text, ["kennels", "spain"], width=160)
    assert "farm kennels while we are in Spain" in cut
    assert "newsletter" not in cut
    middle = cut.index("kennels while")
    assert 30 < middle < 110  # centred, not at the window's edge


def test_a_term_too_common_for_the_budget_is_left_out_of_the_keyword_leg(
    open_engine: Callable[..., IndexWriter], tmp_path: Path
) -> None:
    """Past ``keyword_postings`` matching chunks a common term stops counting and is
    dropped, so the rare term decides; within the budget both terms count."""
    for n in range(6):
        write(tmp_path / f"files/report-{n}.txt", f"Quarterly report number {n}.")
    write(tmp_path / "files/zeppelin.txt", "A report on the zeppelin hangar.")
    engine = open_engine()
    engine.add_roots([tmp_path / "files"])
    engine.index()
    roomy = Searcher(engine.catalog, None, None)
    tight = Searcher(engine.catalog, None, None, FusionWeights(keyword_postings=3))
    assert len(roomy.search("report zeppelin", 50, legs="keyword")) == 7
    assert [h.path for h in tight.search("report zeppelin", 50, legs="keyword")] == [
        str(tmp_path / "files/zeppelin.txt")
    ]


def test_an_amount_is_found_literally(
    open_engine: Callable[..., IndexWriter], tmp_path: Path
) -> None:
    """The query "£1,463.75" finds the tax calculation holding that amount first, as an
    exact match, not a boiler invoice that holds 463 and 75 apart and reads like a bill."""
    write(
        tmp_path / "files/tax.txt",
        "Tax calculation, year ended 5 April 2024. Total to pay by 31 January: £1,463.75.",
    )
    write(
        tmp_path / "files/boiler.txt",
        "Boiler service invoice: labour 75, parts 463, total due on receipt. Tel 01632 960 463.",
    )
    engine = open_engine()
    engine.add_roots([tmp_path / "files"])
    engine.index()
    hits = engine.reader().search("£1,463.75", 5)
    assert Path(hits[0].path).name == "tax.txt"
    assert "exact" in hits[0].matched_by
    assert all("exact" not in h.matched_by for h in hits[1:])
