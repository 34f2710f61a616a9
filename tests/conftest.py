"""Shared fixtures: the real model (loaded once), temp data dirs, file writers."""

from __future__ import annotations

import os
import shutil
from collections.abc import Callable, Iterator
from pathlib import Path

import pytest

from finder.embed import DEFAULT_MODEL, Embedder, resolve_model_path
from finder.engine import Engine

os.environ.setdefault("HF_HUB_OFFLINE", "1")
os.environ.setdefault("TRANSFORMERS_OFFLINE", "1")


@pytest.fixture(scope="session")
def embedder() -> Embedder:
    """The real default model on torch, loaded once for the whole session."""
    from finder.embed.torch_embedder import SentenceTransformerEmbedder

    return SentenceTransformerEmbedder(DEFAULT_MODEL)


@pytest.fixture(scope="session")
def cache_dir(tmp_path_factory: pytest.TempPathFactory) -> Path:
    """One model cache (ONNX export) shared by every test, also by subprocesses."""
    path = tmp_path_factory.mktemp("cache")
    os.environ["FINDER_CACHE_DIR"] = str(path)
    return path


@pytest.fixture(autouse=True)
def config_dir(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> Path:
    """Each test's settings files go to its own config dir, never the user's."""
    path = tmp_path / "config"
    monkeypatch.setenv("FINDER_CONFIG_DIR", str(path))
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
) -> Iterator[Callable[..., Engine]]:
    """Opens writer engines on data dirs under tmp_path; closes them after the test."""
    opened: list[Engine] = []

    def _open(data_dir: Path | None = None) -> Engine:
        engine = Engine.open_writer(
            data_dir or tmp_path / "data", cache_dir=cache_dir, embedder=embedder
        )
        opened.append(engine)
        return engine

    yield _open
    for engine in opened:
        if engine.writable:
            engine.close()


def write(path: Path, text: str) -> Path:
    """Create ``path`` (and its folders) holding ``text`` in UTF-8."""
    path.parent.mkdir(parents=True, exist_ok=True)
    path.write_text(text, encoding="utf-8")
    return path
