"""The fault-injection harness's shared parts: a workspace of real data dirs with clean
builds to compare against, the real CLI run through :mod:`tests.faults.procs`, and the
classification of what came out (recovered, clear error, traceback, hang, signal death,
data lost).

Every case runs ``python -m finder --data-dir D ...`` against real files in a temp
workspace; one cache dir is shared so the ONNX export is made once. Nothing here mocks
finder: faults are made to the files and the processes themselves.
"""

from __future__ import annotations

import json
import os
import re
import shutil
import sqlite3
import sys
import tempfile
from collections.abc import Sequence
from dataclasses import dataclass, field
from pathlib import Path

from tests.faults.procs import Result, has_traceback, last_line, run

TOPICS = ["volcano", "orchestra", "glacier", "satellite", "bakery", "harbour", "desert", "library"]
# Each query finds one topic's files by meaning only (none of the topic words appear).
QUERIES = {
    "molten rock eruption": "volcano",
    "symphony musicians": "orchestra",
    "bread shop": "bakery",
}
INDEX_TIMEOUT = 120.0
SEARCH_TIMEOUT = 30.0

# Outcomes, from best to worst; a case takes the worst of its steps.
RECOVERED = "recovered"
CLEAR = "clear error"
SILENT = "bad input accepted"
UNCLEAR = "unclear error"
DATA_LOST = "data lost"
TRACEBACK = "traceback"
SIGNAL = "signal death"
HANG = "hang"
OUTCOMES = (RECOVERED, CLEAR, SILENT, UNCLEAR, DATA_LOST, TRACEBACK, SIGNAL, HANG)
FAILING = (DATA_LOST, TRACEBACK, SIGNAL, HANG)  # the suite fails on any of these


def make_corpus(root: Path, files: int) -> None:
    """Files of several paragraphs each, so both phases of ``finder index`` take a while."""
    for n in range(files):
        topic = TOPICS[n % len(TOPICS)]
        paragraphs = [
            f"Report {n} on the {topic}, part {p}: "
            + " ".join(f"{topic} detail {n}-{p}-{k} was recorded carefully." for k in range(12))
            for p in range(3)
        ]
        path = root / topic / f"report-{n:03}.txt"
        path.parent.mkdir(parents=True, exist_ok=True)
        path.write_text("\n\n".join(paragraphs), encoding="utf-8")


def change_corpus(root: Path, files: int) -> None:
    """The corpus of ``make_corpus(root, files)`` after a day of work: some files added,
    some rewritten, some deleted (deterministic, so its clean build can be shared)."""
    make_corpus(root, files + 6)  # adds six
    for n in (1, 2):
        topic = TOPICS[n % len(TOPICS)]
        (root / topic / f"report-{n:03}.txt").write_text(
            f"Rewritten notes about the {topic}: nothing else was kept.", encoding="utf-8"
        )
    for n in (3, 4, 5):
        (root / TOPICS[n % len(TOPICS)] / f"report-{n:03}.txt").unlink()


def verdict(result: Result) -> str:
    """How one process ended, before any expectation: ok, or one of the outcomes."""
    if result.hung:
        return HANG
    if result.returncode < 0:
        return SIGNAL
    if has_traceback(result.stderr):
        return TRACEBACK
    if result.returncode == 0:
        return "ok"
    if result.returncode == 2 and result.stderr.strip():
        return CLEAR
    return UNCLEAR


@dataclass
class Case:
    """One injected fault and the steps that observed it; ``outcome`` sums them up."""

    family: str
    name: str
    steps: list[tuple[str, str, str]] = field(default_factory=list)  # label, verdict, detail
    lost: str = ""  # what could not be found after recovery
    silent: str = ""  # bad input taken as good
    note: str = ""

    def step(self, label: str, result: Result, *, expect_error: bool = False) -> str:
        """Record a step; ``expect_error`` marks bad input that must be refused."""
        seen = verdict(result)
        detail = last_line(result.stderr) if seen != "ok" else ""
        if result.hung:
            detail = f"no answer in {result.seconds:.0f} s"
        if expect_error and seen == "ok":
            self.silent = self.silent or f"{label}: exit 0"
        self.steps.append((label, seen, detail))
        return seen

    @property
    def outcome(self) -> str:
        seen = {v for _, v, _ in self.steps}
        for bad in (HANG, SIGNAL, TRACEBACK):
            if bad in seen:
                return bad
        if self.lost:
            return DATA_LOST
        if UNCLEAR in seen:
            return UNCLEAR
        if self.silent:
            return SILENT
        return CLEAR if CLEAR in seen else RECOVERED

    def explain(self) -> str:
        """Why the case has its outcome: the step or the loss that decided it."""
        for bad in (HANG, SIGNAL, TRACEBACK, DATA_LOST, UNCLEAR):
            if bad == DATA_LOST and self.lost:
                return f"{self.lost} {self.note}".strip()
            for label, v, detail in self.steps:
                if v == bad:
                    return f"{label}: {detail}"
        if self.silent:
            return self.silent
        for label, v, detail in self.steps:
            if v == CLEAR:
                return f"{label}: {detail}"
        return self.note


