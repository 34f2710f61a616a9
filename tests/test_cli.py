"""The `finder` command line, run as a real subprocess against real files."""

from __future__ import annotations

import json
import os
import subprocess
import sys
from collections.abc import Callable, Iterator
from datetime import datetime
from importlib.metadata import version
from pathlib import Path

import pytest

from finder.engine import IndexWriter
from tests.conftest import run_finder as finder
from tests.conftest import write


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
    """`search --json` prints an array of {path, score, snippet, page, modified, matched_by,
    confidence}."""
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
    assert 0.0 <= hit["confidence"] <= 1.0
    assert set(hit) == {"path", "score", "snippet", "page", "modified", "matched_by", "confidence"}


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
    indexed_dir: tuple[Path, Path], open_engine: Callable[..., IndexWriter]
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


def test_version() -> None:
    """`finder --version` prints the installed package's version."""
    done = subprocess.run(
        [sys.executable, "-m", "finder", "--version"], capture_output=True, text=True, timeout=60
    )
    assert done.returncode == 0 and done.stdout == f"finder {version('finder')}\n"


def refused(done: subprocess.CompletedProcess, *names: str) -> bool:
    """Exit 2, no traceback, and a message naming each of ``names``."""
    assert "Traceback" not in done.stderr, done.stderr
    return done.returncode == 2 and all(name in done.stderr for name in names)


@pytest.mark.parametrize(
    "args",
    [
        ("search", "roses", "--limit", "0"),
        ("search", "roses", "--limit", "-5"),
        ("similar", "/any/file.txt", "--limit", "-1"),
        ("search", "roses", "--limit", "many"),
    ],
)
def test_a_limit_below_one_is_refused(tmp_path: Path, args: tuple[str, ...]) -> None:
    """--limit 0 or negative is an error naming the option, not a traceback or []."""
    assert refused(finder(tmp_path / "data", *args), "--limit", "whole number from 1")


@pytest.mark.parametrize(
    ("option", "value"), [("--threads", "-2"), ("--threads", "0"), ("--max-file-mb", "-1")]
)
def test_bad_index_settings_are_refused_and_not_saved(
    tmp_path: Path, config_dir: Path, option: str, value: str
) -> None:
    """`index --threads -2` or `--max-file-mb -1` exits 2 and leaves the settings alone."""
    (tmp_path / "docs").mkdir()
    done = finder(tmp_path / "data", "index", str(tmp_path / "docs"), option, value)
    assert refused(done, option, f"not '{value}'")
    assert not config_dir.exists()


def test_a_query_that_is_not_utf8_is_refused(tmp_path: Path) -> None:
    """Bytes that are not UTF-8 in the query give a message showing them, not a traceback."""
    done = subprocess.run(
        [sys.executable, "-m", "finder", "--data-dir", str(tmp_path), "search", b"ro\xffses"],
        capture_output=True,
        text=True,
        timeout=60,
    )
    assert refused(done, "ro\\xffses", "not valid UTF-8")


def test_a_folder_whose_name_is_not_utf8_is_refused_as_a_root(tmp_path: Path) -> None:
    """`roots add` of a folder named with non-UTF-8 bytes says so instead of crashing."""
    folder = os.fsencode(tmp_path) + b"/b\xffd"
    os.mkdir(folder)
    data = str(tmp_path / "data")
    done = subprocess.run(
        [sys.executable, "-m", "finder", "--data-dir", data, "roots", "add", folder],
        capture_output=True,
        text=True,
        timeout=60,
    )
    assert refused(done, "b\\xffd", "not UTF-8")


@pytest.mark.parametrize("args", [("search", "roses"), ("index",), ("status",), ("roots", "list")])
def test_a_data_dir_that_is_a_file_is_named(tmp_path: Path, args: tuple[str, ...]) -> None:
    """A data dir path that is a file gets one message for every command."""
    (tmp_path / "data").write_text("not a folder", encoding="utf-8")
    assert refused(finder(tmp_path / "data", *args), f"{tmp_path / 'data'} is a file")


