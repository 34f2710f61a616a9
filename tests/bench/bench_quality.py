"""Search quality on public test collections: nDCG@10 of keyword, meaning and hybrid.

Not part of the test suite. Each document of a collection is written out as a file (title
as the first line, a blank line, the text), indexed by the real pipeline into a temporary
data dir, and every judged query goes through the real search path
(``Engine.search(legs=...)``). Run from the repository root::

    .venv/bin/python tests/bench/bench_quality.py scifact medline cisi [--data DIR]

Collections are the folders of ``shared/data/ir`` (``corpus.jsonl``, ``queries.jsonl``,
``qrels.tsv``; see its README). Prints one Markdown table row per collection.
"""

from __future__ import annotations

import argparse
import json
import math
import sys
import tempfile
import time
from pathlib import Path

from finder.engine import Engine

LEGS = ("keyword", "meaning", "hybrid")
DEFAULT_DATA = Path(__file__).resolve().parents[3] / "shared" / "data" / "ir"


def write_corpus(collection: Path, folder: Path) -> None:
    """One .txt file per document, named by its id, title first."""
    folder.mkdir(parents=True)
    with open(collection / "corpus.jsonl", encoding="utf-8") as lines:
        for line in lines:
            doc = json.loads(line)
            title = (doc.get("title") or "").strip()
            (folder / f"{doc['_id']}.txt").write_text(f"{title}\n\n{doc['text']}", "utf-8")


def read_judgements(collection: Path) -> tuple[dict[str, str], dict[str, dict[str, int]]]:
    """(query id -> text, query id -> {doc id: grade > 0})."""
    queries = {}
    with open(collection / "queries.jsonl", encoding="utf-8") as lines:
        for line in lines:
            q = json.loads(line)
            queries[q["_id"]] = q["text"]
    qrels: dict[str, dict[str, int]] = {}
    with open(collection / "qrels.tsv", encoding="utf-8") as rows:
        next(rows)  # header
        for row in rows:
            qid, did, grade = row.rstrip("\n").split("\t")
            if int(grade) > 0:
                qrels.setdefault(qid, {})[did] = int(grade)
    return queries, qrels


def ndcg_at_10(ranked: list[str], grades: dict[str, int]) -> float:
    gain = sum((2 ** grades.get(d, 0) - 1) / math.log2(i + 2) for i, d in enumerate(ranked[:10]))
    ideal = sorted(grades.values(), reverse=True)[:10]
    best = sum((2**g - 1) / math.log2(i + 2) for i, g in enumerate(ideal))
    return gain / best if best else 0.0


def evaluate(name: str, data: Path, work: Path) -> dict[str, float]:
    collection = data / name
    files, data_dir = work / name / "files", work / name / "index"
    write_corpus(collection, files)
    started = time.monotonic()
    with Engine.open_writer(data_dir) as engine:
        engine.add_roots([files])
        engine.index()
    print(f"{name}: indexed in {time.monotonic() - started:.0f} s", file=sys.stderr)
    queries, qrels = read_judgements(collection)
    scores = {}
    with Engine.open_reader(data_dir) as engine:
        for legs in LEGS:
            per_query = [
                ndcg_at_10(ranked_ids(engine, text, legs), qrels[qid])
                for qid, text in queries.items()
                if qid in qrels
            ]
            scores[legs] = sum(per_query) / len(per_query)
    return scores


def ranked_ids(engine: Engine, text: str, legs: str) -> list[str]:
    # Quotes in a benchmark query are not the user's phrase syntax.
    hits = engine.search(text.replace('"', " "), 10, legs=legs)
    return [Path(h.path).stem for h in hits]


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("collections", nargs="+")
    parser.add_argument("--data", type=Path, default=DEFAULT_DATA)
    args = parser.parse_args()
    print("| collection | keyword only | meaning only | finder hybrid |")
    print("|---|---|---|---|")
    with tempfile.TemporaryDirectory(prefix="finder-quality-") as tmp:
        for name in args.collections:
            s = evaluate(name, args.data, Path(tmp))
            print(f"| {name} | {s['keyword']:.3f} | {s['meaning']:.3f} | {s['hybrid']:.3f} |")
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
