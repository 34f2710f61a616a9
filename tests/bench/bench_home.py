"""Search quality on the home-folder set: keyword, meaning, hybrid and Recoll per category.

Not part of the test suite. The home folder of ``shared/data/home`` (80 personal documents
among ~2,500 technical files; see its README) is laid out and scored by that set's own
``score.py`` functions; finder indexes it through the real pipeline (the CLI's way: its own
config dir) and answers every query of ``queries.tsv`` through the real search path
(``IndexWriter.search(q, 10, legs=...)``) with the keyword leg alone, the meaning leg alone and
the shipped hybrid; Recoll (``recollcmd``) indexes the same folder and answers the same
queries. Reported per category: success@1/3/10 and MRR@10. Then the confidence check:
how many of the unanswerable queries in ``home_no_answer.tsv`` get a strong hit, and how
many answered queries' right file (when in the top 10) is marked weak. Last, the 70
known-item queries of ``home_known_item.tsv`` (needs in other words than the page's, over
the set's man pages, Python modules and Debian docs) with each of finder's legs.

    .venv/bin/python tests/bench/bench_home.py [--work DIR] [--no-recoll] [--out F.md]

Indexing takes 30+ minutes on 2 cores; ``--work DIR`` keeps the folder and the index
(``score.py --work-dir DIR`` makes the same layout) and only re-reads changed files.
"""

from __future__ import annotations

import argparse
import importlib.util
import shutil
import sys
import tempfile
import time
from collections.abc import Callable
from pathlib import Path
from types import ModuleType

from benchkit.common import REPO, log
from benchkit.ir import Recoll
from benchkit.report import git_commit, machine

from finder.domain import SearchHit
from finder.engine import IndexReader, IndexWriter
from finder.evidence import STRONG, WEAK

DEFAULT_DATA = REPO.parent / "shared" / "data" / "home"
NO_ANSWER = Path(__file__).resolve().parent / "home_no_answer.tsv"
# Needs described in other words than the page's, over the set's technical files.
KNOWN_ITEMS = Path(__file__).resolve().parent / "home_known_item.tsv"
LEGS = ("keyword", "meaning", "hybrid")
LIMIT = 10


def load_scorer(data: Path) -> ModuleType:
    """The data set's own ``score.py`` (layout, queries, metrics), imported as a module."""
    spec = importlib.util.spec_from_file_location("home_score", data / "score.py")
    assert spec is not None and spec.loader is not None
    module = importlib.util.module_from_spec(spec)
    spec.loader.exec_module(module)
    return module


def index(score: ModuleType, work: Path) -> float:
    """Lay out the home folder under ``work`` and bring its index up to date; seconds."""
    home, data, config = work / "home", work / "data", work / "config"
    for folder in (home, data, config):
        folder.mkdir(parents=True, exist_ok=True)
    score.build_home(home, score.LAYOUT)
    started = time.monotonic()
    with IndexWriter.open(data, config_dir=config) as engine:
        engine.add_roots([home])
        engine.index()
    return time.monotonic() - started


def ranks(
    score: ModuleType, queries: list[dict], search: Callable[[str], list[str]]
) -> list[int | None]:
    """The rank (1-based) of each query's first expected file, None past the top 10."""
    out = []
    for q in queries:
        found = search(q["query"])
        out.append(next((i for i, p in enumerate(found, 1) if p in q["expected"]), None))
    return out


def confidence_check(
    engine: IndexReader, score: ModuleType, queries: list[dict], home: Path
) -> str:
    """Strong hits of unanswerable queries; right files marked weak."""
    unanswerable = [
        line.split("\t")[1] for line in NO_ANSWER.read_text("utf-8").splitlines()[1:] if line
    ]
    strong = [q for q in unanswerable if any(_sure(h) >= STRONG for h in engine.search(q, LIMIT))]
    shown = weak = 0
    for q in queries:
        for hit in engine.search(q["query"], LIMIT):
            if score.to_dataset_path(hit.path, home) in q["expected"]:
                shown += 1
                weak += _sure(hit) < WEAK
                break
    return (
        f"**confidence** (strong ≥ {STRONG}, weak < {WEAK}): unanswerable queries with a "
        f"strong hit: {len(strong)}/{len(unanswerable)}"
        + (f" ({'; '.join(strong)})" if strong else "")
        + f"; answered queries whose right file is in the top {LIMIT} but marked weak: "
        f"{weak}/{shown}\n"
    )


