"""The query export is made in a child process; a failure there is logged, not raised."""

from __future__ import annotations

import logging
from pathlib import Path

import numpy as np
import pytest

from finder.embed import DEFAULT_MODEL, Embedder
from finder.embed.loader import ensure_query_export, export_dir_for, load_query_embedder
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
