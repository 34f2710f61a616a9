"""How strong a leg's evidence is in absolute terms, not only against the query's best hit.

Min-max scaling within a leg gives the best keyword hit full weight however weak it is:
one common word in a long technical file then counts as much as every word of the query
in a short letter. So the keyword and name legs are also measured on a scale that means
the same for every query: the share of the query's IDF mass a passage (or a file name)
matches. The IDF comes from the user's own index (FTS5's document frequencies), so words
that are common in *this* index ("fix" among release notes) carry little, whatever a
fixed stop-word list says.

Pure functions and a small value type; no I/O. Used by :mod:`finder.search`.
"""

from __future__ import annotations

import math
from collections.abc import Mapping
from dataclasses import dataclass

# FTS5's bm25() constants: a term found once in a passage of average length scores
# idf * (K1 + 1) / (1 + K1) = idf, so BM25 over the sum of the query's IDFs is about the
# share of the query's rarity a passage matches (more when words repeat, less in long
# passages).
K1 = 1.2


def idf(matches: int, total: int) -> float:
    """FTS5's IDF of a term found in ``matches`` of ``total`` rows (never below 1e-6).

    ``total`` may be a stale count (the searcher counts passages once a minute): it is
    taken to be at least ``matches``."""
    total = max(total, matches)
    return max(math.log((total - matches + 0.5) / (matches + 0.5)), 1e-6)


@dataclass(frozen=True, slots=True)
class QueryRarity:
    """How much BM25 a query could earn: the IDF of each of its FTS5 terms."""

    idf_by_term: Mapping[str, float]

    @classmethod
    def of(cls, matches: Mapping[str, int], total: int) -> QueryRarity:
        """From each term's match count among ``total`` rows (passages or file names)."""
        return cls({t: idf(n, max(total, 1)) for t, n in matches.items()})

    @property
    def mass(self) -> float:
        return sum(self.idf_by_term.values())

    def strength(self, bm25: float) -> float:
        """``bm25`` (higher is better) as a share of the query's IDF mass, in [0, 1]:
        1 when every term is matched about once in a passage of average length."""
        mass = self.mass
        return min(bm25 / mass, 1.0) if mass > 0 else 0.0

    def share(self, matched: list[str]) -> float:
        """The share of the query's IDF mass that the ``matched`` terms carry, in [0, 1]."""
        mass = self.mass
        return sum(self.idf_by_term.get(t, 0.0) for t in matched) / mass if mass > 0 else 0.0


# Logistic calibration of :func:`confidence`, fitted on the home-folder development set
# (tests/bench/home_no_answer.tsv and the data set's queries.tsv): see README, "Confidence".
_BIAS, _COSINE, _KEYWORD, _NAME = -9.7, 13.9, 3.0, 7.2
STRONG = 0.5  # at or above: a strong match
WEAK = 0.02  # below: a weak match ("related" between the two)


def confidence(cosine: float, keyword: float, name: float, exact: int) -> float:
    """The estimated chance that a file is what the query is after, in [0, 1].

    ``cosine`` is its similarity to the query (its best passage's, or its folder and name
    words' where closer), ``keyword`` and ``name`` the share of the query's IDF mass its
    scored passages and its name match (0 when not matched), ``exact`` 2 when its name
    is the query and 1 when it holds every quoted phrase or identifier (both make it at
    least a strong match).
    """
    z = _BIAS + _COSINE * cosine + _KEYWORD * keyword + _NAME * name
    p = 1.0 / (1.0 + math.exp(-z))
    return round(max(p, 0.9) if exact else p, 3)
