"""What a hit shows of its passage: which query terms it holds, and a one-line snippet
centred on them. Pure functions on text; used by :mod:`finder.search`."""

from __future__ import annotations

import re


def matched_terms(text: str, terms: list[str]) -> list[str]:
    """The query terms that occur in ``text`` (case-insensitive), in query order."""
    lowered = text.lower()
    found = []
    for term in dict.fromkeys(t.lower() for t in terms):
        if len(term) > 1 and re.search(r"(?<!\w)" + re.escape(term), lowered):
            found.append(term)
    return found


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
        for m in re.finditer(r"(?<!\w)" + re.escape(term), lowered)
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
