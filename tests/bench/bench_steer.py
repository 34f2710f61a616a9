""""Like this, but about X" on ten cases planted in the home set (issue 14).

Each case is (file, about text, intended file): the file steered toward the text should
put the intended file first. The cases were chosen by reading the household's files and
written down before any weight was tried; in each the intended file is NOT the first plain
``similar()`` hit. For every weight setting tried the script prints each case's rank of
the intended file before (plain similar) and after (steered), and how many came first
(goal >= 8 of 10).

Run (the index is only read):
    PYTHONPATH=$PWD HF_HUB_OFFLINE=1 .venv/bin/python tests/bench/bench_steer.py \
        --data /work/wt/quality-data/w/data --home /work/wt/quality-data/w/home
"""

from __future__ import annotations

import argparse
import sys
import time
from pathlib import Path

from finder.engine.reader import IndexReader
from finder.explore.steer import SteerWeights

D = "Documents/"
# (file, about text, intended file), all under the home set. Written before tuning.
CASES: list[tuple[str, str, str]] = [
    (D + "Recipes/Margaret's Christmas cake.docx", "dog treats",
     D + "Recipes/peanut butter dog biscuits.txt"),
    (D + "Holidays/2023 Coniston/Beck Side Barn - booking confirmation.html", "Italy",
     D + "Holidays/2025 Toscana/Conferma prenotazione - Agriturismo Il Poggiolo.pdf"),
    (D + "Car/Riverside Motors invoice 58213.pdf", "dentist",
     D + "Health/Dental/Unthank Road Dental - Lucia invoice.pdf"),
    (D + "Pets/Biscuit/Biscuit vaccination record.txt", "the children",
     D + "Health/family vaccinations.md"),
    (D + "House/Insurance/Home insurance renewal 2024.docx", "the bakery business",
     D + "Wild Crumb/Insurance/business insurance renewal.eml"),
    (D + "Health/Dental/Leo orthodontic referral letter.pdf", "cat",
     D + "Pets/Olive/Olive dental discharge instructions.pdf"),
    (D + "Hobbies/Cycling/Norfolk 100 training plan.md", "knee injury",
     D + "Health/Tom knee physio exercises.txt"),
    (D + "Finance/household budget 2024.csv", "bakery",
     D + "Wild Crumb/Finance/takings by month 2024.csv"),
    (D + "Recipes/Paella valenciana de la yaya Amparo.md", "Italian",
     D + "Wild Crumb/Production/ricetta colomba.odt"),
    (D + "Recipes/Lemon drizzle traybake.html", "vegan",
     D + "Wild Crumb/Compliance/allergen matrix.html"),
]  # fmt: skip

LIMIT = 50  # ranks beyond this print as ">50"
ABOUT_WEIGHTS = (0.5, 0.75, 1, 1.25, 1.5, 2, 3, 5)
KEYWORD_WEIGHTS = (0.0, 0.1, 0.2, 0.3, 0.5)
SETTINGS = [
    SteerWeights(about=a, keyword=k, balance=b)
    for b in (False, True)
    for k in KEYWORD_WEIGHTS
    for a in ABOUT_WEIGHTS
]


def rank(hits: list, path: Path) -> int | None:
    """1-based rank of ``path`` in ``hits``, None if absent."""
    paths = [h.path for h in hits]
    return paths.index(str(path)) + 1 if str(path) in paths else None


def show(r: int | None) -> str:
    return f">{LIMIT}" if r is None else str(r)


def main(argv: list[str] | None = None) -> int:
    ap = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    ap.add_argument("--data", type=Path, default=Path("/work/wt/quality-data/w/data"))
    ap.add_argument("--home", type=Path, default=Path("/work/wt/quality-data/w/home"))
    ap.add_argument("--verbose", action="store_true", help="every setting's ranks per case")
    args = ap.parse_args(argv)
    with IndexReader.open(args.data) as reader:
        reader.prepare_meaning()
        before = [rank(reader.similar(args.home / f, LIMIT), args.home / i) for f, _, i in CASES]
        results = []
        for w in SETTINGS:
            started = time.perf_counter()
            after = [
                rank(reader.similar(args.home / f, LIMIT, about=a, weights=w), args.home / i)
                for f, a, i in CASES
            ]
            per_case_ms = (time.perf_counter() - started) * 1000 / len(CASES)
            first = sum(r == 1 for r in after)
            results.append((w, after, first, per_case_ms))
            print(
                f"balance={w.balance!s:<5} about={w.about:<4} keyword={w.keyword:<4}: "
                f"{first}/10 first; "
                f"ranks {' '.join(show(r) for r in after)}; {per_case_ms:.0f} ms a case",
                flush=True,
            )
        best = max(results, key=lambda r: (r[2], -sum(x or LIMIT + 1 for x in r[1])))
        print("\nBest setting:", best[0])
        print("| file | about | intended | rank plain | rank steered |")
        print("|---|---|---|---|---|")
        for (f, a, i), b, r in zip(CASES, before, best[1], strict=True):
            print(f"| {Path(f).name} | {a} | {Path(i).name} | {show(b)} | {show(r)} |")
        defaults = next(r for r in results if r[0] == SteerWeights())
        print(f"\nDefaults {SteerWeights()}: {defaults[2]}/10 first; best {best[2]}/10")
    return 0


if __name__ == "__main__":
    sys.exit(main())
