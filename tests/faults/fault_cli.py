"""Family "bad arguments": every CLI argument given a bad value. Each must exit 2 with
a message (or, where the value is harmless, work); never a traceback, and an index
never changes because of a value that should have been refused."""

from __future__ import annotations

import contextlib
import os
import random
import shutil
import subprocess
from collections.abc import Callable
from pathlib import Path

from tests.faults.faultkit import INDEX_TIMEOUT, RECOVERED, UNCLEAR, Case, Kit
from tests.faults.procs import Result, last_line, run
from tests.store.small_disk import tmpfs

FAMILY = "bad arguments"
QUERY = "molten rock eruption"


def cases(kit: Kit, quick: bool, rng: random.Random, limit: int | None = None) -> list[Case]:
    """Each argument's bad values; quick: the ones that crashed before issue 11."""
    kit.reference("A")
    kit.set_state("A")
    data = kit.copy_index("A", kit.trial_dir("cli") / "data")
    a_file = next(kit.root.rglob("*.txt"))
    plan: list[tuple[str, bool, Callable[[], Result]]] = [
        # (name, must be refused, how to run it)
        ("search --limit 0", True, lambda: kit.cli(data, "search", QUERY, "--limit", "0")),
        ("search --limit -5", True, lambda: kit.cli(data, "search", QUERY, "--limit", "-5")),
        ("search --limit abc", True, lambda: kit.cli(data, "search", QUERY, "--limit", "abc")),
        (
            "similar --limit -1",
            True,
            lambda: kit.cli(data, "similar", str(a_file), "--limit", "-1"),
        ),
        ("similar --limit 0", True, lambda: kit.cli(data, "similar", str(a_file), "--limit", "0")),
        ("similar of a file not indexed", True, lambda: kit.cli(data, "similar", "/etc/hostname")),
        ("query not UTF-8", False, lambda: kit.cli(data, "search", b"\xff\xfe volcano")),
        ("empty query", False, lambda: kit.cli(data, "search", "")),
        ("search | head -1", False, lambda: _broken_pipe(kit, data)),
        ("bad after: line in search -", False, lambda: _bad_after(kit, data)),
        ("index --threads -2", True, lambda: _writer(kit, "index", "--threads", "-2")),
        ("index --threads abc", True, lambda: _writer(kit, "index", "--threads", "abc")),
        ("index --max-file-mb -1", True, lambda: _writer(kit, "index", "--max-file-mb", "-1")),
        ("index of a missing folder", True, lambda: _writer(kit, "index", "/nonexistent-x")),
        ("index of a file", True, lambda: _writer(kit, "index", str(a_file))),
        ("roots remove of a non-root", True, lambda: _writer(kit, "roots", "remove", "/tmp")),
        ("data dir is a file: search", True, lambda: kit.cli(a_file, "search", QUERY)),
        ("data dir is a file: status", True, lambda: kit.cli(a_file, "status")),
        ("data dir is a file: index", True, lambda: kit.cli(a_file, "index", str(kit.root))),
        ("data dir missing: search", True, lambda: kit.cli(kit.work / "none", "search", QUERY)),
        ("read-only data dir: search", False, lambda: _read_only(kit, "search", QUERY)),
        ("read-only data dir: status", False, lambda: _read_only(kit, "status")),
        ("read-only data dir: index", True, lambda: _read_only(kit, "index", str(kit.root))),
    ]
    if quick:
        picks = (
            "search --limit 0",
            "query not UTF-8",
            "search | head -1",
            "data dir is a file: index",
        )
        plan = [p for p in plan if p[0] in picks]
    out = []
    for name, refuse, action in plan[:limit]:
        case = Case(FAMILY, name)
        result = action()
        case.step(name.split(":")[-1].strip(), result, expect_error=refuse)
        if name == "roots remove of a non-root" and "removed" in result.stdout:
            case.silent = f"says {result.stdout.strip()!r}"
        if name == "search | head -1" and case.outcome == RECOVERED and result.stderr.strip():
            case.steps[-1] = (case.steps[-1][0], UNCLEAR, last_line(result.stderr))
        if name == "bad after: line in search -" and "# symphony musicians" not in result.stdout:
            case.silent = "the stream ended at the bad line"
        out.append(case)
    return out


def _writer(kit: Kit, *args: str) -> Result:
    """A writer command on a fresh copy of the clean build (it may change the index)."""
    data = kit.copy_index("A", kit.trial_dir("cli-writer") / "data")
    return kit.cli(data, *args, timeout=INDEX_TIMEOUT)


def _broken_pipe(kit: Kit, data: Path) -> Result:
    """``finder search - | head -1`` with many queries: the reader leaves early."""
    finder = " ".join(f"'{os.fsdecode(a)}'" for a in kit.command(data, "search", "-", "--json"))
    queries = "\\n".join([QUERY] * 40)
    # 141 is the quiet end of a writer whose reader left (as `git log | head` ends): fine.
    script = (
        f"printf '{queries}\\n' | {finder} | head -1 >/dev/null; "
        "s=${PIPESTATUS[1]}; [ $s -eq 141 ] && s=0; exit $s"
    )
    return run(["bash", "-c", script], timeout=60, env=kit.env(), cwd=kit.cwd)


def _bad_after(kit: Kit, data: Path) -> Result:
    stdin = f"{QUERY}\nafter:2024-13-45 bread\nsymphony musicians\n"
    return kit.cli(data, "search", "-", stdin=stdin)


def _read_only(kit: Kit, *args: str) -> Result:
    """A command on a clean build in a tmpfs mounted read-only (root ignores modes)."""
    mount = kit.trial_dir("read-only") / "mnt"
    try:
        with tmpfs(mount, 64 * 2**20):
            shutil.copytree(kit.reference("A")[0], mount / "data")
            subprocess.run(["mount", "-o", "remount,ro", str(mount)], check=True)
            return kit.cli(mount / "data", *args, timeout=INDEX_TIMEOUT)
    except (PermissionError, subprocess.CalledProcessError) as err:
        with contextlib.suppress(OSError):
            mount.rmdir()
        return Result(list(args), 2, "", f"finder: (not run: {err})", 0.0)
