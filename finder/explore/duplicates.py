"""Near-duplicates over the whole index: groups of files that are the same document.

Three kinds are found, all by content, never by name: identical files (the same
``content_hash``), the same text in another format (report.pdf and report.docx) and
edited versions (v1 and v2 with a fraction of the words changed). The test of sameness is
the results list's, :func:`finder.variants.similarity` over each file's stored text (its
first :data:`MAX_WORDS` words), so a group here is what the list folds into one result.

Comparing every pair is quadratic; instead each file's 3-word runs (hashes) go into one
sorted array, and files that share runs become candidate pairs (counted with numpy, no
Python loop per file pair). Runs found in more than :data:`COMMON_RUN` files (licence
boilerplate, a template's letterhead) are left out of the counting, so they cost nothing
and do not by themselves pair files; candidates sharing :data:`CANDIDATE` of the smaller
file's runs are then measured exactly and joined into groups (union-find, closest pairs
first; two groups join only if their first files are alike too, so a chain of
look-alikes does not become one group). Exact counting, not MinHash: the benchmark
(tests/bench/bench_duplicates.py) shows the 3-gram Jaccard index that MinHash estimates
separates 20 % edits from look-alikes worse than word coverage, and counting all runs of
10,000 files takes seconds.

A file's reported similarity is to the group's newest file; it can be below
:data:`~finder.variants.SAME` when it was joined through another member (a v1 edited
twice into v2 and a draft: each like v1, less like each other).

Thread-free and headless: :func:`find_duplicates` reads the catalog it is given on the
calling thread (the CLI's, or the window's worker thread with its own reader) and
changes nothing. :func:`group_texts` is the pure core, for tests and the benchmark.
"""

from __future__ import annotations

from collections.abc import Iterable, Sequence
from dataclasses import dataclass

import numpy as np

from finder.store.catalog import Catalog
from finder.variants import (
    MIN_WORDS,
    SAME,
    distinct,
    fingerprint,
    leading_text,
    similarity,
    words_of,
)

MAX_WORDS = 5000  # words compared per file: its opening; bounds the cost of a long file
COMMON_RUN = 30  # runs in more files than this are boilerplate: not counted for candidates
# Share of the smaller file's runs the other has, to be measured exactly: a 20 % edit
# keeps about half of the runs (0.8 ** 3), so 0.4 loses none of them (the benchmark).
CANDIDATE = 0.4
_CHARS_PER_WORD = 12  # text kept per file before splitting: generous for MAX_WORDS words


@dataclass(frozen=True, slots=True)
class DuplicateFile:
    """One file of a group; ``similarity`` is to the group's newest file (1.0 for it)."""

    path: str
    size: int
    mtime_ns: int
    similarity: float
    identical: bool  # another file with byte for byte the newest file's content


@dataclass(frozen=True, slots=True)
class DuplicateGroup:
    """Files that are one document, newest first."""

    files: tuple[DuplicateFile, ...]

    @property
    def newest(self) -> DuplicateFile:
        return self.files[0]

    @property
    def similarity(self) -> float:
        """The least similar file's similarity to the newest (1.0: all identical)."""
        return min(f.similarity for f in self.files[1:])

    @property
    def identical(self) -> bool:
        return all(f.identical for f in self.files[1:])


@dataclass(frozen=True, slots=True)
class FileText:
    """What the finder needs of one file: its catalog row and its text (None: none)."""

    path: str
    size: int
    mtime_ns: int
    content_hash: str | None
    text: str | None


def find_duplicates(catalog: Catalog) -> list[DuplicateGroup]:
    """Every group of two or more files of the catalog that are the same document,
    largest first. Reads the catalog on the calling thread; writes nothing."""
    states = {s.id: s for s in catalog.file_states().values()}
    texts = _texts(catalog.all_chunks())
    files = [
        FileText(s.path, s.size, s.mtime_ns, s.content_hash, texts.get(s.id))
        for s in states.values()
    ]
    return group_texts(files)


def _texts(chunks: Iterable[tuple]) -> dict[int, str]:
    """file id -> the opening of its text, from (file id, page, start, stop, text) rows
    grouped by file; chunks past what :data:`MAX_WORDS` words need are skipped."""
    out: dict[int, str] = {}
    limit = MAX_WORDS * _CHARS_PER_WORD
    current, size = -1, 0
    parts: list[tuple] = []
    for file_id, *chunk in chunks:
        if file_id != current:
            if parts:
                out[current] = leading_text(parts)
            current, parts, size = file_id, [], 0
        if size < limit:
            parts.append(tuple(chunk))
            size += len(chunk[3])
    if parts:
        out[current] = leading_text(parts)
    return out


