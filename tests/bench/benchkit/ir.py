"""IR test collections for the quality benchmark: reading them, scoring rankings, Recoll.

A collection is a folder of ``corpus.jsonl``, ``queries.jsonl`` and ``qrels.tsv`` (see
``shared/data/ir/README.md``). Metrics follow trec_eval, as BEIR reports them, so the
numbers compare with published ones: nDCG@10 with linear gains (the grade itself),
recall@100 and MRR@10 counting every grade > 0 as relevant.
"""

from __future__ import annotations

import json
import math
import re
import subprocess
import time
from collections.abc import Callable, Sequence
from dataclasses import dataclass
from pathlib import Path
from urllib.parse import unquote, urlparse

METRICS = ("ndcg@10", "recall@100", "mrr@10")
DEPTH = 100  # results asked for per query: the deepest cut any metric looks at

Ranker = Callable[[str], list[str]]  # query text -> document ids, best first


@dataclass(frozen=True)
class Collection:
    """The judged queries of one collection; ``qrels`` maps query id -> {doc id: grade > 0}."""

    name: str
    folder: Path
    queries: dict[str, str]
    qrels: dict[str, dict[str, int]]

    @classmethod
    def read(cls, folder: Path) -> Collection:
        queries = {}
        with open(folder / "queries.jsonl", encoding="utf-8") as lines:
            for line in lines:
                q = json.loads(line)
                queries[q["_id"]] = q["text"]
        qrels: dict[str, dict[str, int]] = {}
        with open(folder / "qrels.tsv", encoding="utf-8") as rows:
            next(rows)  # header
            for row in rows:
                qid, did, grade = row.rstrip("\n").split("\t")
                if int(grade) > 0:
                    qrels.setdefault(qid, {})[did] = int(grade)
        judged = {qid: text for qid, text in queries.items() if qid in qrels}
        return cls(folder.name, folder, judged, qrels)

    def write_files(self, target: Path) -> int:
        """One ``<id>.txt`` per document, its title as the first line; returns the count."""
        target.mkdir(parents=True)
        count = 0
        with open(self.folder / "corpus.jsonl", encoding="utf-8") as lines:
            for line in lines:
                doc = json.loads(line)
                title = (doc.get("title") or "").strip()
                (target / f"{doc['_id']}.txt").write_text(f"{title}\n\n{doc['text']}", "utf-8")
                count += 1
        return count

    def score(self, rank: Ranker) -> dict[str, float]:
        """Mean of each metric over the judged queries."""
        totals = dict.fromkeys(METRICS, 0.0)
        for qid, text in self.queries.items():
            for metric, value in score_one(rank(text), self.qrels[qid]).items():
                totals[metric] += value
        return {m: v / len(self.queries) for m, v in totals.items()}


def score_one(ranked: Sequence[str], grades: dict[str, int]) -> dict[str, float]:
    """nDCG@10 (linear gain), recall@100 and MRR@10 of one ranking."""
    dcg = sum(grades.get(d, 0) / math.log2(i + 2) for i, d in enumerate(ranked[:10]))
    ideal = sorted(grades.values(), reverse=True)[:10]
    idcg = sum(g / math.log2(i + 2) for i, g in enumerate(ideal))
    found = sum(1 for d in ranked[:DEPTH] if d in grades)
    first = next((i for i, d in enumerate(ranked[:10]) if d in grades), None)
    return {
        "ndcg@10": dcg / idcg if idcg else 0.0,
        "recall@100": found / len(grades),
        "mrr@10": 1 / (first + 1) if first is not None else 0.0,
    }


# --- Recoll, side by side -------------------------------------------------------------------
class Recoll:
    """Recoll (Xapian BM25 with stem expansion) over the same folder, its own config dir.

    Queries run as ``recollq -o`` (the GUI's "any term" simple search): a judged query is a
    sentence, and requiring all of its words would find almost nothing. Only word tokens are
    passed on, so no query is read as Recoll syntax (``-word``, ``field:value``).
    """

    def __init__(self, files: Path, home: Path) -> None:
        self.config = home / "config"
        self.config.mkdir(parents=True, exist_ok=True)
        # noaspell: no spelling dictionary (a GUI feature), so the index time is the index.
        (self.config / "recoll.conf").write_text(
            f"topdirs = {files}\ndbdir = {home / 'xapiandb'}\nnoaspell = 1\nloglevel = 1\n",
            "utf-8",
        )

    def index(self) -> float:
        """Index the folder from scratch; returns the wall time in seconds."""
        started = time.monotonic()
        subprocess.run(
            ["recollindex", "-c", str(self.config), "-z"], check=True, capture_output=True
        )
        return time.monotonic() - started

    def search(self, text: str) -> list[str]:
        """Document ids (file stems), best first, at most ``DEPTH``."""
        return [Path(p).stem for p in self.paths(text)]

    def paths(self, text: str) -> list[str]:
        """Absolute paths of the matching files, best first, at most ``DEPTH``."""
        words = " ".join(re.findall(r"\w+", text))
        done = subprocess.run(
            ["recollq", "-c", str(self.config), "-o", "-b", "-n", f"0-{DEPTH}", words],
            check=True,
            capture_output=True,
            text=True,
        )
        urls = [line for line in done.stdout.splitlines() if line.startswith("file://")]
        return [unquote(urlparse(url).path) for url in urls]
