"""manifest.json: parsing whatever is on disk, the vector checksum fields, the dimension
checked against the vectors the catalog really stores."""

from __future__ import annotations

import logging
from pathlib import Path

import numpy as np
import pytest

from finder.store.catalog import Catalog
from finder.store.hnsw_file import FileDigest
from finder.store.manifest import (
    Manifest,
    checked_dimension,
    read_manifest,
    record_digest,
    recorded_digest,
    write_manifest,
)


@pytest.mark.parametrize(
    "text",
    [
        "",
        "\xff garbage",
        "[]",
        '{"model": "m"}',
        '{"model": "m", "dimension": "big"}',
        '{"model": "m", "dimension": -3}',
        '{"model": "", "dimension": 4}',
    ],
)
def test_an_unusable_manifest_reads_as_none(tmp_path: Path, text: str) -> None:
    """Anything but a model name and a positive dimension is no manifest, never an error."""
    path = tmp_path / "manifest.json"
    path.write_text(text, encoding="utf-8", errors="surrogateescape")
    assert read_manifest(path) is None


def test_the_vector_digest_round_trips_and_is_optional(tmp_path: Path) -> None:
    """An older manifest has no digest; a recorded one (with the file's identity) reads back;
    garbled digest fields are dropped rather than trusted."""
    path = tmp_path / "manifest.json"
    path.write_text('{"model": "m", "dimension": 4}', encoding="utf-8")
    assert recorded_digest(path) is None
    digest = FileDigest(123, "a" * 64, (1, 123, 5, 6))
    record_digest(path, digest)
    recorded = recorded_digest(path)
    assert recorded == digest and recorded is not None and recorded.stamp == (1, 123, 5, 6)
    path.write_text(
        '{"model": "m", "dimension": 4, "vectors_bytes": "x", "vectors_sha256": "short"}',
        encoding="utf-8",
    )
    assert read_manifest(path) == Manifest(model="m", dimension=4)


def test_a_wrong_dimension_yields_to_the_stored_vectors(
    tmp_path: Path, caplog: pytest.LogCaptureFixture
) -> None:
    """The catalog's vectors are 4-d, the manifest says 512: 4 is used, with a warning;
    the writer's call (repair) also fixes the file."""
    catalog = Catalog(tmp_path / "catalog.sqlite3")
    with catalog.transaction():
        catalog.store_vectors([(b"h" * 16, np.ones(4, dtype=np.float32) / 2)])
    path = tmp_path / "manifest.json"
    write_manifest(path, Manifest(model="m", dimension=512))
    with caplog.at_level(logging.WARNING):
        assert checked_dimension(path, catalog, repair=False) == 4
    assert "says 512-d vectors but the catalog holds 4-d" in caplog.text
    assert read_manifest(path) == Manifest(model="m", dimension=512)
    assert checked_dimension(path, catalog, repair=True) == 4
    assert read_manifest(path) == Manifest(model="m", dimension=4)
    catalog.close()


def test_a_lost_manifest_yields_to_the_stored_vectors(tmp_path: Path) -> None:
    """No readable manifest: the stored vectors' dimension, or None before any vector."""
    catalog = Catalog(tmp_path / "catalog.sqlite3")
    path = tmp_path / "manifest.json"
    path.write_bytes(b"\x00\xff{")
    assert checked_dimension(path, catalog, repair=True) is None
    with catalog.transaction():
        catalog.store_vectors([(b"h" * 16, np.ones(4, dtype=np.float32) / 2)])
    assert checked_dimension(path, catalog, repair=True) == 4
    catalog.close()