@pytest.fixture
def unwritable_dir(tmp_path: Path) -> Iterator[Path]:
    """An empty folder this process cannot create files in: read-only mode for a user;
    immutable (chattr +i) for root, whom modes do not stop."""
    folder = tmp_path / "readonly"
    folder.mkdir()
    if os.geteuid() != 0:
        folder.chmod(0o555)
        yield folder
        folder.chmod(0o755)
        return
    try:
        subprocess.run(["chattr", "+i", str(folder)], check=True, capture_output=True)
    except (OSError, subprocess.CalledProcessError):
        pytest.skip("running as root without chattr +i: no folder is read-only to root")
    yield folder
    subprocess.run(["chattr", "-i", str(folder)], check=True)


@pytest.mark.parametrize("args", [("index",), ("roots", "add", "/")])
def test_a_data_dir_that_is_not_writable_is_named(
    unwritable_dir: Path, args: tuple[str, ...]
) -> None:
    """A writer on a read-only data dir says which dir is not writable (no PermissionError)."""
    done = finder(unwritable_dir, *args)
    assert refused(done, f"the data dir {unwritable_dir} is not writable")


def test_a_reader_that_goes_away_ends_the_output_quietly(indexed_dir: tuple[Path, Path]) -> None:
    """`finder search x | head -1`: stdout closed early ends with no BrokenPipeError."""
    _root, data = indexed_dir
    for args in (("search", "roses"), ("search", "-", "--json"), ("status",)):
        read, write = os.pipe()
        os.close(read)  # the reader is gone before finder writes
        done = subprocess.run(
            [sys.executable, "-m", "finder", "--data-dir", str(data), *args],
            input="roses\n" * 20,
            stdout=write,
            stderr=subprocess.PIPE,
            text=True,
            timeout=120,
        )
        os.close(write)
        assert done.returncode == 141 and done.stderr == "", done.stderr


def test_removing_a_folder_that_is_not_a_root_is_refused(tmp_path: Path) -> None:
    """`roots remove` of a non-root names it, exits 2 and removes nothing."""
    data = tmp_path / "data"
    for name in ("docs", "other"):
        (tmp_path / name).mkdir()
    assert finder(data, "roots", "add", str(tmp_path / "docs")).returncode == 0
    done = finder(data, "roots", "remove", str(tmp_path / "docs"), str(tmp_path / "other"))
    assert refused(done, f"not an indexed folder: {tmp_path / 'other'}")
    assert finder(data, "roots", "list").stdout.split() == [str(tmp_path / "docs")]
    done = finder(data, "roots", "remove", str(tmp_path / "docs"))
    assert done.returncode == 0 and f"removed {tmp_path / 'docs'}" in done.stdout


def test_a_bad_line_in_a_search_stream_is_answered_and_the_stream_goes_on(
    indexed_dir: tuple[Path, Path],
) -> None:
    """`search -`: a bad filter or non-UTF-8 line gets its error; the next lines are answered."""
    _root, data = indexed_dir
    lines = b"gardening\nafter:2024-13-45 roses\nbud\xffget\nhousehold spending plan\n"
    done = subprocess.run(
        [sys.executable, "-m", "finder", "--data-dir", str(data), "search", "-", "--json"],
        input=lines,
        capture_output=True,
        timeout=120,
    )
    assert done.returncode == 2 and b"Traceback" not in done.stderr
    answers = [json.loads(line) for line in done.stdout.splitlines()]
    assert len(answers) == 4
    assert answers[0][0]["path"].endswith("roses.md")
    assert "after:2024-13-45 is not a date" in answers[1]["error"]
    assert "not valid UTF-8" in answers[2]["error"]
    assert answers[3][0]["path"].endswith("budget.txt")
    text = finder(data, "search", "-", stdin="after:2024-13-45 roses\nhousehold spending plan\n")
    assert text.returncode == 2 and "after:2024-13-45 is not a date" in text.stderr
    assert "budget.txt" in text.stdout


def test_similar_to_a_file_named_with_non_utf8_bytes_explains(
    indexed_dir: tuple[Path, Path],
) -> None:
    """`similar` of a path that is not UTF-8 answers with a message, not a traceback."""
    root, data = indexed_dir
    path = os.fsencode(root) + b"/b\xffd.txt"
    done = subprocess.run(
        [sys.executable, "-m", "finder", "--data-dir", str(data), "similar", path],
        capture_output=True,
        text=True,
        timeout=60,
    )
    assert refused(done, f"not in the index: {root}/b\\xffd.txt")