class Kit:
    """A workspace: corpus root, shared cache, reference builds, and the CLI runner.

    Thread: used by one thread. The corpus lives at one fixed path so that the clean
    builds of its states (``reference(state)``) compare equal to any faulted index.
    """

    def __init__(self, workspace: Path, cache_dir: Path, files: int = 24) -> None:
        self.work = workspace
        self.cache = cache_dir
        self.files = files
        self.root = workspace / "corpus"
        self.cwd = workspace / "cwd"  # empty: relative junk paths resolve to nothing here
        self.config = workspace / "config"
        self.cwd.mkdir(parents=True, exist_ok=True)
        self._references: dict[str, tuple[Path, Snapshot]] = {}
        self.build_seconds: dict[str, float] = {}  # how long each clean build took
        self._trials = 0

    def env(self, **extra: str) -> dict[str, str]:
        env = {
            **os.environ,
            "HF_HUB_OFFLINE": "1",
            "TRANSFORMERS_OFFLINE": "1",
            "FINDER_CACHE_DIR": str(self.cache),
            "FINDER_CONFIG_DIR": str(self.config),
            "PYTHONPATH": str(Path(__file__).resolve().parents[2]),
        }
        env.pop("FINDER_DATA_DIR", None)
        env.update(extra)
        return env

    def command(self, data: Path | str, *args: str | bytes) -> list[str | bytes]:
        return [sys.executable, "-m", "finder", "--data-dir", str(data), *args]

    def cli(
        self,
        data: Path | str,
        *args: str | bytes,
        timeout: float = SEARCH_TIMEOUT,
        stdin: str | None = None,
        env: dict[str, str] | None = None,
        wrap: Sequence[str] = (),
    ) -> Result:
        """Run ``finder --data-dir data args`` to the end or the timeout (then its whole
        process group is killed and the result is marked hung)."""
        return run(
            [*wrap, *self.command(data, *args)],
            timeout=timeout,
            stdin=stdin,
            env=env or self.env(),
            cwd=self.cwd,
        )

    def trial_dir(self, label: str) -> Path:
        self._trials += 1
        path = self.work / "trials" / f"{self._trials:03}-{label}"
        path.mkdir(parents=True)
        return path

    def set_state(self, state: str) -> None:
        """Put the corpus in ``state``: "A" (as first indexed) or "B" (after changes)."""
        shutil.rmtree(self.root, ignore_errors=True)
        make_corpus(self.root, self.files)
        if state == "B":
            change_corpus(self.root, self.files)

    def reference(self, state: str) -> tuple[Path, Snapshot]:
        """A clean build of the corpus in ``state`` (built once) and its snapshot."""
        if state not in self._references:
            self.set_state(state)
            data = self.work / f"reference-{state}"
            result = self.cli(data, "index", str(self.root), timeout=INDEX_TIMEOUT + 240)
            self.build_seconds[state] = result.seconds
            if result.returncode != 0:
                raise RuntimeError(f"the clean build failed:\n{result.stderr}")
            snap = self.snapshot(data)
            assert snap.catalog is not None and snap.hits is not None, snap.error
            self._references[state] = (data, snap)
        return self._references[state]

    def copy_index(self, state: str, dest: Path) -> Path:
        """A working copy of the clean build of ``state`` at ``dest`` (no lock, no socket)."""
        source, _ = self.reference(state)
        shutil.copytree(source, dest, ignore=shutil.ignore_patterns("writer.lock", "*.sock"))
        return dest

    def snapshot(self, data: Path, env: dict[str, str] | None = None) -> Snapshot:
        """The catalog's files and chunk texts and the top files for each query."""
        snap = Snapshot()
        try:
            snap.catalog = catalog_state(index_dir(data))
        except (sqlite3.Error, OSError, UnicodeDecodeError) as err:
            snap.error = f"catalog unreadable: {err}"
        result = self.cli(
            data, "search", "-", "--json", "--limit", "5", stdin="\n".join(QUERIES) + "\n", env=env
        )
        snap.search = result
        if result.returncode == 0 and not result.hung:
            try:
                snap.hits = [
                    [hit["path"] for hit in json.loads(line)] for line in result.stdout.splitlines()
                ]
            except (ValueError, TypeError, KeyError) as err:
                snap.error = snap.error or f"search output unreadable: {err}"
        else:
            snap.error = snap.error or f"search failed: {last_line(result.stderr)}"
        return snap

    def compare(
        self, case: Case, data: Path, state: str, env: dict[str, str] | None = None
    ) -> None:
        """After recovery: the index must equal the clean build of ``state``; record on
        ``case`` the search step, and what was lost."""
        _, want = self.reference(state)
        got = self.snapshot(data, env)
        assert got.search is not None
        case.step("search after", got.search)
        case.lost = want.difference(got)


