"""A real, small filesystem for disk-full tests: a tmpfs mounted for the test.

Mounting needs root (or CAP_SYS_ADMIN); without it the tests that use it skip, saying so.
"""

from __future__ import annotations

import os
import subprocess
from collections.abc import Iterator
from contextlib import ExitStack, contextmanager
from pathlib import Path

import pytest


@contextmanager
def tmpfs(folder: Path, size_bytes: int) -> Iterator[Path]:
    """``folder`` as a fresh tmpfs of ``size_bytes``, unmounted afterwards; raises
    PermissionError where mounting is refused (it needs root or CAP_SYS_ADMIN)."""
    folder.mkdir(parents=True, exist_ok=True)
    done = subprocess.run(
        ["mount", "-t", "tmpfs", "-o", f"size={size_bytes}", "tmpfs", str(folder)],
        capture_output=True,
        text=True,
    )
    if done.returncode != 0:
        raise PermissionError(done.stderr.strip() or f"mount exited {done.returncode}")
    try:
        yield folder
    finally:
        subprocess.run(["umount", "-l", str(folder)], capture_output=True, check=False)


@contextmanager
def mounted_tmpfs(folder: Path, size_kb: int) -> Iterator[Path]:
    """``folder`` as a fresh tmpfs of ``size_kb`` KB for a test, which skips (saying
    why) where it cannot be mounted."""
    if os.geteuid() != 0:
        pytest.skip("disk-full tests mount a small tmpfs, which needs root")
    with ExitStack() as stack:
        try:
            mounted = stack.enter_context(tmpfs(folder, size_kb * 1024))
        except PermissionError as err:
            pytest.skip(f"cannot mount a small tmpfs here: {err}")
        yield mounted


def fill_until(folder: Path, free_bytes: int) -> Path:
    """Fill the filesystem of ``folder`` until about ``free_bytes`` are left (0: full)."""
    filler = folder / "filler"
    with open(filler, "ab") as f:
        while (left := os.statvfs(folder).f_bavail * os.statvfs(folder).f_frsize) > free_bytes:
            try:
                f.write(b"\0" * min(64 * 1024, max(4096, left - free_bytes)))
                f.flush()
            except OSError:
                break
    return filler
