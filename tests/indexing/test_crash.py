"""A `finder index` killed with SIGKILL, then restarted, ends equal to a clean build."""

from __future__ import annotations

import os
import signal
import sqlite3
import subprocess
import sys
from collections.abc import Callable
from dataclasses import replace
from pathlib import Path

import pytest

from finder.embed import DEFAULT_MODEL
from finder.engine import IndexReader, IndexWriter
from tests.faults.faultkit import TOPICS, make_corpus


def kill_during(phase: str, data: Path, root: Path, *options: str) -> None:
    """Start `finder index`, SIGKILL it as soon as stderr shows ``phase`` under way."""
    proc = subprocess.Popen(
        [sys.executable, "-m", "finder", "--data-dir", str(data), "index", str(root), *options],
        stderr=subprocess.PIPE,
        text=True,
        env={**os.environ, "HF_HUB_OFFLINE": "1"},
    )
    assert proc.stderr is not None
    seen = []
    for line in proc.stderr:  # blocks on the child's output, not on a clock
        seen.append(line)
        if phase in line and " 0/" not in line:
            proc.send_signal(signal.SIGKILL)
            break
    proc.wait(timeout=60)
    assert proc.returncode == -signal.SIGKILL, "".join(seen)


def catalog_state(index_dir: Path) -> tuple[set, set, int]:
    """(files with status, chunks with text and vector presence, vector count)."""
    db = sqlite3.connect(index_dir / "catalog.sqlite3")
    files = set(db.execute("SELECT path, status, error FROM files"))
    chunks = set(
        db.execute(
            "SELECT f.path, c.ord, c.text, c.vector_id IS NOT NULL "
            "FROM chunks c JOIN files f ON f.id = c.file_id"
        )
    )
    vectors = db.execute("SELECT COUNT(*) FROM vectors").fetchone()[0]
    db.close()
    return files, chunks, vectors


@pytest.mark.parametrize("phase", ["reading files", "embedding chunks"])
def test_kill_then_restart_equals_clean_build(
    phase: str, tmp_path: Path, open_engine: Callable[..., IndexWriter]
) -> None:
    """Whichever phase is interrupted, resuming gives the same catalog, vectors and results."""
    root = tmp_path / "corpus"
    make_corpus(root, 240)
    crashed, clean = tmp_path / "crashed", tmp_path / "clean"
    kill_during(phase, crashed, root)
    if phase == "embedding chunks":
        # Phase one committed: every file is findable by keyword before its meaning is.
        with IndexReader.open(crashed) as reader:
            assert reader.status().files_pending > 0
            assert len(reader.search("orchestra", 100, legs="keyword")) == 240 // len(TOPICS)

    resumed = open_engine(crashed)  # opens the killed index: it must open
    resumed.index()
    reference = open_engine(clean)
    reference.add_roots([root])
    reference.index()

    assert catalog_state(crashed) == catalog_state(clean)
    assert (
        len(resumed.current.vector_index())
        == len(reference.current.vector_index())
        == catalog_state(clean)[2]
    )
    for query in ("molten rock eruption", "symphony musicians", "bread shop"):
        assert [h.path for h in resumed.reader().search(query, 5)] == [
            h.path for h in reference.reader().search(query, 5)
        ]


def test_a_model_change_killed_midway_keeps_the_old_index_then_finishes(
    tmp_path: Path, open_engine: Callable[..., IndexWriter], other_model: str
) -> None:
    """Killed while the new model's index is built, the old index opens and answers; the
    next run finishes the new one, equal to a clean build with that model."""
    root = tmp_path / "corpus"
    make_corpus(root, 80)
    crashed, clean = tmp_path / "crashed", tmp_path / "clean"
    first = open_engine(crashed)
    first.add_roots([root])
    first.index()
    first.close()
    kill_during("new model: embedding chunks", crashed, root, "--model", other_model)
    with IndexReader.open(crashed) as reader:
        status = reader.status()
        assert (status.model, status.model_pending) == (DEFAULT_MODEL, other_model)
        assert status.files_pending == 0
        assert reader.search("molten rock eruption", 1)[0].path.endswith(".txt")

    resumed = open_engine(crashed)
    resumed.index()
    reference = open_engine(clean)
    reference.update_settings(replace(reference.settings, model=other_model))
    reference.add_roots([root])
    reference.index()
    assert resumed.paths.generation == "index-1"
    assert catalog_state(resumed.paths.index_dir) == catalog_state(clean)
    for query in ("molten rock eruption", "symphony musicians", "bread shop"):
        assert [h.path for h in resumed.reader().search(query, 5)] == [
            h.path for h in reference.reader().search(query, 5)
        ]
