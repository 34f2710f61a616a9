"""Query parsing: words, phrases, filters, identifiers, and what Filters accept."""

from __future__ import annotations

import os
from datetime import datetime

import pytest

from finder.query import Filters, QueryError, parse_query


def local_ns(*date: int) -> int:
    """Local midnight (or a given time) as nanoseconds since the epoch."""
    return int(datetime(*date).timestamp() * 1e9)


def test_plain_words_become_the_text() -> None:
    """Free words are kept in order as the text, with no phrases and no filters."""
    q = parse_query("  quarterly   tax report ")
    assert q.text == "quarterly tax report"
    assert q.words == ["quarterly", "tax", "report"]
    assert q.phrases == ()
    assert not q.filters
    assert q.raw == "  quarterly   tax report "


def test_quoted_phrase_is_a_phrase_and_part_of_the_text() -> None:
    """A "quoted phrase" is recorded literally and also searched as words."""
    q = parse_query('invoice "late payment fee" march')
    assert q.phrases == ("late payment fee",)
    assert q.text == "invoice late payment fee march"


def test_unclosed_quote_runs_to_the_end() -> None:
    """An unclosed quote makes a phrase of everything after it."""
    q = parse_query('budget "tax return 2023')
    assert q.phrases == ("tax return 2023",)
    assert q.text == "budget tax return 2023"


def test_empty_quotes_are_dropped() -> None:
    """ "" and "   " add neither a phrase nor text."""
    q = parse_query('"" notes "   "')
    assert q.phrases == ()
    assert q.text == "notes"


def test_ext_accepts_comma_lists_leading_dots_and_any_case() -> None:
    """ext: takes pdf, .PDF and comma lists, repeatable, stored lowercase without dots."""
    q = parse_query("EXT:.PDF,Docx contract ext:md, ext:.txt")
    assert q.filters.extensions == ("pdf", "docx", "md", "txt")
    assert q.text == "contract"


def test_in_with_absolute_path_is_normalised(tmp_path: os.PathLike[str]) -> None:
    """in:/abs/path/ keeps an absolute, normalised folder (trailing slash dropped)."""
    folder = os.path.join(str(tmp_path), "docs")
    q = parse_query(f"in:{folder}{os.sep} lease")
    assert q.filters.folders == (folder,)
    assert q.text == "lease"


def test_in_with_tilde_expands_to_home() -> None:
    """in:~/x is expanded to an absolute folder under the home directory."""
    q = parse_query("in:~/Documents")
    assert q.filters.folders == (os.path.join(os.path.expanduser("~"), "Documents"),)


def test_in_with_bare_name_is_kept_as_a_name() -> None:
    """in:Projects stays a bare folder name (it matches any path component)."""
    assert parse_query("in:Projects").filters.folders == ("Projects",)


def test_bare_folder_name_matches_any_path_component() -> None:
    """A bare name matches a folder of that name anywhere on the path, in any case."""
    filters = parse_query("in:projects").filters
    sep = os.sep
    assert filters.accepts(f"{sep}home{sep}ann{sep}Projects{sep}a.txt", "txt", 0)
    assert filters.accepts(f"{sep}srv{sep}projects{sep}deep{sep}b.txt", "txt", 0)
    assert not filters.accepts(f"{sep}home{sep}ann{sep}projects-old{sep}a.txt", "txt", 0)
    # The file's own name is not a folder.
    assert not filters.accepts(f"{sep}home{sep}ann{sep}projects", "", 0)


def test_absolute_folder_matches_only_paths_below_it(tmp_path: os.PathLike[str]) -> None:
    """in:/a/b accepts /a/b/... and rejects /a/bc/... (a prefix is not a folder)."""
    base = os.path.join(str(tmp_path), "work")
    filters = parse_query(f"in:{base}").filters
    assert filters.accepts(os.path.join(base, "x", "a.txt"), "txt", 0)
    assert not filters.accepts(os.path.join(base + "old", "a.txt"), "txt", 0)
    assert not filters.accepts(os.path.join(str(tmp_path), "a.txt"), "txt", 0)


@pytest.mark.parametrize(
    ("value", "expected"),
    [
        ("2024-01-31", (2024, 1, 31)),
        ("2024-03", (2024, 3, 1)),
        ("2024", (2024, 1, 1)),
    ],
)
def test_dates_in_three_precisions(value: str, expected: tuple[int, int, int]) -> None:
    """after:/before: accept YYYY-MM-DD, YYYY-MM and YYYY as local midnight."""
    q = parse_query(f"after:{value} before:{value} report")
    assert q.filters.after_ns == local_ns(*expected)
    assert q.filters.before_ns == local_ns(*expected)
    assert q.text == "report"


def test_after_is_inclusive_and_before_exclusive() -> None:
    """after: includes its whole day; before: excludes its day."""
    filters = parse_query("after:2024-01-31 before:2024-02-02").filters
    assert not filters.accepts("/a.txt", "txt", local_ns(2024, 1, 30, 23, 59))
    assert filters.accepts("/a.txt", "txt", local_ns(2024, 1, 31))
    assert filters.accepts("/a.txt", "txt", local_ns(2024, 2, 1, 23, 59))
    assert not filters.accepts("/a.txt", "txt", local_ns(2024, 2, 2))


