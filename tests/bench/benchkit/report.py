"""The Markdown report and the description of the machine it ran on."""

from __future__ import annotations

import contextlib
import os
import platform
import subprocess
from dataclasses import dataclass, field
from importlib import metadata
from pathlib import Path
from typing import Any

import psutil
from benchkit.common import REPO, SECTIONS, log


# --- the report -----------------------------------------------------------------------------
@dataclass(frozen=True)
class Row:
    section: int
    what: str
    result: str
    baseline: str = ""
    goal: str = ""
    met: bool | None = None
    noise: str = ""


@dataclass
class Report:
    rows: list[Row] = field(default_factory=list)
    notes: list[str] = field(default_factory=list)
    raw: dict[str, Any] = field(default_factory=dict)

    def add(
        self,
        section: int,
        what: str,
        result: str,
        baseline: str = "",
        goal: str = "",
        met: bool | None = None,
        *,
        noise: str = "",
    ) -> None:
        self.rows.append(Row(section, what, result, baseline, goal, met, noise))
        log(f"RESULT {what}: {result}" + (f" | baseline: {baseline}" if baseline else ""))

    def note(self, text: str) -> None:
        self.notes.append(text)
        log(f"NOTE {text}")

    def markdown(self, header: dict[str, str]) -> str:
        lines = ["# finder engine benchmark", ""]
        lines += [f"- **{key}**: {value}" for key, value in header.items()]
        lines += [
            "",
            "| # | Measurement | Result | Baseline (same run) | Goal | Met | Others' CPU |",
            "|---|---|---|---|---|---|---|",
        ]
        for row in sorted(self.rows, key=lambda r: r.section):
            cells = (
                f"{row.section}. {SECTIONS[row.section]}",
                row.what,
                row.result,
                row.baseline,
                row.goal,
                _verdict(row.met),
                row.noise,
            )
            lines.append("| " + " | ".join(c.replace("|", "\\|") for c in cells) + " |")
        lines += ["", "Notes:", ""] + [f"- {n}" for n in self.notes]
        return "\n".join(lines) + "\n"


def _verdict(met: bool | None) -> str:
    return "" if met is None else ("yes" if met else "**NO**")


# --- the environment ------------------------------------------------------------------------
def cpu_model() -> str:
    with contextlib.suppress(OSError):
        for line in Path("/proc/cpuinfo").read_text().splitlines():
            if line.startswith("model name"):
                return line.split(":", 1)[1].strip()
    return platform.processor() or platform.machine()


def git_commit() -> str:
    def git(*args: str) -> str:
        done = subprocess.run(["git", *args], cwd=REPO, capture_output=True, text=True)
        return done.stdout.strip() if done.returncode == 0 else ""

    commit = git("rev-parse", "--short", "HEAD") or "unknown"
    dirty = git("status", "--porcelain", "--", "finder")
    return commit + (" (finder/ has uncommitted changes)" if dirty else "")


def versions() -> str:
    names = ("torch", "sentence-transformers", "onnxruntime", "hnswlib", "numpy")
    found = []
    for name in names:
        with contextlib.suppress(metadata.PackageNotFoundError):
            found.append(f"{name} {metadata.version(name)}")
    return ", ".join(found)


def machine() -> str:
    ram = psutil.virtual_memory().total / 2**30
    physical = psutil.cpu_count(logical=False)
    return (
        f"{cpu_model()}, {os.cpu_count()} logical cores ({physical} physical), "
        f"{ram:.1f} GiB RAM; {platform.system()} {platform.release()}; "
        f"Python {platform.python_version()}"
    )
