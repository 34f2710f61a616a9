"""What a hit shows of its passage: which query terms it holds, and a one-line snippet
centred on them. Pure functions on text; used by :mod:`finder.search`."""

from __future__ import annotations

import re
import unicodedata


def matched_terms(text: str, terms: list[str]) -> list[str]:
    """The query terms that start a word of ``text`` (case-insensitive), in query order.

    Accents are ignored, as the keyword leg ignores them ("Lucía" finds "Lucia"). A term
    not found as typed is looked for by its stem ("house" as "hous", which starts
    "housing"), and the stem is returned: the keyword leg matches Porter stems, so
    without it a passage found by "house" showed no marked word. Marking words that
    start with a returned term (as the window does) marks what the keyword leg matched.
    """
    lowered = text.lower()
    folded = _fold(lowered)
    found = []
    for term in dict.fromkeys(t.lower() for t in terms):
        for form in dict.fromkeys((term, _fold(term), _stem(_fold(term)))):
            if len(form) > 1 and re.search(_START + re.escape(form), folded):
                found.append(form)
                break
    return found


# A term starts a word where no letter or digit precedes it: FTS5 splits words at "_"
# too, so "car" is found in SCM_CAR.
_START = r"(?<![^\W_])"


def _fold(text: str) -> str:
    """``text`` without accents, as FTS5's remove_diacritics compares words."""
    decomposed = unicodedata.normalize("NFD", text)
    return unicodedata.normalize(
        "NFC", "".join(c for c in decomposed if not unicodedata.combining(c))
    )


def _fold_in_place(text: str) -> str:
    """``text`` lower-cased and without accents, one character for one, so that positions
    in it are positions in ``text`` (a character that folds to more is kept as it is)."""
    if text.isascii():  # the common case, on every paint of a result row
        return text.lower()
    out = []
    for char in text:  # lowered one by one: "İ".lower() is two characters
        folded = _fold(char.lower())
        out.append(folded if len(folded) == 1 else char)
    return "".join(out)


def term_ranges(text: str, terms: tuple[str, ...] | list[str]) -> list[tuple[int, int]]:
    """(start, length) of every word of ``text`` that starts with a term, as
    :func:`matched_terms` finds them (accents ignored, "_" splits words): the marks the
    result list and the preview show. The whole word is marked, so "contract" marks
    all of "contractor"."""
    folded = _fold_in_place(text)
    ranges = []
    for term in dict.fromkeys(_fold(t.lower()) for t in terms if t):
        for match in re.finditer(_START + re.escape(term) + r"[^\W_]*", folded):
            ranges.append((match.start(), match.end() - match.start()))
    return sorted(ranges)


# English endings the Porter stemmer takes off, longest first; enough to find the stem
# a word shares with its forms ("shots" / "shot", "classes" / "class", "house" / "hous").
_ENDINGS = ("ing", "ies", "es", "ed", "s", "e", "y")


def _stem(word: str) -> str:
    """``word`` without one common English ending, if at least 3 letters remain."""
    for ending in _ENDINGS:
        if word.endswith(ending) and len(word) - len(ending) >= 3 and word.isalpha():
            return word[: -len(ending)]
    return word


def snippet(text: str, terms: list[str], width: int = 320) -> str:
    """About ``width`` characters of ``text`` on one line, centred on the matched terms.

    The window is the one holding the most distinct terms (the earliest of equals), so a
    passage that names "kennels" in its header and "kennels" and "Spain" together later
    shows the later part, with the words the window marks in it.
    """
    flat = " ".join(text.split())
    if len(flat) <= width:
        return flat
    lowered = flat.lower()
    found = sorted(
        (m.start(), m.end(), term)
        for term in dict.fromkeys(t.lower() for t in terms if t)
        for m in re.finditer(_START + re.escape(term), lowered)
    )[:_SNIPPET_HITS]
    first, last = _densest(found, width * 3 // 4) if found else (0, 0)
    start = max(0, min((first + last - width) // 2, len(flat) - width))
    # Start and end on word boundaries so the snippet does not open mid-word.
    if start > 0:
        start = flat.find(" ", start) + 1
    end = min(len(flat), start + width)
    if end < len(flat):
        end = flat.rfind(" ", start, end) if " " in flat[start:end] else end
    return ("… " if start > 0 else "") + flat[start:end] + (" …" if end < len(flat) else "")


_SNIPPET_HITS = 200  # term occurrences considered per passage (a bound on the work)


def _densest(found: list[tuple[int, int, str]], span: int) -> tuple[int, int]:
    """Where the most distinct terms occur within ``span`` characters: (first, last)."""
    best = (0, 0, 0)  # (distinct terms, first, last)
    for i, (begin, end, _term) in enumerate(found):
        terms: set[str] = set()
        stop = end
        for _begin, other_end, term in found[i:]:
            if other_end - begin > span:
                break
            terms.add(term)
            stop = other_end
        if len(terms) > best[0]:
            best = (len(terms), begin, stop)
    return best[1], best[2]
