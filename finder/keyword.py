"""The keyword legs of a search: BM25 over passages and over file names (FTS5).

Each leg answers one entry per file (its best passage) and the query's
:class:`~finder.evidence.QueryRarity` in that leg (the IDF of each term among passages
or among file names), so fusion can tell a strong match from a weak one in absolute
terms. Thread: used by its searcher's thread only (it reads the searcher's catalog).
"""

from __future__ import annotations

import re
import time
from collections.abc import Iterable
from typing import NamedTuple

from finder.evidence import QueryRarity
from finder.query import Query
from finder.stopwords import STOPWORDS
from finder.store.catalog import Catalog

# How many of a file's best-scoring passages pool their query words into its strength.
PASSAGES_PER_FILE = 3


class LegHit(NamedTuple):
    """A file found by one leg, through its best passage (None: by its name)."""

    file_id: int
    chunk_id: int | None
    score: float  # the leg's raw score, higher is better (BM25 negated, or cosine)


# One leg's answer: best file first, each file once.
LegResult = list[LegHit]


class PassageLeg(NamedTuple):
    """The passage leg's answer (:meth:`KeywordLegs.passages`)."""

    hits: LegResult  # the files of the best k passages, best first
    strength: dict[int, float]  # file -> share of the query's IDF mass, in [0, 1]
    rarity: QueryRarity
    terms: list[str]  # the FTS5 terms scored
    postings: dict[str, set[int]]  # the matching chunks of each term within the budget

    @classmethod
    def empty(cls) -> PassageLeg:
        return cls([], {}, QueryRarity({}), [], {})


