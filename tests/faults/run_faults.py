"""Run the fault-injection suite and print a Markdown report (run on demand).

    python tests/faults/run_faults.py [--quick] [--out REPORT.md] [--seed N] [--only FAMILY]

Families: kill -9 of ``finder index`` and ``finder watch``, disk full at every write,
damaged index and export files, malformed settings/manifest/pointer, malformed control
socket requests, bad CLI arguments, and network syscalls under strace. Each case runs
the real CLI in subprocesses on real files. Exits 1 when any case ended in a traceback,
a hang, a signal death or lost data.
"""

from __future__ import annotations

import argparse
import random
import sys
import tempfile
import time
from collections import Counter
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parents[2]))

from tests.faults import (
    fault_cli,
    fault_disk,
    fault_files,
    fault_input,
    fault_kill,
    fault_socket,
    network,
)
from tests.faults.faultkit import FAILING, OUTCOMES, Case, Kit

FAMILIES = ("kill", "disk", "files", "input", "socket", "cli", "network")


def run_suite(kit: Kit, quick: bool, seed: int, only: tuple[str, ...] = FAMILIES) -> Report:
    """Every family in turn; a family that cannot run here is listed with its reason."""
    report = Report(quick=quick, seed=seed)
    for family in only:
        rng = random.Random(f"{seed}-{family}")
        start = time.monotonic()
        try:
            found, skipped = _run_family(kit, family, quick, rng, report)
        except Exception as err:  # a harness failure: report it and go on with the others
            found, skipped = [], f"harness error: {type(err).__name__}: {err}"
            report.harness_errors += 1
        report.cases += found
        report.sections.append((family, found, skipped, time.monotonic() - start))
    return report


def _run_family(
    kit: Kit, family: str, quick: bool, rng: random.Random, report: Report
) -> tuple[list[Case], str]:
    """One family's cases and "" (or none and why it was skipped)."""
    if family == "disk":
        return fault_disk.cases(kit, quick, rng)
    if family == "network":
        found, report.network, skipped = network.cases(kit, quick, rng)
        return found, skipped
    module = {
        "kill": fault_kill,
        "files": fault_files,
        "input": fault_input,
        "socket": fault_socket,
        "cli": fault_cli,
    }[family]
    return module.cases(kit, quick, rng), ""


class Report:
    """The cases of a run and their Markdown rendering."""

    def __init__(self, quick: bool, seed: int) -> None:
        self.quick, self.seed = quick, seed
        self.cases: list[Case] = []
        self.sections: list[tuple[str, list[Case], str, float]] = []
        self.network = 0
        self.harness_errors = 0

    def counts(self) -> Counter[str]:
        return Counter(case.outcome for case in self.cases)

    @property
    def failed(self) -> bool:
        counts = self.counts()
        return any(counts[o] for o in FAILING) or self.network > 0 or self.harness_errors > 0

    def summary(self) -> str:
        c = self.counts()
        return (
            f"faults injected {len(self.cases)}, recovered {c['recovered']}, "
            f"clear errors {c['clear error']}, bad input accepted {c['bad input accepted']}, "
            f"unclear errors {c['unclear error']}, tracebacks {c['traceback']}, "
            f"signal deaths {c['signal death']}, hangs {c['hang']}, data lost {c['data lost']}, "
            f"network syscalls {self.network}"
        )

    def markdown(self) -> str:
        lines = [
            f"# Fault injection ({'quick' if self.quick else 'full'} run, seed {self.seed})",
            "",
        ]
        for family, cases, skipped, seconds in self.sections:
            title = cases[0].family if cases else family
            lines += [f"## {title} ({len(cases)} cases, {seconds:.0f} s)", ""]
            if skipped:
                lines += [skipped, ""]
                continue
            counts = Counter(case.outcome for case in cases)
            lines += [", ".join(f"{o}: {counts[o]}" for o in OUTCOMES if counts[o]), ""]
            lines += ["| # | fault | outcome | detail |", "|---|---|---|---|"]
            for n, case in enumerate(cases, 1):
                name, detail = (t.replace("|", "\\|") for t in (case.name, case.explain()))
                lines.append(f"| {n} | {name} | {case.outcome} | {detail} |")
            lines.append("")
        lines += ["## Summary", "", self.summary(), ""]
        return "\n".join(lines)


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--quick", action="store_true", help="a few cases of each family")
    parser.add_argument("--out", type=Path, help="also write the report to this file")
    parser.add_argument("--seed", type=int, default=11)
    parser.add_argument("--only", action="append", choices=FAMILIES, help="run only these")
    parser.add_argument("--cache", type=Path, help="model cache to reuse (default: a new one)")
    parser.add_argument("--keep", action="store_true", help="keep the workspace")
    args = parser.parse_args(argv)
    work = Path(tempfile.mkdtemp(prefix="finder-faults-"))
    kit = Kit(work, args.cache or work / "cache")
    report = run_suite(kit, args.quick, args.seed, tuple(args.only or FAMILIES))
    text = report.markdown()
    print(text)
    if args.out:
        args.out.write_text(text, encoding="utf-8")
    if not args.keep:
        import shutil

        shutil.rmtree(work, ignore_errors=True)
    else:
        print(f"workspace kept in {work}", file=sys.stderr)
    return 1 if report.failed else 0


if __name__ == "__main__":
    sys.exit(main())
