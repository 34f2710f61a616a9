"""Near-duplicates on a planted set among the home set's technical files (issue 14).

Run: ``PYTHONPATH=. HF_HUB_OFFLINE=1 .venv/bin/python tests/bench/bench_duplicates.py``

The kept index of the home set (``/work/wt/quality-data/w/data``, read-only) is copied to
a temp dir; a new root with the planted files is added to the copy and indexed with the
real IndexWriter and model (the home files are unchanged, so only the planted ones are
read and embedded). Planted, each from its own source (a text file of the home set's
technical part, 150-3,000 words, in no duplicate group before planting):

- exact copies (a newer copy of the source);
- format twins (the source's text written as .md, .html, .pdf via reportlab, .docx);
- edited versions with 1, 5, 10 and 20 % of the words replaced at random places;
- negatives: letters from one template (letterhead, greeting, closing shared; the body
  is a different paragraph of the home set each).

A family is a source with its planted files. Precision and recall count pairs of files
put in one group where either file is planted or a source (groups among the other home
files are not planted, so not scored: they are listed in number). Then the measures are
compared pairwise over the same candidate pairs (word coverage by shared 3-word runs,
finder's test; Jaccard of 3-gram sets, which MinHash estimates), the results list's old
test against the new one, and the time of 10,000 files (the home set's texts plus
synthetic ones: a home text with half of its words replaced, so a distinct document).
"""

from __future__ import annotations

import argparse
import json
import os
import random
import re
import shutil
import sys
import tempfile
import time
from collections.abc import Sequence
from itertools import combinations
from pathlib import Path

import numpy as np

from finder.engine import IndexReader, IndexWriter
from finder.explore.duplicates import (
    MAX_WORDS,
    FileText,
    _texts,
    candidate_pairs,
    find_duplicates,
    group_texts,
)
from finder.variants import SAME, WORDS, fingerprint, similarity, words_of
from tests.conftest import write
from tests.explore.planting import edit, paragraphs, template_letter, write_format

KEPT = Path("/work/wt/quality-data/w/data")
HOME = "/work/wt/quality-data/w/home/"
KINDS = ("copy", "twins", "edit 1%", "edit 5%", "edit 10%", "edit 20%")
TWINS = ("md", "html", "pdf", "docx")


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--per-kind", type=int, default=10, help="families of each kind")
    parser.add_argument("--letters", type=int, default=10)
    parser.add_argument("--keep", action="store_true", help="keep the temp dir")
    parser.add_argument("--reuse", type=Path, help="a kept temp dir: measure again, no indexing")
    args = parser.parse_args()
    rng = random.Random(14)
    if args.reuse:
        saved = json.loads((args.reuse / "families.json").read_text())
        kinds = {int(k): v for k, v in saved["kinds"].items()}
        return measure(args.reuse / "data", saved["family"], kinds, rng)
    tmp = Path(tempfile.mkdtemp(prefix="bench-dups-"))
    try:
        run(tmp, args.per_kind, args.letters, rng)
    finally:
        if args.keep:
            print(f"kept {tmp}")
        else:
            shutil.rmtree(tmp)


def run(tmp: Path, per_kind: int, letters: int, rng: random.Random) -> None:
    data = tmp / "data"
    shutil.copytree(KEPT, data, ignore=shutil.ignore_patterns("writer.lock"))
    with IndexReader.open(data) as reader:
        grouped = {f.path for g in find_duplicates(reader.catalog) for f in g.files}
        states = reader.catalog.file_states()
    sources = pick_sources(states, grouped, per_kind * len(KINDS), rng)
    planted = tmp / "planted"
    family: dict[str, int] = {}
    kind_of: dict[int, str] = {}
    for n, source in enumerate(sources):
        kind = KINDS[n % len(KINDS)]
        kind_of[n] = kind
        family[source] = n
        for path in plant(planted / f"family-{n:03d}", source, kind, rng):
            family[str(path)] = n
    bodies = [p for p in letter_bodies(states, set(sources), rng)][:letters]
    for k, body in enumerate(bodies):
        path = write(planted / "letters" / f"letter-{k}.txt", template_letter(body, k + 1))
        family[str(path)] = len(sources) + k
        kind_of[len(sources) + k] = "letter"
    print(
        f"planted {len(family) - len(sources)} files in {len(sources)} families "
        f"+ {len(bodies)} template letters, under {planted}"
    )

    started = time.perf_counter()
    with IndexWriter.open(data, config_dir=tmp / "config") as writer:
        writer.add_roots([planted])
        report = writer.index()
    print(
        f"indexed: {report.added} added, {report.chunks_embedded} chunks embedded, "
        f"{time.perf_counter() - started:.0f} s"
    )
    saved = {"family": family, "kinds": kind_of}
    (tmp / "families.json").write_text(json.dumps(saved), encoding="utf-8")
    measure(data, family, kind_of, rng)


