"""The indexer reads no file itself: a read that hangs fails that file, the rest index."""

from __future__ import annotations

import os
import signal
from collections.abc import Iterator
from pathlib import Path

import pytest

from finder.chunking import Chunker
from finder.embed import DEFAULT_MODEL, Embedder, resolve_model_path
from finder.extract import ExtractLimits
from finder.indexing.pipeline import Indexer
from finder.path_rules import ScanRules
from finder.store.catalog import Catalog
from finder.store.meta import unreadable_folders
from finder.store.vectors import VectorIndex
from tests.conftest import write

TIMEOUT_S = 3.0


@pytest.fixture
def indexer(tmp_path: Path, embedder: Embedder) -> Iterator[Indexer]:
    """An indexer over tmp_path/files with one parser worker and a 2 s timeout."""
    catalog = Catalog(tmp_path / "catalog.sqlite3")
    catalog.add_root(str(tmp_path / "files"))
    indexer = Indexer(
        catalog,
        VectorIndex(tmp_path / "vectors.hnsw", embedder.dimension),
        Chunker(resolve_model_path(DEFAULT_MODEL) / "tokenizer.json"),
        lambda: embedder,
        rules=ScanRules(),
        limits=ExtractLimits(timeout_s=TIMEOUT_S),
        extract_workers=1,
    )
    yield indexer
    indexer.close_workers()
    catalog.close()


def test_a_file_whose_read_hangs_fails_with_a_reason_and_the_rest_index(
    indexer: Indexer, tmp_path: Path
) -> None:
    """The worker reading 1/a.txt makes no progress (stopped, as on a share that stopped
    answering): it fails with "reading timed out after 3 s", 2/b.txt is indexed. a.txt,
    the size of a file that vanished, is first read for the rename check: once only."""
    root = tmp_path / "files"
    warm = write(root / "warm.txt", "A first file starts the parser worker.")
    indexer.run()
    [worker] = indexer.worker_pids
    os.kill(worker, signal.SIGSTOP)  # killed by the pool when its time is up
    warm.unlink()
    # In two folders: the scan walks folders in name order, so 1/a.txt goes first.
    write(root / "1/a.txt", "The plumber replaced the boiler!" + " " * 6)  # as long as warm
    write(root / "2/b.txt", "A trail climbs through pine forest.")
    report = indexer.run()
    assert (report.added, report.removed, report.failed) == (2, 1, 1)
    assert report.seconds < 2 * TIMEOUT_S
    failed = indexer.catalog.failed_files()
    assert failed == [(str(root / "1/a.txt"), f"reading timed out after {TIMEOUT_S:g} s")]
    assert indexer.catalog.file_id(str(root / "2/b.txt")) is not None


def test_unreadable_folders_meta_that_is_damaged_reads_as_unknown(
    indexer: Indexer, tmp_path: Path
) -> None:
    """A full scan writes the list (empty here); a damaged value reads as no list, not an
    error that would break `finder status`."""
    write(tmp_path / "files/notes.txt", "notes")
    indexer.run()
    assert indexer.catalog.get_meta("unreadable_folders") == "[]"
    indexer.catalog.set_meta("unreadable_folders", '{"path": 1}')
    assert unreadable_folders(indexer.catalog) == ()
