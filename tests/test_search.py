"""Snippets and matched terms: what a result shows of why it matched."""

from __future__ import annotations

from finder.search import matched_terms, snippet


def test_matched_terms_are_whole_word_prefixes_in_query_order() -> None:
    """Terms match case-insensitively at word starts, each once, in the query's order."""
    text = "The Plumber replaced pipes; plumbing works were invoiced."
    assert matched_terms(text, ["pipes", "plumb", "umber", "PIPES"]) == ["pipes", "plumb"]


def test_short_text_is_its_own_snippet_on_one_line() -> None:
    """A passage shorter than the width is shown whole, whitespace collapsed."""
    assert snippet("line one\n\n  line two", ["two"]) == "line one line two"


def test_long_text_snippet_is_centred_on_the_first_term() -> None:
    """A long passage is cut around the first matched term, on word boundaries, with ellipses."""
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
