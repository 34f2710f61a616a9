"""Snippets and marked words: what the result list and the preview show of a hit."""

from __future__ import annotations

from finder.snippets import term_ranges


def test_terms_are_marked_as_whole_words() -> None:
    """Highlighting marks each word starting with a query term (stems included)."""
    assert term_ranges("Contractor and contract, not subcontract", ("contract",)) == [
        (0, 10),
        (15, 8),
    ]


def test_marks_ignore_accents_and_split_words_at_underscores_as_the_keyword_leg_does() -> None:
    """ "lucia" marks "Lucía" and "car" marks the CAR of SCM_CAR, at the text's positions
    (a ligature before them does not shift the marks)."""
    text = "ﬁle: Lucía fixed SCM_CAR"
    marked = [text[s : s + n] for s, n in term_ranges(text, ("lucia", "car"))]
    assert marked == ["Lucía", "CAR"]


def test_a_letter_whose_lower_case_is_longer_does_not_shift_the_marks() -> None:
    """ "İ" lowers to two characters; the marks after it still fall on the right words."""
    text = "İstanbul trip to Lucía"
    assert [text[s : s + n] for s, n in term_ranges(text, ("lucia",))] == ["Lucía"]