def group_texts(files: Sequence[FileText]) -> list[DuplicateGroup]:
    """The groups among ``files``: identical content first joined by hash, then one
    file per content compared by text."""
    parent = list(range(len(files)))
    by_hash: dict[str, int] = {}
    for i, f in enumerate(files):
        if f.content_hash is not None:
            _join(parent, by_hash.setdefault(f.content_hash, i), i)
    firsts = [i for i, f in enumerate(files) if _find(parent, i) == i and f.text]
    prints = [_fingerprint(files[i].text) for i in firsts]
    runs = [distinct(p) for p in prints]
    keep = [k for k, p in enumerate(prints) if len(p) + 2 >= MIN_WORDS]
    print_of = {i: (prints[k], runs[k]) for k, i in enumerate(firsts)}
    edges = []
    for a, b in candidate_pairs([runs[k] for k in keep]):
        ka, kb = keep[a], keep[b]
        score = similarity(prints[ka], prints[kb], runs[ka], runs[kb])
        if score >= SAME:
            edges.append((-score, firsts[ka], firsts[kb]))
    # Closest pairs first; two groups join only if their first files are alike too, so a
    # chain of look-alikes (man pages of sibling commands) does not become one group.
    for _, a, b in sorted(edges):
        ra, rb = _find(parent, a), _find(parent, b)
        if ra != rb and _similar(print_of[ra], print_of[rb]) >= SAME:
            _join(parent, ra, rb)
    members: dict[int, list[int]] = {}
    for i in range(len(files)):
        members.setdefault(_find(parent, i), []).append(i)
    groups = [_group(files, m, print_of) for m in members.values() if len(m) > 1]
    return sorted(groups, key=lambda g: (-len(g.files), g.newest.path))


def candidate_pairs(runs: Sequence[np.ndarray]) -> list[tuple[int, int]]:
    """(i, j), i < j, of files (their :func:`~finder.variants.distinct` runs) sharing at
    least :data:`CANDIDATE` of the smaller one's runs, counting only runs found in at
    most :data:`COMMON_RUN` files (in the shares too: boilerplate neither pairs files nor
    hides an edited copy of a licence)."""
    if len(runs) < 2:
        return []
    n = len(runs)
    # One sort of run-and-owner keys (the owner in the low bits, replacing hash bits that
    # a few false matches at most would need: candidates are measured exactly after).
    bits = max(1, n.bit_length())
    owners = np.repeat(np.arange(n, dtype=np.uint64), [len(r) for r in runs])
    keyed = np.sort((np.concatenate(runs) >> np.uint64(bits) << np.uint64(bits)) | owners)
    keyed = keyed[np.r_[True, keyed[1:] != keyed[:-1]]]  # a file's runs alike in the kept bits
    run_of = keyed >> np.uint64(bits)
    owner = (keyed & np.uint64((1 << bits) - 1)).astype(np.int64)
    starts = np.flatnonzero(np.r_[True, run_of[1:] != run_of[:-1]])
    counts = np.diff(np.r_[starts, len(keyed)])
    rare = np.repeat(counts, counts) <= COMMON_RUN
    sizes = np.bincount(owner[rare], minlength=n)
    keys = []
    for d in np.unique(counts[(counts >= 2) & (counts <= COMMON_RUN)]):
        at = starts[counts == d]
        sharing = owner[at[:, None] + np.arange(d)]  # (runs, d) owners, ascending
        i, j = np.triu_indices(int(d), 1)
        keys.append((sharing[:, i] * n + sharing[:, j]).ravel())
    if not keys:
        return []
    pair, shared = np.unique(np.concatenate(keys), return_counts=True)
    a, b = pair // n, pair % n
    close = shared >= CANDIDATE * np.minimum(sizes[a], sizes[b])
    return list(zip(a[close].tolist(), b[close].tolist(), strict=True))


def _group(
    files: Sequence[FileText],
    members: list[int],
    print_of: dict[int, tuple[np.ndarray, np.ndarray]],
) -> DuplicateGroup:
    """A group of ``members`` with each one's similarity to the newest."""
    members = sorted(members, key=lambda i: (-files[i].mtime_ns, files[i].path))
    newest = files[members[0]]
    newest_print = _print(files, members[0], print_of)
    out = []
    for i in members:
        f = files[i]
        same = i != members[0] and f.content_hash == newest.content_hash is not None
        score = 1.0
        if not same and i != members[0]:
            score = _similar(newest_print, _print(files, i, print_of))
        out.append(DuplicateFile(f.path, f.size, f.mtime_ns, round(score, 3), same))
    return DuplicateGroup(tuple(out))


def _print(
    files: Sequence[FileText], i: int, print_of: dict[int, tuple[np.ndarray, np.ndarray]]
) -> tuple[np.ndarray, np.ndarray]:
    """File ``i``'s fingerprint and distinct runs: computed already for the first file
    of each content, else now (empty for a file without text)."""
    found = print_of.get(i)
    if found is None:
        runs = _fingerprint(files[i].text) if files[i].text else np.zeros(0, np.uint64)
        found = (runs, distinct(runs))
    return found


def _fingerprint(text: str | None) -> np.ndarray:
    """The fingerprint of the first :data:`MAX_WORDS` words (not splitting the rest)."""
    return fingerprint(words_of((text or "")[: MAX_WORDS * _CHARS_PER_WORD])[:MAX_WORDS])


def _similar(a: tuple[np.ndarray, np.ndarray], b: tuple[np.ndarray, np.ndarray]) -> float:
    """:func:`~finder.variants.similarity` of two (fingerprint, distinct runs) pairs."""
    return similarity(a[0], b[0], a[1], b[1])


def _find(parent: list[int], i: int) -> int:
    while parent[i] != i:
        parent[i] = parent[parent[i]]
        i = parent[i]
    return i


def _join(parent: list[int], a: int, b: int) -> None:
    ra, rb = _find(parent, a), _find(parent, b)
    if ra != rb:
        parent[max(ra, rb)] = min(ra, rb)
