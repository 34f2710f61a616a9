"""The children of a `finder index` killed with SIGKILL end by themselves, silently."""

from __future__ import annotations

import os
import signal
import subprocess
import sys
import time
from pathlib import Path

import psutil

from tests.conftest import write
from tests.extract.hostile import REGISTER

REPOSITORY = Path(__file__).resolve().parents[2]
# The parent's own messages (progress bar, log) go to a file, so that the stderr pipe,
# which the spawned children inherit as their fd 2, holds only what the children print.
# The hostile parsers are added for stuck.finder-test-hang.
LAUNCHER = (
    "import os, sys\n"
    "sys.stderr = open(os.environ['FINDER_TEST_PARENT_LOG'], 'w', buffering=1)\n"
    f"{REGISTER}"
    "from finder.cli import main\n"
    "sys.exit(main(sys.argv[1:]))\n"
)


def spawned_children(parent: psutil.Process) -> list[psutil.Process]:
    """The multiprocessing children (parser workers, embedder), not the resource tracker."""
    found = []
    for child in parent.children(recursive=True):
        try:
            if "spawn_main" in " ".join(child.cmdline()):
                found.append(child)
        except psutil.NoSuchProcess:
            continue
    return found


def test_children_of_a_killed_index_exit_without_a_word(tmp_path: Path) -> None:
    """kill -9 of `finder index` while the embedder and a busy parser run: both end, and
    nothing (no BrokenPipeError, no EOFError traceback) reaches the terminal."""
    root = tmp_path / "files"
    write(root / "notes.txt", "The plumber replaced the boiler in the cellar.")
    write(root / "stuck.finder-test-hang", "a parser that never returns")
    env = {
        **os.environ,
        "HF_HUB_OFFLINE": "1",
        "PYTHONPATH": os.pathsep.join(
            filter(None, [str(REPOSITORY), os.environ.get("PYTHONPATH")])
        ),
        "FINDER_TEST_PARENT_LOG": str(tmp_path / "parent.log"),
    }
    command = ["--data-dir", str(tmp_path / "data"), "index", str(root)]
    proc = subprocess.Popen(
        [sys.executable, "-c", LAUNCHER, *command], stderr=subprocess.PIPE, env=env
    )
    assert proc.stderr is not None
    parent = psutil.Process(proc.pid)
    deadline = time.monotonic() + 120
    children: list[psutil.Process] = []
    # The embedder starts first (a fresh index records its model), then the parser
    # that hangs on stuck.finder-test-hang for its 30 s timeout.
    while len(children) < 2 and proc.poll() is None and time.monotonic() < deadline:
        children = spawned_children(parent)
        psutil.wait_procs([parent], timeout=0.1)  # a bounded pause while the children start
    assert len(children) >= 2, (tmp_path / "parent.log").read_text()
    everyone = parent.children(recursive=True)
    proc.send_signal(signal.SIGKILL)
    proc.wait(timeout=30)

    _, alive = psutil.wait_procs(everyone, timeout=15)
    assert alive == [], f"children still running after the parent was killed: {alive}"
    assert proc.stderr.read().decode(errors="replace") == ""