def measure(
    data: Path, family: dict[str, int], kind_of: dict[int, str], rng: random.Random
) -> None:
    with IndexReader.open(data) as reader:
        started = time.perf_counter()
        groups = find_duplicates(reader.catalog)
        seconds = time.perf_counter() - started
        started = time.perf_counter()
        texts = catalog_texts(reader)
        reading = time.perf_counter() - started
    print(
        f"\nfind_duplicates over {len(texts):,} files: {seconds:.2f} s, {len(groups)} groups "
        f"(of which reading the text from the catalog {reading:.2f} s)"
    )
    score_groups(groups, family, kind_of)
    compare_measures(texts, family)
    time_scale_up(texts, reading, rng)


def pick_sources(states: dict, grouped: set[str], count: int, rng: random.Random) -> list[str]:
    """Technical text files of 150-3,000 words, in no group, with distinct openings."""
    pool = []
    for path in sorted(states):
        if not path.startswith(HOME + "manuals/") or path in grouped:
            continue
        if os.path.splitext(path)[1] not in ("", ".txt", ".md", ".rst"):
            continue
        words = len(Path(path).read_text(encoding="utf-8", errors="replace").split())
        if 150 <= words <= 3000:
            pool.append(path)
    return rng.sample(pool, count)


def plant(folder: Path, source: str, kind: str, rng: random.Random) -> list[Path]:
    """The planted files of one family, newer than the source."""
    text = Path(source).read_text(encoding="utf-8", errors="replace")
    title = Path(source).parent.name + " " + Path(source).name
    folder.mkdir(parents=True)
    if kind == "copy":
        out = [folder / Path(source).name]
        shutil.copyfile(source, out[0])
    elif kind == "twins":
        out = [write_format(folder / f"{Path(source).name}.{ext}", title, text) for ext in TWINS]
    else:
        share = int(re.findall(r"\d+", kind)[0]) / 100
        out = [folder / f"{Path(source).name}-v2.txt"]
        out[0].write_text(edit(text, share, rng), encoding="utf-8")
    return out


def letter_bodies(states: dict, sources: set[str], rng: random.Random) -> list[str]:
    """Paragraphs of 60-200 words from home files (not sources), one per file."""
    bodies = []
    for path in rng.sample(sorted(states), len(states)):
        if path in sources or not path.endswith((".txt", ".md")):
            continue
        text = Path(path).read_text(encoding="utf-8", errors="replace")
        fits = [p for p in paragraphs(text) if 60 <= len(p.split()) <= 200]
        if fits:
            bodies.append(fits[0])
        if len(bodies) >= 40:
            break
    return bodies


def catalog_texts(reader: IndexReader) -> list[FileText]:
    states = {s.id: s for s in reader.catalog.file_states().values()}
    texts = _texts(reader.catalog.all_chunks())
    return [
        FileText(s.path, s.size, s.mtime_ns, s.content_hash, texts.get(s.id))
        for s in states.values()
    ]


def score_groups(groups: Sequence, family: dict[str, int], kind_of: dict[int, str]) -> None:
    """Pairwise precision and recall over the planted families."""
    predicted: set[tuple[str, str]] = set()
    unscored = 0
    for g in groups:
        paths = sorted(f.path for f in g.files)
        if not any(p in family for p in paths):
            unscored += 1
        for a, b in combinations(paths, 2):
            if a in family or b in family:
                predicted.add((a, b))
    truth = set()
    members: dict[int, list[str]] = {}
    for path, fam in family.items():
        members.setdefault(fam, []).append(path)
    for paths in members.values():
        truth |= set(combinations(sorted(paths), 2))
    tp = predicted & truth
    print(
        f"  planted pairs: {len(truth)}, predicted pairs touching planted files: "
        f"{len(predicted)}, right: {len(tp)}"
    )
    print(
        f"  PRECISION {len(tp) / max(1, len(predicted)):.3f} (goal >= 0.95)   "
        f"RECALL {len(tp) / max(1, len(truth)):.3f} (goal >= 0.90)"
    )
    for kind in (*KINDS, "letter"):
        fams = [f for f, k in kind_of.items() if k == kind]
        pairs = {p for f in fams for p in combinations(sorted(members[f]), 2)}
        wrong = {p for p in predicted if family.get(p[0]) in fams or family.get(p[1]) in fams}
        wrong -= truth
        found = len(pairs & tp)
        print(
            f"    {kind:9s} families {len(fams):3d}: pairs found {found}/{len(pairs)}, "
            f"wrongly joined {len(wrong)}"
        )
    for p in sorted(predicted - truth)[:8]:
        print(f"    wrong: {short(p[0])}  ~  {short(p[1])}")
    for p in sorted(truth - predicted)[:8]:
        print(f"    missed: {short(p[0])}  ~  {short(p[1])}")
    print(f"  groups among unplanted home files (not scored): {unscored}")