@pytest.mark.parametrize("value", ["2024-13-01", "yesterday", "31/01/2024", "2024-02-30"])
def test_bad_date_raises_a_helpful_query_error(value: str) -> None:
    """A date that cannot be parsed raises QueryError naming the value and the formats."""
    with pytest.raises(QueryError) as err:
        parse_query(f"report before:{value}")
    message = str(err.value)
    assert f"before:{value}" in message
    assert "YYYY-MM-DD" in message
    assert isinstance(err.value, ValueError)


@pytest.mark.parametrize("token", ["re:invoice", "http://example.org", "todo:", "ext:", "in:"])
def test_unknown_or_empty_key_value_is_kept_as_text(token: str) -> None:
    """An unknown word:value (or a filter with no value) is plain text, not a filter."""
    q = parse_query(f"{token} invoice")
    assert q.text == f"{token} invoice"
    assert not q.filters


def test_filter_keys_are_case_insensitive() -> None:
    """EXT:, In: and AFTER: work like their lowercase forms."""
    q = parse_query("EXT:pdf In:Projects AFTER:2024")
    assert q.filters.extensions == ("pdf",)
    assert q.filters.folders == ("Projects",)
    assert q.filters.after_ns == local_ns(2024, 1, 1)


@pytest.mark.parametrize("token", ["XJ-9000", "parse_v2", "foo.bar", "A42", "snake_case_name"])
def test_codes_and_identifiers_are_detected(token: str) -> None:
    """Letter-digit mixes and names joined by _ - . are identifiers."""
    assert parse_query(f"find {token} please").identifiers == [token]


@pytest.mark.parametrize(
    "text", ["invoice", "tax report", "2024", "end.", "hello,", "e.g.", "i.e.", "U.S.", "H.C."]
)
def test_plain_words_are_not_identifiers(text: str) -> None:
    """Plain words, bare numbers, words with trailing punctuation, abbreviations are not."""
    assert parse_query(text).identifiers == []


def test_identifier_surrounding_punctuation_is_ignored() -> None:
    """(XJ-9000), is recognised as XJ-9000: surrounding brackets and punctuation are dropped."""
    assert parse_query("model (XJ-9000), spec").identifiers == ["XJ-9000"]
    assert parse_query("does ADAR1. bind").identifiers == ["ADAR1"]
    assert parse_query("drug-induced x-ray damage").identifiers == []


def test_empty_filters_accept_everything() -> None:
    """Filters() is falsy and accepts any file."""
    assert not Filters()
    assert Filters().accepts("/any/where.bin", "bin", -5)


def test_filters_accepts_combines_all_conditions() -> None:
    """accepts() requires extension, folder and date range to match together."""
    filters = Filters(
        extensions=("pdf", "docx"),
        folders=("Taxes",),
        after_ns=local_ns(2024, 1, 1),
        before_ns=local_ns(2025, 1, 1),
    )
    assert filters
    inside = local_ns(2024, 6, 1)
    path = os.path.join(os.sep, "home", "taxes", "return.pdf")
    assert filters.accepts(path, "pdf", inside)
    assert filters.accepts(path, "PDF", inside)  # extension compared case-insensitively
    assert not filters.accepts(path, "txt", inside)
    assert not filters.accepts(os.path.join(os.sep, "home", "other", "r.pdf"), "pdf", inside)
    assert not filters.accepts(path, "pdf", local_ns(2023, 12, 31))
    assert not filters.accepts(path, "pdf", local_ns(2025, 1, 1))


def test_a_quoted_filter_value_may_hold_spaces() -> None:
    """in:"My Documents" is one folder filter, not a filter and a word."""
    q = parse_query('budget in:"/home/ann/My Documents" 2024')
    assert q.filters.folders == ("/home/ann/My Documents",)
    assert q.text == "budget 2024"


def test_absolute_folder_takes_the_catalogs_form_of_a_non_utf8_name() -> None:
    """in: with a non-UTF-8 folder (a surrogate from argv) matches the catalog's \\x form."""
    folder = os.fsdecode(b"/srv/caf\xe9")
    filters = parse_query(f"in:{folder}").filters
    assert filters.folders == ("/srv/caf\\xe9",)
    assert filters.accepts("/srv/caf\\xe9/menu.txt", "txt", 0)


@pytest.mark.parametrize(
    ("text", "literal"),
    [("£1,463.75", "1,463.75"), ("paid 12,500 GBP", "12,500"), ("$1,000,000.00", "1,000,000.00")],
)
def test_amounts_with_separators_are_literal(text: str, literal: str) -> None:
    """An amount with thousands separators must match literally, without its currency sign."""
    assert parse_query(text).identifiers == [literal]


@pytest.mark.parametrize("text", ["grandma's 90th birthday", "the 21st", "music of the 1990s"])
def test_ordinals_and_decades_are_not_identifiers(text: str) -> None:
    """90th, 21st and 1990s mix digits and letters but are plain words, not codes."""
    assert parse_query(text).identifiers == []


@pytest.mark.parametrize(("text", "literal"), [("£685 dentist", ["685"]), ("€140", ["140"])])
def test_an_amount_after_a_currency_sign_is_literal(text: str, literal: list[str]) -> None:
    """A currency sign makes a number an amount to match literally, without the sign."""
    assert parse_query(text).identifiers == literal


def test_a_one_digit_amount_is_not_literal() -> None:
    """A lone "$5" is not specific enough to require: "5" is in nearly every passage."""
    assert parse_query("$5 coffee").identifiers == []
