"""Hybrid search: meaning and keywords fused, grouped by file, exact matches first.

Evidence comes from three legs, each a ranked list:

- **meaning**: k-NN over chunk vectors (the query embedded with the same model), a file's
  folder and name words counting as one more passage of the files found;
- **keyword**: BM25 over chunk text (FTS5, Porter-stemmed), a file the meaning leg found
  below the keyword leg's best passages judged by its own (:meth:`KeywordLegs.fill`);
- **name**: BM25 over file names.

Each leg is reduced to one entry per file (its best chunk), scores are min-max
normalised within the leg (BM25 and cosine live on unrelated scales) and summed with
weights; the keyword and name legs' scores are also scaled by how strong their evidence
is in absolute terms (:mod:`finder.keyword`), so a stray common word weighs little.
The meaning weight follows how close the query's best passage is, and a first fusion
feeds back into the meaning leg (see :class:`FusionWeights`). Then exact evidence
is put in front: a file whose name is the query, or which contains every quoted phrase
or identifier-like token literally, ranks above any file that matched only by meaning.
Meaning must never drown an exact match.

Thread: a ``Searcher`` is used by one thread at a time (it owns a SQLite connection);
the vector index has its own lock and may be shared with the writer. The query is
embedded on a helper thread of the searcher's while the keyword legs run on the caller's
(onnxruntime and SQLite both release the GIL, so on two cores the two overlap); its
owner ends that thread with :meth:`Searcher.close`.
"""

from __future__ import annotations

from collections.abc import Callable
from concurrent.futures import Future, ThreadPoolExecutor
from dataclasses import dataclass, field

import numpy as np

from finder.domain import SearchHit
from finder.evidence import confidence
from finder.keyword import KeywordLegs, LegHit, LegResult, PassageLeg, best_per_file, phrase
from finder.query import Query, TopicMembers, parse_query
from finder.snippets import matched_terms, snippet
from finder.stopwords import STOPWORDS
from finder.store.catalog import Catalog
from finder.store.rows import FileRow
from finder.store.vectors import VectorIndex

QueryEmbedder = Callable[[str], np.ndarray]


@dataclass(frozen=True, slots=True)
class FusionWeights:
    """How the legs are combined: each adds ``weight * min-max normalised score``.

    Measured (nDCG@10, see README) on SciFact, MEDLINE and CISI: min-max score fusion
    beat reciprocal-rank fusion (SciFact 0.715 vs 0.697) and plain max-scaling.

    The meaning weight is ``meaning_per_similarity`` times the best cosine similarity the
    query reaches: a query the model understands well (a passage at 0.75) weighs 1.5, the
    former fixed weight, and one it barely matches (0.5) weighs 1.0, leaving more to the
    keywords. Then pseudo-relevance feedback (Rocchio, in vector space): the query vector
    plus ``feedback_weight`` times the mean vector of the best passages of the first
    fusion's top ``feedback_files`` files and of the keyword leg's top ones is searched
    again, and the meaning leg is replaced by that answer. Stored vectors only: no second
    model pass. Tuned on SciFact, NFCorpus, MEDLINE and CISI with
    ``tests/bench/bench_quality.py``: SciFact 0.727 -> 0.741, NFCorpus 0.349 -> 0.372;
    the adaptive weight alone gave SciFact 0.736, NFCorpus 0.356.
    """

    meaning_per_similarity: float = 2.0
    keyword: float = 1.0
    name: float = 1.0
    candidates: int = 300  # chunks per leg, before grouping by file
    keyword_postings: int = 10_000  # matching chunks the keyword leg may score
    # A meaning-only match must be this similar, absolutely and relative to the best one:
    # without a floor, every query "finds" every file, the unrelated ones last.
    min_similarity: float = 0.1
    similarity_window: float = 0.4
    feedback_files: int = 2  # from the fused ranking and as many from the keyword leg
    feedback_weight: float = 0.5
    # Absolute strength (the share of the query's IDF mass, see finder.keyword) at which a
    # leg's evidence counts fully. Keyword: min(strength / saturation, 1) times
    # (1 + min-max score) / 2, so BM25 still orders strong hits and a stray word weighs
    # little; names: absolute only. Only keyword hits at full strength feed back into the
    # meaning leg. Measured on the home set (MRR@10 0.826 -> 0.859 before .eml was read)
    # and BEIR (SciFact 0.741 -> 0.739, NFCorpus 0.372 -> 0.373); min-max alone let one
    # common word in a long technical file outrank a short letter that answers by meaning.
    # Once names counted for meaning, 0.25 beat 0.3 on all four sets measured (home MRR@10
    # 0.897 -> 0.900, known items 0.747 -> 0.756, SciFact 0.741 -> 0.742, NFCorpus 0.373 ->
    # 0.374); 0.4 and 0.5 lost on the home set (0.888, 0.868).
    keyword_saturation: float = 0.25
    name_saturation: float = 1.0