class KeywordLegs:
    """BM25 over passages (within a postings budget) and over file names."""

    def __init__(self, catalog: Catalog, postings_budget: int) -> None:
        self.catalog = catalog
        self.budget = postings_budget  # matching chunks the passage leg may score
        self._passage_count: tuple[float, int] | None = None  # (when counted, how many)

    def passages(self, q: Query, k: int) -> PassageLeg:
        """Files by their best passage's BM25 (the ``k`` best passages scored), and each
        file's strength (see :meth:`_strengths`)."""
        terms = fts_terms(q)
        if not terms:
            return PassageLeg.empty()
        counts = {t: self.catalog.count_matches(t, self.budget + 1) for t in terms}
        kept = self._affordable(terms, counts)
        rows = self.catalog.keyword_chunks(" OR ".join(kept), k)
        best = [LegHit(r.file_id, r.chunk_id, r.score) for r in rows]
        rarity = QueryRarity.of(counts, self._passages())
        # Read once (~1 ms for 10k postings) for the strengths here and in :meth:`fill`.
        postings = {t: self.catalog.postings(t) for t in kept if counts[t] <= self.budget}
        answer = PassageLeg(best_per_file(best), {}, rarity, kept, postings)
        answer.strength.update(self._strengths(answer, _passages_of(best)))
        return answer

    def fill(self, answer: PassageLeg, file_ids: Iterable[int]) -> LegResult:
        """The keyword evidence of those ``file_ids`` the leg has not judged yet, added to
        ``answer.strength`` (0 for a file holding none of the terms, which is left out).

        Another leg found these files; without this they would count as unmatched by
        keyword however many of the query's words they hold, whenever a few files with
        many matching passages filled the leg's ``k`` best. Scoring every match by BM25
        to reach them doubled the query time (home set p90 39 -> 87 ms), so a file's
        passages are ranked by the IDF mass of the terms they hold (read from the terms'
        postings; terms past the budget, the most common, are not looked up). Each file
        counts at the leg's lowest score (min-max scaling stays that of the ``k`` best),
        weighed by its own strength. Measured: known items MRR@10 0.756 -> 0.760, recall@100
        SciFact 0.938 -> 0.948 and NFCorpus 0.319 -> 0.329 (nDCG@10 +0.001 each), home set
        unchanged; home query p50 20 -> 25 ms.
        """
        wanted = [f for f in dict.fromkeys(file_ids) if f not in answer.strength]
        if not wanted or not answer.hits:
            return []
        chunks_of = self.catalog.chunks_of_files(wanted)
        ids = [c for cs in chunks_of.values() for c in cs]
        held: dict[int, list[str]] = {}
        for term, matching in answer.postings.items():
            for c in matching.intersection(ids):
                held.setdefault(c, []).append(term)
        low = min(h.score for h in answer.hits)
        filled: LegResult = []
        for f in wanted:
            holding = [c for c in chunks_of.get(f, []) if c in held]
            ranked = sorted(holding, key=lambda c: -answer.rarity.share(held[c]))
            best = ranked[:PASSAGES_PER_FILE]
            answer.strength[f] = answer.rarity.share(list({t for c in best for t in held[c]}))
            if best:
                filled.append(LegHit(f, best[0], low))
        return filled

    def _strengths(
        self, answer: PassageLeg, passages_of: dict[int, list[LegHit]]
    ) -> dict[int, float]:
        """Each file's share of the query's IDF mass whose terms its best scored passages
        (up to ``PASSAGES_PER_FILE``) hold between them (distinct terms: a word repeated
        raises BM25, not the share).

        Terms held by any of those passages, not only the best: a plan whose flights,
        dates and family are in three passages answers the question as a whole, which a
        stray common word in one passage does not (home set MRR@10 0.874 -> 0.902). Capped
        so that a long changelog cannot gather the query's common words from dozens of
        passages (3, 5, 10 or all measured the same on the home set; 2 less).
        """
        ids = {
            f: {h.chunk_id for h in hits if h.chunk_id is not None}
            for f, hits in passages_of.items()
        }
        chunks = [c for cs in ids.values() for c in cs]
        holding = {
            t: answer.postings[t].intersection(chunks)
            if t in answer.postings
            else self.catalog.chunks_matching(t, chunks)
            for t in answer.terms
        }
        return {
            f: answer.rarity.share([t for t in answer.terms if not holding[t].isdisjoint(cs)])
            for f, cs in ids.items()
        }

    def names(self, q: Query, k: int) -> tuple[LegResult, dict[int, float]]:
        """Files by the BM25 of their name (no passage), and each name's strength: its
        BM25 as a share of the query's IDF mass among file names."""
        terms = fts_terms(q)
        if not terms:
            return [], {}
        files = self.catalog.count_files()
        rarity = QueryRarity.of({t: self.catalog.count_name_matches(t) for t in terms}, files)
        rows = self.catalog.keyword_files(" OR ".join(terms), k)
        leg = [LegHit(r.file_id, None, r.score) for r in rows]
        return leg, {r.file_id: rarity.strength(r.score) for r in rows}

    def _passages(self) -> int:
        """How many passages the index holds (for IDF), counted at most once a minute:
        IDF needs only its order of magnitude, and counting a million rows takes ~20 ms."""
        now = time.monotonic()
        if self._passage_count is None or now - self._passage_count[0] > 60:
            self._passage_count = (now, self.catalog.count_chunks())
        return self._passage_count[1]

    def _affordable(self, terms: list[str], counts: dict[str, int]) -> list[str]:
        """The rarest terms whose postings fit the budget (at least one term, phrases kept).

        FTS5 scores every chunk that matches any OR-ed term, so a query holding a word
        found in half of 100k chunks costs ~100 ms. Such words weigh little in BM25
        (low IDF), so past the budget the most common are left out of the keyword leg.
        ``counts`` stop past the budget: such a term is left out whatever its count,
        unless no term fits (then one of them is kept, not necessarily the rarest).
        """
        kept: list[str] = []
        spent = 0
        for term in sorted(terms, key=lambda t: (counts[t], t)):
            if kept and spent + counts[term] > self.budget and " " not in term.strip('"'):
                continue
            kept.append(term)
            spent += counts[term]
        return [t for t in terms if t in kept]


def _passages_of(hits: LegResult) -> dict[int, list[LegHit]]:
    """Each file's first ``PASSAGES_PER_FILE`` hits of a best-first list."""
    out: dict[int, list[LegHit]] = {}
    for hit in hits:
        kept = out.setdefault(hit.file_id, [])
        if len(kept) < PASSAGES_PER_FILE:
            kept.append(hit)
    return out


def best_per_file(hits: Iterable[LegHit]) -> LegResult:
    """Keep each file's first (best) hit of a best-first list."""
    seen: set[int] = set()
    out: LegResult = []
    for hit in hits:
        if hit.file_id not in seen:
            seen.add(hit.file_id)
            out.append(hit)
    return out


def fts_terms(q: Query) -> list[str]:
    """FTS5 terms for a query, to be OR-ed: BM25 ranks by how many match and how rare.

    Quoted phrases stay phrases; stop words are dropped unless nothing else is left.
    """
    words = list(dict.fromkeys(w.lower() for w in q.words if len(w) > 1))
    content = [w for w in words if w not in STOPWORDS] or words
    parts = [phrase(p) for p in q.phrases] + [f'"{w}"' for w in content]
    return [p for p in dict.fromkeys(parts) if p]


def phrase(text: str) -> str:
    """``text`` as one FTS5 phrase of its words ("" when it has none)."""
    words = re.findall(r"\w+", text)
    return f'"{" ".join(words)}"' if words else ""
