"""Running a command in its own process group with a timeout, and reading what it left
on stderr: the harness's only way to start finder."""

from __future__ import annotations

import contextlib
import os
import re
import signal
import subprocess
import time
from collections.abc import Sequence
from dataclasses import dataclass
from pathlib import Path

# A Python exception named at the start of a line: what an uncaught error prints last.
_EXCEPTION_LINE = re.compile(r"^(?:[A-Za-z_][\w.]*\.)?[A-Z]\w*(?:Error|Exception|Warning)\b:", re.M)


@dataclass
class Result:
    """One finished (or killed) CLI process."""

    args: list[str]
    returncode: int
    stdout: str
    stderr: str
    seconds: float
    hung: bool = False


def has_traceback(stderr: str) -> bool:
    return "Traceback (most recent call last)" in stderr or bool(_EXCEPTION_LINE.search(stderr))


def last_line(text: str, width: int = 110) -> str:
    lines = [line for line in text.replace("\r", "\n").splitlines() if line.strip()]
    return (lines[-1] if lines else "").strip()[:width]


def run(
    argv: Sequence[str | bytes],
    *,
    timeout: float,
    stdin: str | None = None,
    env: dict[str, str] | None = None,
    cwd: Path | None = None,
) -> Result:
    """Run ``argv`` in a new process group; on timeout kill the group and mark it hung."""
    start = time.monotonic()
    proc = subprocess.Popen(
        list(argv),
        stdin=subprocess.PIPE if stdin is not None else subprocess.DEVNULL,
        stdout=subprocess.PIPE,
        stderr=subprocess.PIPE,
        env=env,
        cwd=cwd,
        start_new_session=True,
    )
    hung = False
    try:
        out, err = proc.communicate(stdin.encode("utf-8") if stdin is not None else None, timeout)
    except subprocess.TimeoutExpired:
        hung = True
        kill_group(proc)
        out, err = proc.communicate()
    return Result(
        [os.fsdecode(a) for a in argv],
        proc.returncode,
        out.decode("utf-8", "replace"),
        err.decode("utf-8", "replace"),
        time.monotonic() - start,
        hung,
    )


def kill_group(proc: subprocess.Popen) -> None:
    """SIGKILL ``proc``'s whole process group (it was started in a session of its own)."""
    with contextlib.suppress(ProcessLookupError):
        os.killpg(proc.pid, signal.SIGKILL)
