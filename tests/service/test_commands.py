"""`finder watch`, `pause`, `resume` and `status` as real subprocesses on real files."""

from __future__ import annotations

import os
import queue
import signal
import subprocess
import sys
import threading
import time
from collections.abc import Callable, Iterator
from pathlib import Path

import pytest

from finder.engine import IndexReader, IndexWriter
from tests.conftest import write
from tests.indexing.test_crash import catalog_state, make_corpus
from tests.test_cli import finder


class Watch:
    """A `finder watch` child whose merged output lines can be waited for."""

    def __init__(self, data: Path) -> None:
        self.proc = subprocess.Popen(
            [sys.executable, "-m", "finder", "--data-dir", str(data), "watch"],
            stdout=subprocess.PIPE,
            stderr=subprocess.STDOUT,
            text=True,
            env={**os.environ, "HF_HUB_OFFLINE": "1"},
        )
        self.lines: queue.Queue[str] = queue.Queue()
        self.seen: list[str] = []
        threading.Thread(target=self._pump, daemon=True).start()

    def _pump(self) -> None:
        assert self.proc.stdout is not None
        for line in self.proc.stdout:
            self.lines.put(line)

    def wait_line(self, matches: Callable[[str], bool], timeout: float = 120.0) -> str:
        """The next output line for which ``matches`` is true."""
        deadline = time.monotonic() + timeout
        while True:
            try:
                line = self.lines.get(timeout=max(0.0, deadline - time.monotonic()))
            except queue.Empty:
                raise AssertionError(
                    "no such line; output so far:\n" + "".join(self.seen)
                ) from None
            self.seen.append(line)
            if matches(line):
                return line

    def stop(self) -> int:
        self.proc.send_signal(signal.SIGTERM)
        return self.proc.wait(timeout=120)


@pytest.fixture
def watching(tmp_path: Path, cache_dir: Path) -> Iterator[Callable[[Path], Watch]]:
    started: list[Watch] = []

    def _start(data: Path) -> Watch:
        watch = Watch(data)
        started.append(watch)
        watch.wait_line(lambda line: "indexing in the background" in line)
        return watch

    yield _start
    for watch in started:
        if watch.proc.poll() is None:
            watch.proc.kill()
            watch.proc.wait()


def test_watch_indexes_saves_answers_commands_and_stops_on_sigterm(
    tmp_path: Path, watching: Callable[[Path], Watch]
) -> None:
    """The whole life of a service: index a save, search, status, pause/resume, SIGTERM."""
    root, data = tmp_path / "files", tmp_path / "data"
    write(root / "garden/roses.md", "Prune the roses in early spring, just above a bud.")
    assert finder(data, "roots", "add", str(root)).returncode == 0
    watch = watching(data)
    watch.wait_line(lambda line: "1 added" in line and "full rescan" in line)

    saved = write(root / "money/budget.txt", "Monthly budget: rent 900, groceries 300.")
    watch.wait_line(lambda line: "1 added" in line and str(saved) in line)
    found = finder(data, "search", "household spending plan", "--limit", "1")
    assert str(saved) in found.stdout, found.stderr

    status = finder(data, "status")
    assert f"watching: {root} (inotify)" in status.stdout
    assert "last full scan: 2" in status.stdout

    assert finder(data, "pause").stdout.startswith("paused")
    assert "service:    paused" in finder(data, "status").stdout
    assert finder(data, "resume").stdout.startswith("resumed")

    second = finder(data, "watch")
    assert second.returncode == 2 and "already indexing" in second.stderr

    assert watch.stop() == 0
    watch.wait_line(lambda line: "stopped; the index is saved" in line)
    assert "not running" in finder(data, "status").stdout
    assert finder(data, "pause").returncode == 1


def test_roots_add_reaches_a_running_service(
    tmp_path: Path, watching: Callable[[Path], Watch]
) -> None:
    """`finder roots add` while a service runs hands the folder to it, which indexes it."""
    first, second, data = tmp_path / "first", tmp_path / "second", tmp_path / "data"
    write(first / "a.txt", "alpha")
    write(second / "b.txt", "The lighthouse keeper logged every passing ship.")
    assert finder(data, "roots", "add", str(first)).returncode == 0
    watch = watching(data)
    added = finder(data, "roots", "add", str(second))
    assert "running finder service is indexing" in added.stdout, added.stderr
    watch.wait_line(lambda line: "1 added" in line and str(second / "b.txt") in line)
    with IndexReader.open(data) as reader:
        assert reader.search("lighthouse", 1)[0].path == str(second / "b.txt")


def test_sigterm_mid_batch_then_restart_equals_a_clean_build(
    tmp_path: Path, watching: Callable[[Path], Watch], open_engine: Callable[..., IndexWriter]
) -> None:
    """SIGTERM while embedding stops cleanly; the next start finishes the same index."""
    root, data, clean = tmp_path / "corpus", tmp_path / "data", tmp_path / "clean"
    make_corpus(root, 300)
    assert finder(data, "roots", "add", str(root)).returncode == 0
    watch = watching(data)
    watch.wait_line(lambda line: "embedding chunks" in line and " 0/" not in line)
    assert watch.stop() == 0
    with IndexReader.open(data) as reader:
        assert reader.status().files_pending > 0  # it really stopped mid-way

    restarted = watching(data)
    restarted.wait_line(lambda line: "full rescan" in line)
    assert restarted.stop() == 0
    reference = open_engine(clean)
    reference.add_roots([root])
    reference.index()
    assert catalog_state(data) == catalog_state(clean)
