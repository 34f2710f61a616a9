"""The window's process as a person runs it: `finder` opened on no index, then quit."""

from __future__ import annotations

import json
import os
import signal
import subprocess
import sys
import time
from pathlib import Path

from finder.settings import IndexSettings, SavedSettings, settings_file, write_settings_file
from tests.conftest import write
from tests.test_cli import finder

# A first run emits a signal or two per file indexed; PySide6 6.12 took a reference
# from True with each, and this many files made the interpreter abort on quit.
FILES = 500


def service_status(data: Path) -> dict | None:
    """The running window's service state as `finder status --json` reports it."""
    done = finder(data, "status", "--json")
    return json.loads(done.stdout).get("service") if done.returncode == 0 else None


def test_quitting_after_a_first_run_exits_cleanly(tmp_path: Path, cache_dir: Path) -> None:
    """The window started on an empty data dir indexes a folder, then exits 0 on SIGTERM."""
    docs = tmp_path / "docs"
    for n in range(FILES):
        write(docs / f"note-{n:03}.txt", f"Note {n}: the plumber fixed pipe number {n}.")
    data, config = tmp_path / "data", tmp_path / "config"
    saved = SavedSettings((str(docs),), IndexSettings())
    write_settings_file(settings_file(config, data), saved, data)
    env = {**os.environ, "QT_QPA_PLATFORM": "offscreen", "FINDER_CONFIG_DIR": str(config)}
    window = subprocess.Popen(
        [sys.executable, "-m", "finder", "--data-dir", str(data)],
        stdout=subprocess.PIPE,
        stderr=subprocess.STDOUT,
        text=True,
        env=env,
    )
    try:
        deadline = time.monotonic() + 600  # the model loads slowly on a busy machine
        while True:  # each status call is a process start: no busy loop
            state = service_status(data)
            if state and state["phase"] == "idle" and state["last_reconcile"]:
                break
            assert window.poll() is None and time.monotonic() < deadline, state
        assert finder(data, "search", "plumber pipe 7").returncode == 0
        window.send_signal(signal.SIGTERM)
        output, _ = window.communicate(timeout=120)
    finally:
        if window.poll() is None:
            window.kill()
    assert window.returncode == 0, output
    assert "Fatal Python error" not in output