def short(path: str) -> str:
    return path.replace(HOME, "~/").split("/bench-dups-")[-1][-70:]


def compare_measures(texts: list[FileText], family: dict[str, int]) -> None:
    """Coverage vs 3-gram Jaccard over the candidate pairs touching planted files, and
    the results list's old opening test vs the new one."""
    with_text = [t for t in texts if t.text]
    words = [words_of(t.text or "")[:MAX_WORDS] for t in with_text]
    prints = [fingerprint(w) for w in words]
    pairs = [
        (a, b)
        for a, b in candidate_pairs(prints)
        if with_text[a].path in family or with_text[b].path in family
    ]
    same = [
        family.get(with_text[a].path, -1) == family.get(with_text[b].path, -2) for a, b in pairs
    ]
    positives = sum(same)
    cov = np.array([similarity(prints[a], prints[b]) for a, b in pairs])
    jac = np.array([jaccard(prints[a], prints[b]) for a, b in pairs])
    truth = np.array(same)
    print(
        f"\nmeasures over {len(pairs)} candidate pairs touching planted files "
        f"({positives} same-document, exact copies excluded: same hash):"
    )
    for name, score, thresholds in (
        ("coverage (finder)", cov, (0.5, 0.6, SAME, 0.7, 0.8)),
        ("3-gram Jaccard", jac, (0.2, 0.25, 0.3, 0.4, 0.5, 0.7)),
    ):
        for t in thresholds:
            said = score >= t
            p = (said & truth).sum() / max(1, said.sum())
            r = (said & truth).sum() / max(1, truth.sum())
            print(f"  {name:18s} >= {t:.2f}: precision {p:.3f} recall {r:.3f}")
    print(
        f"  same-document pairs: coverage min {cov[truth].min():.3f}; others max "
        f"{cov[~truth].max() if (~truth).any() else 0:.3f}"
    )
    old_new = {"old (3-gram Jaccard >= 0.7 of openings)": [], "new (coverage of openings)": []}
    for a, b in pairs:
        oa, ob = words[a][:WORDS], words[b][:WORDS]
        old_new["old (3-gram Jaccard >= 0.7 of openings)"].append(old_same(oa, ob))
        fa, fb = fingerprint(oa), fingerprint(ob)
        old_new["new (coverage of openings)"].append(similarity(fa, fb) >= SAME)
    print("  results list folding, same pairs:")
    for name, said_list in old_new.items():
        said = np.array(said_list)
        p = (said & truth).sum() / max(1, said.sum())
        r = (said & truth).sum() / max(1, truth.sum())
        print(f"    {name:42s}: precision {p:.3f} recall {r:.3f}")


def jaccard(a: np.ndarray, b: np.ndarray) -> float:
    ua, ub = np.unique(a), np.unique(b)
    shared = len(np.intersect1d(ua, ub, assume_unique=True))
    return shared / (len(ua) + len(ub) - shared)


def old_same(a: list[str], b: list[str]) -> bool:
    """finder.variants.same_document before this change, for comparison."""
    if not a or not b:
        return False
    shorter, longer = sorted((len(a), len(b)))
    if shorter < WORDS and shorter < 0.8 * longer:
        return False
    ta = {tuple(a[i : i + 3]) for i in range(max(1, shorter - 2))}
    tb = {tuple(b[i : i + 3]) for i in range(max(1, shorter - 2))}
    return len(ta & tb) >= 0.7 * len(ta | tb)


def time_scale_up(
    texts: list[FileText], reading: float, rng: random.Random, target: int = 10_000
) -> None:
    """group_texts over ``target`` files: the real ones plus synthetic distinct ones."""
    real = [t for t in texts if t.text]
    vocab = list({w for t in real[:300] for w in (t.text or "").split()})
    extra = []
    while len(real) + len(extra) < target:
        base = rng.choice(real)
        tokens = (base.text or "").split()[: MAX_WORDS * 2]
        for i in rng.sample(range(len(tokens)), len(tokens) // 2):
            tokens[i] = rng.choice(vocab)
        n = len(extra)
        extra.append(FileText(f"/synthetic/{n}.txt", base.size, n, f"syn{n}", " ".join(tokens)))
    files = texts + extra
    chars = sum(len(t.text or "") for t in files)
    started = time.perf_counter()
    groups = group_texts(files)
    seconds = time.perf_counter() - started
    print(
        f"\nscale-up: {len(files):,} files ({len(extra):,} synthetic), {chars / 1e6:.0f} M "
        f"characters of text: group_texts {seconds:.2f} s, {len(groups)} groups; reading "
        f"scaled from the real catalog {reading * len(files) / len(texts):.2f} s; total "
        f"{seconds + reading * len(files) / len(texts):.2f} s (goal <= 10 s)"
    )


if __name__ == "__main__":
    sys.exit(main())
