"""System filesystems (/proc, /sys, /dev...) recognised by type; a root on one refused."""

from __future__ import annotations

import os
from collections.abc import Callable
from pathlib import Path

import pytest

from finder.engine import IndexWriter
from finder.indexing.filesystems import SystemFolderError, pseudo_devices, system_filesystem
from tests.conftest import run_finder

linux_only = pytest.mark.skipif(
    not os.path.exists("/proc/self/mountinfo"), reason="needs Linux's mount table"
)


@linux_only
def test_proc_sys_and_device_files_are_system_filesystems() -> None:
    """/proc, /sys and /dev/pts are known by their filesystem type, read from mountinfo."""
    assert system_filesystem("/proc") == "proc"
    assert system_filesystem("/proc/self") == "proc"
    assert system_filesystem("/sys") == "sysfs"
    if os.path.ismount("/dev/pts"):
        assert system_filesystem("/dev/pts") == "devpts"
    assert os.stat("/proc").st_dev in pseudo_devices()


def test_an_ordinary_folder_is_not(tmp_path: Path) -> None:
    """Folders holding files, and paths that do not exist, are not system folders."""
    assert system_filesystem(str(tmp_path)) is None
    assert system_filesystem(str(tmp_path / "gone")) is None


@linux_only
def test_the_engine_refuses_a_root_on_proc(open_engine: Callable[..., IndexWriter]) -> None:
    """add_roots("/proc") raises SystemFolderError with the message and adds nothing."""
    engine = open_engine()
    with pytest.raises(SystemFolderError) as refused:
        engine.add_roots(["/proc"])
    assert str(refused.value) == "/proc is a system folder (proc), not files to index"
    assert isinstance(refused.value, NotADirectoryError)  # what the service already catches
    assert engine.roots() == []


@linux_only
def test_finder_index_proc_says_why_and_exits_2(tmp_path: Path, cache_dir: Path) -> None:
    """`finder index /proc` ends at once with the message, exit 2, and no index run."""
    done = run_finder(tmp_path / "data", "index", "/proc", timeout=120)
    assert (done.returncode, done.stderr) == (
        2,
        "finder: /proc is a system folder (proc), not files to index\n",
    )
