"""The keyword legs on a real SQLite catalog: how strong each file's evidence is."""

from __future__ import annotations

from collections.abc import Iterator
from pathlib import Path

import pytest

from finder.domain import FileStatus
from finder.keyword import PASSAGES_PER_FILE, KeywordLegs
from finder.query import parse_query
from finder.store.catalog import Catalog
from tests.store.test_catalog import chunks


@pytest.fixture
def catalog(tmp_path: Path) -> Iterator[Catalog]:
    cat = Catalog(tmp_path / "catalog.sqlite3")
    yield cat
    cat.close()


def _put(cat: Catalog, path: str, *texts: str) -> int:
    with cat.transaction():
        return cat.put_file(
            path,
            size=10,
            mtime_ns=1,
            content_hash=None,
            status=FileStatus.OK,
            chunks=chunks(*texts),
        )


def test_a_files_strength_counts_the_query_words_of_all_its_passages(catalog: Catalog) -> None:
    """A letter whose passages hold the query's words between them is stronger than a file
    whose one passage holds one of them, and as strong as one passage holding both."""
    letter = _put(catalog, "/home/letter.txt", "The kennels near the farm.", "Our trip to Spain.")
    both = _put(catalog, "/home/both.txt", "Kennels booked for the Spain trip.")
    stray = _put(catalog, "/home/notes.txt", "Spain won the match.")
    for n in range(20):  # the words are rare among many passages
        _put(catalog, f"/doc/{n}.txt", f"Release {n} fixes a crash in the parser.")
    strength = KeywordLegs(catalog, 10_000).passages(parse_query("kennels Spain"), 300).strength
    assert strength[letter] == pytest.approx(1.0)
    assert strength[both] == pytest.approx(1.0)
    assert strength[stray] < 0.6


def test_a_long_file_pools_the_words_of_a_few_passages_only(catalog: Catalog) -> None:
    """A changelog holding each query word in a different passage gathers no more than
    its best few passages hold: many weak passages do not add up to a strong match."""
    words = ["alpha", "bravo", "charlie", "delta", "echo", "foxtrot"]
    log = _put(catalog, "/doc/changelog", *(f"Fixed the {w} option." for w in words))
    for n in range(20):
        _put(catalog, f"/doc/{n}.txt", f"Release {n} fixes a crash in the parser.")
    legs = KeywordLegs(catalog, 10_000)
    strength = legs.passages(parse_query(" ".join(words)), 300).strength
    assert strength[log] == pytest.approx(PASSAGES_PER_FILE / len(words))


def test_a_file_past_the_best_passages_is_filled_in_with_its_own_strength(
    catalog: Catalog,
) -> None:
    """A file whose passages all rank below the leg's best ``k`` (other files hold the
    query's common word many times) is left out of the answer, and filled in on request
    with the strength of the words it holds, at the leg's lowest score, once."""
    for n in range(5):
        _put(catalog, f"/doc/wpa{n}.txt", *("wpa network, wpa network." for _ in range(5)))
    long = " ".join(f"word{i}" for i in range(60))
    note = _put(catalog, "/home/wifi.txt", f"The wpa key of the home network. {long}")
    for n in range(20):
        _put(catalog, f"/doc/{n}.txt", f"Release {n} fixes a crash in the parser.")
    legs = KeywordLegs(catalog, 10_000)
    answer = legs.passages(parse_query("wpa network"), 3)
    assert note not in {h.file_id for h in answer.hits}
    filled = legs.fill(answer, [note, note])
    assert [(h.file_id, h.score) for h in filled] == [(note, min(h.score for h in answer.hits))]
    assert answer.strength[note] == pytest.approx(1.0)
    assert legs.fill(answer, [note]) == []
