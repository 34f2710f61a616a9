"""The query export is made in a child process; a failure there is logged, not raised."""

from __future__ import annotations

import logging
import os
import shutil
from pathlib import Path

import numpy as np
import pytest

from finder.embed import DEFAULT_MODEL, Embedder
from finder.embed.export_checksums import write_checksums
from finder.embed.loader import (
    ensure_query_export,
    export_dir_for,
    load_query_embedder,
    usable_export,
)
from finder.embed.onnx_embedder import OnnxEmbedder
from finder.embed.onnx_export import onnx_export_is_current
from tests.conftest import write


def test_the_export_made_in_a_child_is_what_queries_then_use(
    tmp_path: Path, embedder: Embedder
) -> None:
    """A fresh cache gets a current export; queries load it and agree with torch."""
    assert ensure_query_export(DEFAULT_MODEL, tmp_path)
    assert onnx_export_is_current(DEFAULT_MODEL, export_dir_for(tmp_path, DEFAULT_MODEL))
    query = load_query_embedder(DEFAULT_MODEL, tmp_path)
    assert isinstance(query, OnnxEmbedder)
    text = ["the contract we signed with the plumber"]
    assert float(np.dot(query.embed(text)[0], embedder.embed(text)[0])) > 0.999


def test_a_failed_export_is_logged_and_reported(
    tmp_path: Path, caplog: pytest.LogCaptureFixture
) -> None:
    """A folder that is no usable model: False and the child's reason in the log."""
    broken = tmp_path / "broken-model"
    write(broken / "config.json", "{}")
    with caplog.at_level(logging.WARNING, logger="finder.embed.loader"):
        assert ensure_query_export(str(broken), tmp_path / "cache") is False
    assert any("could not export" in r.getMessage() for r in caplog.records)


@pytest.fixture(scope="module")
def made_export(tmp_path_factory: pytest.TempPathFactory) -> Path:
    """One real export of the default model, made by the child process, copied by tests."""
    cache = tmp_path_factory.mktemp("export-cache")
    assert ensure_query_export(DEFAULT_MODEL, cache)
    return export_dir_for(cache, DEFAULT_MODEL)


def copied_export(made: Path, cache: Path) -> Path:
    target = export_dir_for(cache, DEFAULT_MODEL)
    shutil.copytree(made, target)
    return target


def garble_in_place(path: Path, at: int) -> None:
    """1 KB of garbage at ``at``, the size and the modification time kept."""
    st = path.stat()
    size = min(1024, st.st_size - at)
    with open(path, "r+b") as f:
        f.seek(at)
        f.write(np.random.default_rng(at).integers(0, 256, size, dtype=np.uint8).tobytes())
    os.utime(path, ns=(st.st_atime_ns, st.st_mtime_ns))


@pytest.mark.parametrize("name", ["tokenizer.json", "model.onnx", "finder-onnx.json"])
def test_a_garbled_export_file_is_never_used(
    made_export: Path, tmp_path: Path, name: str, caplog: pytest.LogCaptureFixture
) -> None:
    """A file of the export garbled in place (size and date kept): the checksums catch
    it, the export is removed with a warning, and the next export makes a good one."""
    target = copied_export(made_export, tmp_path)
    assert usable_export(DEFAULT_MODEL, target)  # intact: verified (model.onnx in full)
    garble_in_place(target / name, (target / name).stat().st_size // 3)
    with caplog.at_level(logging.WARNING, logger="finder.embed.loader"):
        assert not usable_export(DEFAULT_MODEL, target)
    assert "is damaged" in caplog.text and not target.exists()
    if name == "tokenizer.json":  # the others take the same path: one re-export is enough
        assert ensure_query_export(DEFAULT_MODEL, tmp_path)
        assert isinstance(load_query_embedder(DEFAULT_MODEL, tmp_path), OnnxEmbedder)


def test_an_export_that_fails_to_load_is_removed(
    made_export: Path, tmp_path: Path, caplog: pytest.LogCaptureFixture
) -> None:
    """Checksums that match a broken tokenizer (garbled before they were taken): loading
    fails, the export is removed and queries fall back to the full model."""
    target = copied_export(made_export, tmp_path)
    (target / "tokenizer.json").write_text("{ not json", encoding="utf-8")
    write_checksums(target, ("model.onnx", "tokenizer.json", "finder-onnx.json"))
    with caplog.at_level(logging.WARNING, logger="finder.embed.loader"):
        query = load_query_embedder(DEFAULT_MODEL, tmp_path)
    try:
        assert not isinstance(query, OnnxEmbedder)
        assert "does not load" in caplog.text and not target.exists()
    finally:
        query.close()  # type: ignore[attr-defined]
