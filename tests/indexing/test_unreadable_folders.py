"""A folder the scan cannot list shows in `finder status` until it can be listed again."""

from __future__ import annotations

import json
import os
import shutil
import subprocess
from pathlib import Path

import pytest

from tests.conftest import run_finder, write

# Root normally reads every folder; without these capabilities permissions apply to it.
WITHOUT_OVERRIDE = ["setpriv", "--bounding-set", "-dac_override,-dac_read_search"]


def finder(data: Path, *args: str, as_user: bool = False) -> subprocess.CompletedProcess:
    """`python -m finder --data-dir DATA ARGS`; ``as_user``: with permissions enforced."""
    prefix = WITHOUT_OVERRIDE if as_user and os.geteuid() == 0 else []
    return run_finder(data, *args, prefix=tuple(prefix), timeout=300)


@pytest.mark.skipif(
    os.geteuid() == 0 and not shutil.which("setpriv"), reason="root needs setpriv to be denied"
)
def test_unreadable_folder_is_listed_in_status_and_leaves_when_readable(
    tmp_path: Path, cache_dir: Path
) -> None:
    """status (text and --json) names the folder and why; after chmod and another index
    run the list is empty and the folder's file is indexed."""
    root, data = tmp_path / "files", tmp_path / "data"
    write(root / "open/boiler.txt", "The plumber replaced the boiler in the cellar.")
    locked = root / "locked"
    write(locked / "diary.txt", "Dear diary, the trail climbed through pine forest.")
    locked.chmod(0)
    try:
        done = finder(data, "index", str(root), as_user=True)
        assert done.returncode == 0, done.stderr
        status = json.loads(finder(data, "status", "--json").stdout)
        assert status["unreadable_folders"] == [
            {"path": str(locked), "reason": "Permission denied"}
        ]
        text = finder(data, "status").stdout
        assert f"unreadable folder: {locked}: Permission denied" in text
    finally:
        locked.chmod(0o755)
    done = finder(data, "index", as_user=True)
    assert done.returncode == 0, done.stderr
    status = json.loads(finder(data, "status", "--json").stdout)
    assert status["unreadable_folders"] == []
    assert status["files_indexed"] == 2
    assert "unreadable folder:" not in finder(data, "status").stdout
