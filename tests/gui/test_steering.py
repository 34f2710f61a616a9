"""Reading what is typed after "Find similar files" as steering (finder.gui.steering)."""

from __future__ import annotations

import pytest

from finder.gui.steering import banner_text, parse_steering


@pytest.mark.parametrize(
    ("typed", "about", "avoid"),
    [
        ("vegan", "vegan", ""),
        ("  vegan   cakes ", "vegan cakes", ""),
        ("vegan -nuts", "vegan", "nuts"),
        ("-nuts vegan -eggs", "vegan", "nuts eggs"),
        ("Italy not: the Lake District", "Italy", "the Lake District"),
        ("Italy not:camping trips", "Italy", "camping trips"),
        ("NOT: dogs", "", "dogs"),
        ("well-known - dash", "well-known - dash", ""),
        ("", "", ""),
    ],
)
def test_typed_text_splits_into_about_and_avoid(typed: str, about: str, avoid: str) -> None:
    """Words after "not:" and "-word" words steer away; the rest is the about text."""
    assert parse_steering(typed) == (about, avoid)


def test_the_banner_names_the_file_and_both_texts() -> None:
    """The banner reads "Files similar to X, about “…”, not “…”", parts only if given."""
    assert banner_text("/a/cake.docx", "", "") == "Files similar to cake.docx"
    assert banner_text("/a/cake.docx", "vegan", "") == "Files similar to cake.docx, about “vegan”"
    assert banner_text("/a/cake.docx", "", "nuts") == "Files similar to cake.docx, not “nuts”"
