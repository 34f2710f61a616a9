"""Shared fixtures: the real model (loaded once), temp data dirs, file writers."""

from __future__ import annotations

import os
import shutil
import subprocess
import sys
from collections.abc import Callable, Iterator
from pathlib import Path

import pytest

from finder.embed import DEFAULT_MODEL, Embedder, resolve_model_path
from finder.engine import IndexWriter
from finder.extract import registry
from tests import leaks
from tests.extract.hostile import HOSTILE

os.environ.setdefault("HF_HUB_OFFLINE", "1")
os.environ.setdefault("TRANSFORMERS_OFFLINE", "1")


def pytest_configure(config: pytest.Config) -> None:
    config.addinivalue_line(
        "markers",
        "child_outlives_test: the test restarts a child process that a longer-lived "
        "fixture owns and closes (not counted as left running)",
    )


@pytest.fixture(scope="session")
def embedder() -> Embedder:
    """The real default model on torch, loaded once for the whole session."""
    from finder.embed.torch_embedder import SentenceTransformerEmbedder

    embedder = SentenceTransformerEmbedder(DEFAULT_MODEL)
    # torch starts its thread pools at the first encode and keeps them: here, before any
    # test's leak baseline, rather than inside the first test that embeds.
    embedder.embed(["warm up"])
    return embedder


@pytest.fixture(scope="session")
def cache_dir(tmp_path_factory: pytest.TempPathFactory) -> Path:
    """One model cache (ONNX export) shared by every test, also by subprocesses."""
    path = tmp_path_factory.mktemp("cache")
    os.environ["FINDER_CACHE_DIR"] = str(path)
    return path


@pytest.fixture(autouse=True)
def nothing_left_running(request: pytest.FixtureRequest) -> Iterator[None]:
    """Fails the test that leaves a thread (a QThread too) or a child process running.

    Autouse and defined first, so its check runs after the test's other fixtures (an
    engine, an app) have been torn down; session-long pools are allowed in tests/leaks.py.
    A test marked ``child_outlives_test`` restarts a child that a longer-lived fixture
    owns and closes: its children are not counted.
    """
    before = leaks.snapshot()
    yield
    marker = request.node.get_closest_marker("child_outlives_test")
    left = leaks.leftovers(before, children=marker is None)
    if left:
        pytest.fail("left running after the test:\n" + "\n".join(left), pytrace=False)


@pytest.fixture
def hostile_extractors(monkeypatch: pytest.MonkeyPatch) -> None:
    """The .finder-test-hang / -balloon / -crash suffixes get parsers that hang, eat memory
    or crash (tests/extract/hostile.py), here and in the sandbox's workers."""
    for suffix, extractor in HOSTILE.items():
        monkeypatch.setitem(registry.EXTRACTORS, suffix, extractor)


@pytest.fixture(autouse=True)
def config_dir(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> Path:
    """Each test's settings files go to its own config dir, never the user's; so does
    what is written under the XDG config home (the autostart entry)."""
    path = tmp_path / "config"
    monkeypatch.setenv("FINDER_CONFIG_DIR", str(path))
    monkeypatch.setenv("XDG_CONFIG_HOME", str(tmp_path / "xdg-config"))
    return path


@pytest.fixture(scope="session")
def other_model(tmp_path_factory: pytest.TempPathFactory) -> str:
    """A second model for model changes: a local copy of the default one."""
    path = tmp_path_factory.mktemp("models") / "my-model"
    shutil.copytree(resolve_model_path(DEFAULT_MODEL), path)
    return str(path)


@pytest.fixture
def open_engine(
    embedder: Embedder, cache_dir: Path, tmp_path: Path
) -> Iterator[Callable[..., IndexWriter]]:
    """Opens writer engines on data dirs under tmp_path; closes them after the test."""
    opened: list[IndexWriter] = []

    def _open(data_dir: Path | None = None) -> IndexWriter:
        engine = IndexWriter.open(
            data_dir or tmp_path / "data", cache_dir=cache_dir, embedder=embedder
        )
        opened.append(engine)
        return engine

    yield _open
    for engine in opened:
        engine.close()  # a second close does nothing


@pytest.fixture
def root(tmp_path: Path) -> Path:
    """Two small text files under tmp_path/files, for indexing and service tests."""
    root = tmp_path / "files"
    write(root / "notes/boiler.txt", "The plumber replaced the boiler in the cellar last winter.")
    write(root / "trips/alps.txt", "A trail climbs through pine forest to a mountain hut.")
    return root


def write(path: Path, text: str) -> Path:
    """Create ``path`` (and its folders) holding ``text`` in UTF-8."""
    path.parent.mkdir(parents=True, exist_ok=True)
    path.write_text(text, encoding="utf-8")
    return path


def run_finder(
    data_dir: Path,
    *args: str,
    stdin: str | None = None,
    prefix: tuple[str, ...] = (),
    timeout: float = 600,
) -> subprocess.CompletedProcess:
    """Run ``python -m finder --data-dir DATA ARGS`` (after ``prefix``, e.g. a command
    that drops privileges) and return the finished process, output as text."""
    return subprocess.run(
        [*prefix, sys.executable, "-m", "finder", "--data-dir", str(data_dir), *args],
        input=stdin,
        capture_output=True,
        text=True,
        timeout=timeout,
        env={**os.environ, "HF_HUB_OFFLINE": "1"},
    )


def index_sample(open_engine: Callable[..., IndexWriter], tmp_path: Path) -> Path:
    """A data dir with two real files indexed (roses.md, budget.txt under tmp_path/files),
    closed so its vectors are saved; returns the data dir."""
    write(tmp_path / "files/roses.md", "Prune the roses in early spring, above an outward bud.")
    write(tmp_path / "files/budget.txt", "Monthly budget: rent 900, groceries 300, savings 200.")
    engine = open_engine(tmp_path / "data")
    engine.add_roots([tmp_path / "files"])
    engine.index()
    engine.close()
    return tmp_path / "data"
