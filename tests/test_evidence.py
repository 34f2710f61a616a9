"""Absolute evidence strength and the confidence scale."""

from __future__ import annotations

from finder.evidence import STRONG, WEAK, QueryRarity, confidence, idf


def test_idf_is_positive_even_with_a_stale_row_count() -> None:
    """A count older than the index (more matches than rows) gives a tiny IDF, no error."""
    assert idf(5, 0) > 0
    assert idf(1, 1000) > idf(500, 1000)


def test_strength_is_the_share_of_the_query_rarity_matched() -> None:
    """BM25 over the sum of the query's IDFs: rare terms carry most, capped at 1."""
    rarity = QueryRarity.of({'"roof"': 2, '"fix"': 900}, 1000)
    assert rarity.share(['"roof"']) > 0.8
    assert rarity.strength(rarity.mass * 3) == 1.0
    assert QueryRarity.of({}, 10).strength(5.0) == 0.0


def test_confidence_rises_with_similarity_and_exact_matches_are_strong() -> None:
    """A close passage is a strong match, a distant one weak; an exact match is strong."""
    assert confidence(0.75, 0.0, 0.0, 0) >= STRONG
    assert confidence(0.2, 0.0, 0.0, 0) < WEAK
    assert confidence(0.0, 0.0, 0.0, 1) >= STRONG
