"""Search quality on public test collections: keyword, meaning, hybrid and Recoll.

Not part of the test suite. For each collection every document is written out as a file
(title as the first line, a blank line, the text), indexed by the real pipeline into a
data dir, and every judged query goes through the real search path
(``IndexWriter.search(q, 100, legs=...)``) for the keyword leg alone, the meaning leg alone and
the shipped hybrid. Recoll (``recollindex``/``recollq``, Debian package ``recollcmd``)
(installed with apt when missing) indexes the same folder with its own config dir and
answers the same queries, its index time measured beside finder's (finder's with the
model loaded up front). Reported per collection: nDCG@10, recall@100 and MRR@10 (see
:mod:`benchkit.ir`). An exact-match regression set (:mod:`benchkit.exact`) checks that
file names, identifiers and quoted phrases still rank first (success@1).

Run from the repository root (one command; the Markdown report goes to stdout and
``--out``, progress to stderr)::

    .venv/bin/python tests/bench/bench_quality.py [scifact nfcorpus ...] [--out F.md]

Without names it runs all seven collections of ``shared/data/ir``. ``--work DIR`` keeps
the files and indexes there and reuses them on the next run (for tuning the search
without re-indexing; index times are then those of the first run).
"""

from __future__ import annotations

import argparse
import json
import os
import shutil
import statistics
import subprocess
import sys
import tempfile
import time
from dataclasses import dataclass, field
from datetime import datetime
from pathlib import Path

from benchkit import exact
from benchkit.common import REPO, log
from benchkit.ir import DEPTH, METRICS, Collection, Ranker, Recoll
from benchkit.report import git_commit, machine, versions

from finder.embed import DEFAULT_MODEL, Embedder
from finder.embed.loader import load_index_embedder
from finder.engine import IndexReader, IndexWriter
from finder.settings import default_threads

ALL = ("scifact", "nfcorpus", "medline", "cisi", "cranfield", "cacm", "adi")
# The collections the fusion defaults were tuned on; the others were only measured.
TUNED_ON = ("scifact", "nfcorpus", "medline", "cisi")
LEGS = ("keyword", "meaning", "hybrid")
DEFAULT_DATA = REPO.parent / "shared" / "data" / "ir"


@dataclass
class Result:
    """One collection's scores: system -> metric -> mean over its judged queries."""

    name: str
    docs: int
    queries: int
    index_s: dict[str, float] = field(default_factory=dict)  # system -> seconds
    scores: dict[str, dict[str, float]] = field(default_factory=dict)
    hybrid_ms: float = 0.0  # median latency of a hybrid search


def evaluate(collection: Collection, work: Path, embedder: Embedder, recoll: bool) -> Result:
    """Index ``collection`` (or reuse its index under ``work``) and score every system."""
    files, data_dir, stamp = work / "files", work / "index", work / "timings.json"
    if not stamp.exists():
        shutil.rmtree(work, ignore_errors=True)
        collection.write_files(files)
        timings = {"docs": len(list(files.iterdir())), "finder": _index(files, data_dir, embedder)}
        stamp.write_text(json.dumps(timings))
    timings = json.loads(stamp.read_text())
    result = Result(collection.name, timings["docs"], len(collection.queries))
    result.index_s["finder"] = timings["finder"]
    log(f"{collection.name}: {result.docs} files indexed in {timings['finder']:.0f} s")
    with IndexReader.open(data_dir) as engine:
        for legs in LEGS:
            seconds: list[float] = []
            result.scores[legs] = collection.score(_finder_ranker(engine, legs, seconds))
            if legs == "hybrid":
                result.hybrid_ms = statistics.median(seconds) * 1000
    if recoll:
        engine_r = Recoll(files, work / "recoll")
        result.index_s["recoll"] = engine_r.index()
        result.scores["recoll"] = collection.score(engine_r.search)
    log(f"{collection.name}: " + _summary(result))
    return result


def _index(files: Path, data_dir: Path, embedder: Embedder) -> float:
    """Seconds to index ``files`` with the model already loaded (as Recoll has no model)."""
    started = time.monotonic()
    with IndexWriter.open(data_dir, embedder=embedder) as engine:
        engine.add_roots([files])
        engine.index()
    return time.monotonic() - started


def _finder_ranker(engine: IndexReader, legs: str, seconds: list[float]) -> Ranker:
    def rank(text: str) -> list[str]:
        started = time.perf_counter()
        # Quotes in a judged query are not the user's phrase syntax.
        hits = engine.search(text.replace('"', " "), DEPTH, legs=legs)
        seconds.append(time.perf_counter() - started)
        return [Path(h.path).stem for h in hits]

    return rank


def _summary(result: Result) -> str:
    return ", ".join(f"{s} {v['ndcg@10']:.3f}" for s, v in result.scores.items())