def _sure(hit: SearchHit) -> float:
    return hit.confidence or 0.0


def read_known_items(path: Path) -> list[dict]:
    """The known-item queries (same columns as the set's queries.tsv, category known-item)."""
    lines = path.read_text("utf-8").splitlines()[1:]
    rows = [line.split("\t") for line in lines if line.strip()]
    return [{"category": c, "query": q, "expected": e.split("|")} for c, q, e in rows]


def markdown(
    score: ModuleType,
    table: dict[str, list[int | None]],
    queries: list[dict],
    categories: tuple[str, ...] | None = None,
) -> str:
    names = {"keyword": "keyword only", "meaning": "meaning only", "hybrid": "finder hybrid"}
    systems = list(table)
    head = ["category", "n", *(names.get(s, "Recoll") for s in systems)]
    lines = [
        "success@1 / MRR@10 per category (same run)",
        "",
        "| " + " | ".join(head) + " |",
        "|" + "---|" * len(head),
    ]
    for cat in (*(score.CATEGORIES if categories is None else categories), "overall"):
        picked = [i for i, q in enumerate(queries) if cat in ("overall", q["category"])]
        cells = [f"**{cat}**" if cat == "overall" else cat, str(len(picked))]
        for system in systems:
            m = score.metrics([table[system][i] for i in picked])
            cells.append(f"{m['success@1']:.2f} / {m['mrr@10']:.3f}")
        lines.append("| " + " | ".join(cells) + " |")
    return "\n".join(lines) + "\n"


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--data", type=Path, default=DEFAULT_DATA)
    parser.add_argument("--work", type=Path, help="keep the folder and index here, reuse them")
    parser.add_argument("--no-recoll", action="store_true", help="leave Recoll out")
    parser.add_argument("--out", type=Path, help="also write the Markdown report here")
    args = parser.parse_args()
    score = load_scorer(args.data)
    queries = score.read_queries(args.data / "queries.tsv")
    with tempfile.TemporaryDirectory(prefix="finder-home-") as tmp:
        work = (args.work or Path(tmp)).resolve()
        seconds = index(score, work)
        log(f"home: indexed in {seconds:.0f} s")
        home = work / "home"
        table: dict[str, list[int | None]] = {}
        known_items = read_known_items(KNOWN_ITEMS)
        known: dict[str, list[int | None]] = {}
        with IndexReader.open(work / "data") as engine:
            for legs in LEGS:

                def search(q: str, legs: str = legs) -> list[str]:
                    hits = engine.search(q, LIMIT, legs=legs)
                    return [score.to_dataset_path(h.path, home) for h in hits]

                table[legs] = ranks(score, queries, search)
                known[legs] = ranks(score, known_items, search)
            check = confidence_check(engine, score, queries, home)
        recoll_s = None
        if not args.no_recoll and shutil.which("recollindex"):
            recoll = Recoll(home, work / "recoll")
            recoll_s = recoll.index()
            table["recoll"] = ranks(
                score,
                queries,
                lambda q: [score.to_dataset_path(p, home) for p in recoll.paths(q)[:LIMIT]],
            )
    text = "\n".join(
        [
            "# finder on the home-folder set",
            "",
            f"- **commit**: {git_commit()}; **machine**: {machine()}",
            f"- finder index (or update) {seconds:.0f} s"
            + (f"; Recoll index {recoll_s:.0f} s" if recoll_s is not None else "; no Recoll"),
            "",
            markdown(score, table, queries),
            check,
            f"Known items (the technical files, needs in other words: `{KNOWN_ITEMS.name}`)",
            "",
            markdown(score, known, known_items, ()).split("\n", 2)[2],
        ]
    )
    print(text)
    if args.out:
        args.out.write_text(text, encoding="utf-8")
    return 0


if __name__ == "__main__":
    sys.exit(main())
