"""The `finder` command line, run as a real subprocess against real files."""

from __future__ import annotations

import json
import os
import subprocess
import sys
from collections.abc import Callable
from datetime import datetime
from pathlib import Path

import pytest

from finder.engine import Engine
from tests.conftest import write


def finder(data_dir: Path, *args: str, stdin: str | None = None) -> subprocess.CompletedProcess:
    """Run ``python -m finder --data-dir DATA ARGS`` and return the finished process."""
    return subprocess.run(
        [sys.executable, "-m", "finder", "--data-dir", str(data_dir), *args],
        input=stdin,
        capture_output=True,
        text=True,
        timeout=300,
        env={**os.environ, "HF_HUB_OFFLINE": "1"},
    )


@pytest.fixture(scope="module")
def indexed_dir(tmp_path_factory: pytest.TempPathFactory, cache_dir: Path) -> tuple[Path, Path]:
    """A folder of real files indexed once by `finder index`: (files, data dir)."""
    root = tmp_path_factory.mktemp("files")
    write(root / "garden/roses.md", "Prune the roses in early spring, just above an outward bud.")
    write(root / "money/budget.txt", "Monthly budget: rent 900, groceries 300, savings 200.")
    (root / "broken.pdf").write_bytes(b"%PDF-1.7 truncated garbage")
    data = tmp_path_factory.mktemp("data")
    done = finder(data, "index", str(root))
    assert done.returncode == 0, done.stderr
    assert "embedding chunks" in done.stderr and "3 added" in done.stderr
    return root, data


def test_search_json_has_the_documented_fields(indexed_dir: tuple[Path, Path]) -> None:
    """`search --json` prints an array of {path, score, snippet, page, modified, matched_by}."""
    root, data = indexed_dir
    done = finder(data, "search", "when to trim flowering shrubs", "--json", "--limit", "1")
    assert done.returncode == 0, done.stderr
    [hit] = json.loads(done.stdout)
    assert hit["path"] == str(root / "garden/roses.md")
    assert hit["page"] is None
    assert "Prune the roses" in hit["snippet"]
    assert isinstance(hit["score"], float)
    assert datetime.fromisoformat(hit["modified"]).timestamp() == pytest.approx(
        (root / "garden/roses.md").stat().st_mtime, abs=1e-3
    )
    assert set(hit) == {"path", "score", "snippet", "page", "modified", "matched_by"}


def test_search_stdin_prints_one_json_line_per_query(indexed_dir: tuple[Path, Path]) -> None:
    """`search - --json` answers each stdin line with one JSON array line, in order."""
    _root, data = indexed_dir
    done = finder(data, "search", "-", "--json", stdin="household spending plan\ngardening\n")
    assert done.returncode == 0, done.stderr
    lines = done.stdout.splitlines()
    assert len(lines) == 2
    assert json.loads(lines[0])[0]["path"].endswith("budget.txt")
    assert json.loads(lines[1])[0]["path"].endswith("roses.md")


def test_status_json_lists_counts_and_failures(indexed_dir: tuple[Path, Path]) -> None:
    """`status --json` reports roots, counts, index size, model and failures with reasons."""
    root, data = indexed_dir
    done = finder(data, "status", "--json")
    assert done.returncode == 0, done.stderr
    status = json.loads(done.stdout)
    assert status["roots"] == [str(root)]
    assert status["files_indexed"] == 2 and status["files_failed"] == 1
    assert status["files_pending"] == 0 and status["chunks"] == 2
    assert status["index_bytes"] > 0 and status["model"] == "all-MiniLM-L6-v2"
    [failure] = status["failures"]
    assert failure["path"].endswith("broken.pdf") and "PDF" in failure["reason"]


def test_roots_add_list_remove(tmp_path: Path) -> None:
    """`roots add/list/remove` edit the set of indexed folders; a bad folder is an error."""
    data, folder = tmp_path / "data", tmp_path / "docs"
    folder.mkdir()
    assert finder(data, "roots", "add", str(folder)).returncode == 0
    assert finder(data, "roots", "list").stdout.split() == [str(folder)]
    assert finder(data, "roots", "remove", str(folder)).returncode == 0
    assert "(no folders)" in finder(data, "roots", "list").stdout
    bad = finder(data, "roots", "add", str(tmp_path / "missing"))
    assert bad.returncode == 2 and "not a folder" in bad.stderr


def test_second_writer_is_refused_while_search_still_works(
    indexed_dir: tuple[Path, Path], open_engine: Callable[..., Engine]
) -> None:
    """While one process holds the writer lock, `finder index` exits 2; search still runs."""
    _root, data = indexed_dir
    open_engine(data)
    refused = finder(data, "index")
    assert refused.returncode == 2
    assert "already indexing" in refused.stderr
    assert finder(data, "search", "roses").returncode == 0


def test_search_before_any_index_explains(tmp_path: Path) -> None:
    """Searching a data dir with no index says to run `finder index`, exit code 2."""
    done = finder(tmp_path / "nothing", "search", "anything")
    assert done.returncode == 2
    assert "finder index" in done.stderr