def exact_matches(work: Path, embedder: Embedder) -> list[tuple[str, str, str]]:
    """(query, expected, got) for every regression query whose first hit is wrong."""
    folder = work / "files"
    exact.write_folder(folder)
    _index(folder, work / "index", embedder)
    failures = []
    with IndexReader.open(work / "index") as engine:
        for query, expected in exact.QUERIES.items():
            hits = engine.search(query, 1)
            got = str(Path(hits[0].path).relative_to(folder)) if hits else "(nothing)"
            if got != expected:
                failures.append((query, expected, got))
    return failures


# --- the report -----------------------------------------------------------------------------
def markdown(results: list[Result], failures: list[tuple[str, str, str]], command: str) -> str:
    systems = [s for s in (*LEGS, "recoll") if any(s in r.scores for r in results)]
    names = {"keyword": "keyword only", "meaning": "meaning only", "hybrid": "finder hybrid"}
    lines = [
        "# finder search quality",
        "",
        f"- **date**: {datetime.now().astimezone().isoformat(timespec='minutes')}",
        f"- **commit**: {git_commit()}",
        f"- **machine**: {machine()}",
        f"- **versions**: {versions()}",
        f"- **command**: `{command}`",
        f"- **tuned on**: {', '.join(TUNED_ON)}; the others were not looked at while tuning",
        "",
    ]
    for metric in METRICS:
        head = ["collection", "docs", "queries", *(names.get(s, "Recoll") for s in systems)]
        if metric == "ndcg@10":
            head.append("hybrid beats both legs")
        lines += [f"**{metric}**", "", "| " + " | ".join(head) + " |"]
        lines.append("|" + "---|" * len(head))
        for r in results:
            tag = "" if r.name in TUNED_ON else " (untouched)"
            cells = [r.name + tag, str(r.docs), str(r.queries)]
            cells += [f"{r.scores[s][metric]:.3f}" if s in r.scores else "" for s in systems]
            if metric == "ndcg@10":
                legs = max(r.scores["keyword"][metric], r.scores["meaning"][metric])
                cells.append("yes" if r.scores["hybrid"][metric] > legs else "**no**")
            lines.append("| " + " | ".join(cells) + " |")
        lines.append("")
    lines += [
        "**index and query time** (finder indexes with the model already loaded)",
        "",
        "| collection | finder index (s) | Recoll index (s) | finder hybrid query p50 (ms) |",
        "|---|---|---|---|",
    ]
    for r in results:
        recoll = f"{r.index_s['recoll']:.1f}" if "recoll" in r.index_s else ""
        lines.append(f"| {r.name} | {r.index_s['finder']:.1f} | {recoll} | {r.hybrid_ms:.1f} |")
    total = len(exact.QUERIES)
    lines += [
        "",
        f"**exact-match regression** (file names, identifiers, quoted phrases): success@1 "
        f"{total - len(failures)}/{total} = {(total - len(failures)) / total:.3f}",
    ]
    lines += [f"- `{q}`: expected {e}, got {g}" for q, e, g in failures]
    return "\n".join(lines) + "\n"


def install_recoll() -> bool:
    """Install Debian's ``recollcmd`` with apt (sudo when not root); True if it worked."""
    sudo = [] if os.geteuid() == 0 else ["sudo"]
    log("recollindex is missing: installing recollcmd with apt-get ...")
    env = {**os.environ, "DEBIAN_FRONTEND": "noninteractive"}
    for cmd in (["apt-get", "update", "-q"], ["apt-get", "install", "-y", "-q", "recollcmd"]):
        if subprocess.run([*sudo, *cmd], env=env, check=False).returncode != 0:
            return False
    return shutil.which("recollindex") is not None


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("collections", nargs="*", default=list(ALL))
    parser.add_argument("--data", type=Path, default=DEFAULT_DATA)
    parser.add_argument("--work", type=Path, help="keep files and indexes here, reuse them")
    parser.add_argument("--no-recoll", action="store_true", help="leave Recoll out")
    parser.add_argument("--out", type=Path, help="also write the Markdown report here")
    args = parser.parse_args()
    recoll = not args.no_recoll
    if recoll and not shutil.which("recollindex") and not install_recoll():
        parser.error("recollindex not found and apt could not install recollcmd; --no-recoll")
    with tempfile.TemporaryDirectory(prefix="finder-quality-") as tmp:
        work = args.work or Path(tmp)
        os.environ["FINDER_CONFIG_DIR"] = str(Path(tmp) / "config")  # the temp indexes' settings
        embedder = load_index_embedder(DEFAULT_MODEL, default_threads())
        failures = exact_matches(Path(tmp) / "exact", embedder)
        results = [
            evaluate(Collection.read(args.data / name), work / name, embedder, recoll)
            for name in args.collections
        ]
    text = markdown(results, failures, " ".join(["bench_quality.py", *sys.argv[1:]]))
    print(text)
    if args.out:
        args.out.write_text(text, encoding="utf-8")
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
