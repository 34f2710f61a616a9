"""The torch embedder in a child process: same vectors, clear errors, restarts, cleanup."""

from __future__ import annotations

import os
import signal
import subprocess
import sys
import time
from collections.abc import Iterator
from pathlib import Path

import numpy as np
import psutil
import pytest

from finder.embed import DEFAULT_MODEL, Embedder
from finder.embed.process_embedder import EmbedderProcessError, ProcessEmbedder
from tests.conftest import write

TEXTS = ["the plumber replaced the boiler", "a trail through pine forest", ""]


@pytest.fixture(scope="module")
def child() -> Iterator[ProcessEmbedder]:
    embedder = ProcessEmbedder(DEFAULT_MODEL, threads=1)
    yield embedder
    embedder.close()


def test_vectors_equal_the_in_process_model(child: ProcessEmbedder, embedder: Embedder) -> None:
    """What comes back through the pipe is what the same model gives in this process."""
    assert (child.model_name, child.dimension, child.max_tokens) == (
        DEFAULT_MODEL,
        embedder.dimension,
        embedder.max_tokens,
    )
    got = child.embed(TEXTS)
    assert got.dtype == np.float32 and got.shape == (3, embedder.dimension)
    assert np.allclose(got, embedder.embed(TEXTS), atol=1e-6)
    assert child.embed([]).shape == (0, embedder.dimension)


@pytest.mark.child_outlives_test  # the module's child, closed by its fixture
def test_a_killed_child_is_started_again(child: ProcessEmbedder) -> None:
    """A child that died (OOM killer, a crash) is replaced at the next call."""
    before = child.embed(TEXTS[:1])
    os.kill(child._process.pid, signal.SIGKILL)
    child._process.join()
    assert np.allclose(child.embed(TEXTS[:1]), before)


@pytest.mark.child_outlives_test  # the module's child, closed by its fixture
def test_close_stops_the_child_and_the_next_call_restarts_it(child: ProcessEmbedder) -> None:
    """close() ends the process (the idle service's memory goes back); embed() restarts."""
    process = child._process
    child.close()
    assert process is not None and not process.is_alive()
    assert child.embed(TEXTS[:1]).shape == (1, child.dimension)


def test_a_model_that_cannot_load_says_why(tmp_path: Path) -> None:
    """A folder that is no usable model: the child's reason, as an EmbedderProcessError."""
    write(tmp_path / "broken/config.json", "{}")
    with pytest.raises(EmbedderProcessError, match="cannot load"):
        ProcessEmbedder(str(tmp_path / "broken"))


def test_a_child_orphaned_while_loading_exits_without_a_word(tmp_path: Path) -> None:
    """kill -9 of the parent while the child still imports torch: the child ends by
    itself and prints nothing (no BrokenPipeError when it would say "ready")."""
    launcher = (
        "import sys\n"
        "from finder.embed.process_embedder import ProcessEmbedder\n"
        "ProcessEmbedder(sys.argv[1])\n"
    )
    proc = subprocess.Popen(
        [sys.executable, "-c", launcher, DEFAULT_MODEL],
        stderr=subprocess.PIPE,
        env={**os.environ, "HF_HUB_OFFLINE": "1"},
    )
    assert proc.stderr is not None
    parent = psutil.Process(proc.pid)
    children: list[psutil.Process] = []
    deadline = time.monotonic() + 60
    while not children and proc.poll() is None and time.monotonic() < deadline:
        children = [c for c in parent.children() if _is_spawned(c)]
        psutil.wait_procs([parent], timeout=0.05)  # a bounded pause while it starts
    assert children, "the embedder child did not start"
    proc.send_signal(signal.SIGKILL)
    proc.wait(timeout=30)
    _, alive = psutil.wait_procs(children, timeout=15)
    assert alive == []
    assert proc.stderr.read().decode(errors="replace") == ""


def _is_spawned(process: psutil.Process) -> bool:
    try:
        return "spawn_main" in " ".join(process.cmdline())
    except psutil.NoSuchProcess:
        return False