@dataclass
class Snapshot:
    """What a person could find in an index: its files, chunks and search results."""

    catalog: tuple[frozenset, frozenset] | None = None
    hits: list[list[str]] | None = None
    search: Result | None = None
    error: str = ""

    def difference(self, other: Snapshot) -> str:
        """What ``other`` lacks or holds differently; empty when it holds the same."""
        if other.catalog is None or other.hits is None:
            return other.error or "unreadable"
        assert self.catalog is not None and self.hits is not None
        files, chunks = self.catalog
        got_files, got_chunks = other.catalog
        missing = {path for path, _ in files} - {path for path, _ in got_files}
        if missing:
            return f"{len(missing)} files missing, e.g. {sorted(missing)[0]}"
        if files != got_files:
            return f"{len(files ^ got_files)} file rows differ (content hash)"
        if chunks != got_chunks:
            return f"{len(chunks ^ got_chunks)} chunk texts differ"
        return _missed_by_search(self.hits, other.hits)


def _missed_by_search(want: list[list[str]], got: list[list[str]]) -> str:
    """The first query whose right files (of its topic, found by the clean build) are not
    all found; the order of near ties and the others in the top 5 may differ."""
    if len(got) != len(want):
        return f"search gave {len(got)} result lists instead of {len(want)}"
    for (query, topic), w, g in zip(QUERIES.items(), want, got, strict=True):
        missed = [p for p in w if f"/{topic}/" in p and p not in g]
        if missed:
            return f"search {query!r} no longer finds {Path(missed[0]).name}"
    return ""


def index_dir(data: Path) -> Path:
    """The folder holding the index files: the generation ``current`` names, or ``data``."""
    pointer = data / "current"
    if pointer.is_file():
        name = pointer.read_bytes().decode("utf-8", "replace").strip()
        if name and (data / name).is_dir():
            return data / name
    return data


def catalog_state(folder: Path) -> tuple[frozenset, frozenset]:
    """(path, content hash) of every indexed file and (path, ord, text) of every chunk.

    Read from a copy of the catalog and its write-ahead log: reading applies the log, and
    must not change (or repair) the files under test.
    """
    path = folder / "catalog.sqlite3"
    if not path.is_file():
        raise OSError(f"no catalog in {folder}")
    with tempfile.TemporaryDirectory(prefix="finder-catalog-") as copy:
        for name in (path.name, path.name + "-wal"):
            if (folder / name).is_file():
                shutil.copyfile(folder / name, Path(copy) / name)
        return _read_catalog(Path(copy) / path.name)


def _read_catalog(path: Path) -> tuple[frozenset, frozenset]:
    db = sqlite3.connect(path)
    try:
        files = frozenset(db.execute("SELECT path, content_hash FROM files WHERE status = 'ok'"))
        chunks = frozenset(
            db.execute(
                "SELECT f.path, c.ord, c.text FROM chunks c JOIN files f ON f.id = c.file_id"
            )
        )
    finally:
        db.close()
    return files, chunks


def has_command(kit: Kit, name: str) -> bool:
    """Whether this finder has the subcommand ``name`` (read from ``finder --help``)."""
    result = run([sys.executable, "-m", "finder", "--help"], timeout=SEARCH_TIMEOUT, env=kit.env())
    return re.search(rf"^\s+{re.escape(name)}\s", result.stdout, re.M) is not None