@dataclass(slots=True)
class _FileEvidence:
    score: float = 0.0
    best_chunk: int | None = None
    best_contribution: float = -1.0
    keyword_chunk: int | None = None  # the keyword leg's best passage, if it found one
    matched_by: set[str] = field(default_factory=set)
    exact: int = 0  # 2: name is the query; 1: contains every phrase/identifier
    strengths: dict[str, float] = field(default_factory=dict)  # leg -> absolute, in [0, 1]


# A leg to fuse: (name, weight, answer, scale). ``scale(relative, file id)`` turns a file's
# min-max normalised score into its contribution per unit of weight (None: relative).
_Leg = tuple[str, float, LegResult, Callable[[float, int], float] | None]


class Searcher:
    """Answers queries against one catalog and vector index."""

    def __init__(
        self,
        catalog: Catalog,
        vector_index: VectorIndex | None,
        embed_query: QueryEmbedder | None,
        weights: FusionWeights | None = None,
    ) -> None:
        self.catalog = catalog
        self.vector_index = vector_index
        self.embed_query = embed_query
        self.weights = weights or FusionWeights()
        self._embedding_thread: ThreadPoolExecutor | None = None  # started on first use
        self._keyword_legs = KeywordLegs(catalog, self.weights.keyword_postings)
        self.topic_members: TopicMembers | None = None  # topic:N (finder.explore.topic_filter)

    def search(self, raw: str, limit: int = 20, *, legs: str = "hybrid") -> list[SearchHit]:
        """Ranked files for ``raw`` (query syntax in :mod:`finder.query`).

        ``legs`` is "hybrid" (the product), "text" (all but meaning: what a window can
        show while the model loads), or "keyword" or "meaning" alone (for benchmarks).
        """
        query = parse_query(raw, self.topic_members)
        if not query.text.strip():
            return self._browse(query, limit) if query.filters else []
        w = self.weights
        pool = w.candidates * (10 if query.filters else 1)
        embedding = self._start_embedding(query) if legs in ("hybrid", "meaning") else None
        text_legs = self._keyword_legs
        passages = text_legs.passages(query, pool) if legs != "meaning" else PassageLeg.empty()
        keyword = passages.hits
        in_names = legs in ("hybrid", "text")
        names, name_strength = text_legs.names(query, pool) if in_names else ([], {})
        vector = embedding.result() if embedding is not None else None
        meaning = self._meaning(vector, pool) if vector is not None else []
        if legs in ("keyword", "meaning"):
            single = meaning if legs == "meaning" else keyword
            ev = self._fuse([(legs, 1.0, single, None)])
            return self._hits(query, ev, limit, vector, meaning)
        # Every file the meaning leg finds is judged by keyword too, also past the pool.
        keyword = keyword + text_legs.fill(passages, (h.file_id for h in meaning))
        # Read through the answer: fill adds the strength of the files it judges.
        strong_k = _saturated(passages.strength, w.keyword_saturation)
        strong_n = _saturated(name_strength, w.name_saturation)
        # Weighted by the first answer's best similarity, also once feedback moved the query.
        weight = w.meaning_per_similarity * (meaning[0].score if meaning else 0.0)

        def fused(meaning_leg: LegResult) -> dict[int, _FileEvidence]:
            return self._fuse(
                [
                    ("meaning", weight, meaning_leg, None),
                    ("keyword", w.keyword, keyword, lambda rel, f: strong_k(f) * (1 + rel) / 2),
                    ("name", w.name, names, lambda _rel, f: strong_n(f)),
                ]
            )

        evidence = fused(meaning)
        feedback = (
            self._feedback(vector, evidence, [h for h in keyword if strong_k(h.file_id) >= 1.0])
            if vector is not None and meaning
            else None
        )
        if feedback is not None:
            moved = self._meaning(feedback, pool)
            keyword = keyword + text_legs.fill(passages, (h.file_id for h in moved))
            evidence = fused(moved)
        self._exact(query, evidence)
        for leg, strengths in (("keyword", passages.strength), ("name", name_strength)):
            for file_id, value in strengths.items():
                if file_id in evidence:
                    evidence[file_id].strengths[leg] = value
        return self._hits(query, evidence, limit, vector, meaning)

    def close(self) -> None:
        """End the helper thread (after the embedding in flight, if any). The searcher
        still answers afterwards, starting a new one; its owner calls this when done."""
        if self._embedding_thread is not None:
            self._embedding_thread.shutdown(wait=True, cancel_futures=True)
            self._embedding_thread = None

    # --- legs -------------------------------------------------------------------------
    def _start_embedding(self, q: Query) -> Future[np.ndarray] | None:
        """The query's vector, being embedded on the helper thread (None when there is no
        meaning to search). Only that thread calls the embedder while searches run."""
        if self.embed_query is None or self.vector_index is None or len(self.vector_index) == 0:
            return None
        if self._embedding_thread is None:
            self._embedding_thread = ThreadPoolExecutor(1, thread_name_prefix="finder-query")
        return self._embedding_thread.submit(self.embed_query, q.text)

    def _meaning(self, vector: np.ndarray, k: int) -> LegResult:
        assert self.vector_index is not None  # _start_embedding gave a vector
        labels, sims = self.vector_index.query(vector, k)
        sim_by_vector = dict(zip(labels.tolist(), sims.tolist(), strict=True))
        rows = self.catalog.chunks_by_vectors(labels.tolist())
        # Identical texts share a vector: every chunk using it gets its similarity.
        rows.sort(key=lambda r: -sim_by_vector[r.vector_id])
        best = float(sims.max()) if len(sims) else 0.0
        floor = max(self.weights.min_similarity, best - self.weights.similarity_window)
        passages = best_per_file(
            LegHit(r.file_id, r.chunk_id, sim)
            for r in rows
            if (sim := sim_by_vector[r.vector_id]) >= floor
        )
        # A file is as close as its best passage or its folder and name words, whichever
        # is closer (finder.indexing.name_vectors); the passage shown stays its best one.
        names = self.catalog.name_vectors([h.file_id for h in passages], len(vector))
        return sorted(
            (
                h._replace(score=max(h.score, float(names[h.file_id] @ vector)))
                if h.file_id in names
                else h
                for h in passages
            ),
            key=lambda h: -h.score,
        )

    def _feedback(
        self, vector: np.ndarray, ev: dict[int, _FileEvidence], keyword: LegResult
    ) -> np.ndarray | None:
        """The query vector moved toward the best passages of the top files (Rocchio).

        The top files come from both the fused ranking and the keyword leg. Measured with
        the fixed meaning weight 1.5 and three files: the keyword leg's alone lifted
        NFCorpus 0.349 -> 0.374 but cost CISI, whose keyword leg is weak, 0.455 -> 0.439;
        the fused ones alone lifted NFCorpus only to 0.363.
        """
        n = self.weights.feedback_files
        fused = sorted(ev, key=lambda fid: (-ev[fid].score, fid))[:n]
        files = dict.fromkeys([*fused, *(h.file_id for h in keyword[:n])])
        chunks = [c for f in files if (c := ev[f].best_chunk) is not None]
        found = self.catalog.chunk_vectors(chunks, len(vector))
        if not len(found):
            return None
        moved = vector + self.weights.feedback_weight * found.mean(axis=0)
        return moved / max(float(np.linalg.norm(moved)), 1e-12)

    def _fuse(self, answers: list[_Leg]) -> dict[int, _FileEvidence]:
        """Each file's weighted sum of its legs' scaled scores.

        A leg's score is min-max normalised (BM25 and cosine live on unrelated scales),
        then given with the file id to the leg's ``scale``, which may weigh in how
        strong the evidence is in absolute terms (see :class:`FusionWeights`).
        """
        evidence: dict[int, _FileEvidence] = {}
        for leg, weight, result, scale in answers:
            top = max((h.score for h in result), default=0.0)
            low = min((h.score for h in result), default=0.0)
            for file_id, chunk_id, raw in result:
                relative = (raw - low) / (top - low) if top > low else 1.0
                contribution = weight * (scale(relative, file_id) if scale else relative)
                e = evidence.setdefault(file_id, _FileEvidence())
                e.score += contribution
                e.matched_by.add(leg)
                if leg == "keyword":
                    e.keyword_chunk = chunk_id
                if chunk_id is not None and contribution > e.best_contribution:
                    e.best_chunk, e.best_contribution = chunk_id, contribution
        return evidence

    def _exact(self, q: Query, ev: dict[int, _FileEvidence]) -> None:
        """Lift files whose name is the query, or that contain every phrase/identifier."""
        for file_id in self.catalog.files_named(q.text.strip()):
            e = ev.setdefault(file_id, _FileEvidence())
            e.matched_by.add("name")
            e.exact = 2
        needles = [*q.phrases, *q.identifiers]
        if not needles:
            return
        # Only files some leg found are checked: a rare identifier or a phrase is always in
        # the keyword leg, and checking every chunk of a million would cost 100 ms.
        candidates = list(ev)
        holders: dict[int, int] | None = None
        for needle in needles:
            fts = phrase(needle)
            if not fts:
                continue
            found = {
                r.file_id: r.chunk_id
                for r in self.catalog.chunks_containing(fts, needle, candidates)
            }
            holders = found if holders is None else {f: holders[f] for f in found if f in holders}
        for file_id, chunk_id in (holders or {}).items():
            e = ev.setdefault(file_id, _FileEvidence())
            e.matched_by.add("exact")
            e.exact = max(e.exact, 1)
            e.best_chunk = chunk_id  # show the passage that holds the exact text

    def _browse(self, q: Query, limit: int) -> list[SearchHit]:
        """Filters alone ("ext:pdf after:2024"): matching files, most recent first."""
        hits = []
        for file in self.catalog.recent_files():
            if q.filters.accepts(file.path, file.ext, file.mtime_ns):
                hits.append(SearchHit(file.path, 0.0, "", None, file.mtime_ns, ("filter",)))
                if len(hits) == limit:
                    break
        return hits

    # --- results ----------------------------------------------------------------------
    def _cosines(
        self,
        vector: np.ndarray | None,
        meaning: LegResult,
        chosen: list[tuple[int, int | None]],
    ) -> dict[int, float]:
        """Each chosen file's similarity to the query as typed (not as feedback moved it):
        the first meaning leg's (best passage or name words), else its shown passage's."""
        if vector is None:
            return {}
        found = {h.file_id: h.score for h in meaning}
        out: dict[int, float] = {}
        for file_id, chunk_id in chosen:
            if file_id in found:
                out[file_id] = found[file_id]
            elif chunk_id is not None:
                stored = self.catalog.chunk_vectors([chunk_id], len(vector))
                if len(stored):
                    out[file_id] = float(stored[0] @ vector)
        return out

    def _confidence(self, e: _FileEvidence, cosine: float | None) -> float:
        return confidence(
            cosine or 0.0, e.strengths.get("keyword", 0.0), e.strengths.get("name", 0.0), e.exact
        )

    def _hits(
        self,
        q: Query,
        ev: dict[int, _FileEvidence],
        limit: int,
        vector: np.ndarray | None = None,
        meaning: LegResult | None = None,
    ) -> list[SearchHit]:
        ranked = sorted(ev, key=lambda fid: (-ev[fid].exact, -ev[fid].score, fid))
        # Fetch file rows page by page: usually the first page fills the answer.
        chosen: list[int] = []
        files: dict[int, FileRow] = {}
        for start in range(0, len(ranked), 4 * limit):
            page = self.catalog.files_by_ids(ranked[start : start + 4 * limit])
            files.update(page)
            for fid in ranked[start : start + 4 * limit]:
                row = page.get(fid)
                if row is not None and q.filters.accepts(row.path, row.ext, row.mtime_ns):
                    chosen.append(fid)
                    if len(chosen) == limit:
                        break
            if len(chosen) == limit:
                break
        shown = [c for f in chosen for c in (ev[f].best_chunk, ev[f].keyword_chunk) if c]
        chunks = self.catalog.chunks_by_ids(list(dict.fromkeys(shown)))
        cosines = self._cosines(vector, meaning or [], [(f, ev[f].best_chunk) for f in chosen])
        words = [w for w in q.words if w.lower() not in STOPWORDS] or q.words
        terms = [*q.phrases, *words]
        hits = []
        for fid in chosen:
            e = ev[fid]
            chunk_id = e.best_chunk
            chunk = chunks.get(chunk_id) if chunk_id is not None else None
            text = chunk.text if chunk else ""
            found = matched_terms(text, terms)
            if not found and e.keyword_chunk is not None and e.keyword_chunk in chunks:
                # Found by keyword, its best-scoring passage by meaning holds none of the
                # words: show the keyword leg's passage, so the words it matched are seen.
                chunk_id = e.keyword_chunk
                chunk = chunks[chunk_id]
                text = chunk.text
                found = matched_terms(text, terms)
            hits.append(
                SearchHit(
                    path=files[fid].path,
                    score=round(e.score + e.exact, 6),
                    snippet=snippet(text, found),
                    page=chunk.page if chunk else None,
                    modified_ns=files[fid].mtime_ns,
                    matched_by=tuple(sorted(e.matched_by)),
                    terms=tuple(found),
                    chunk_id=chunk_id,
                    confidence=self._confidence(e, cosines.get(fid)),
                )
            )
        return hits


def _saturated(strengths: dict[int, float], saturation: float) -> Callable[[int], float]:
    """A file's strength in a leg scaled to be full (1) at ``saturation``, 0 if unmatched."""
    return lambda file_id: min(strengths.get(file_id, 0.0) / saturation, 1.0)
