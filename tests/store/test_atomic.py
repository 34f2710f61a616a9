"""Atomic small-file writes on a real filesystem, down to a full one."""

from __future__ import annotations

from pathlib import Path

import pytest

from finder.errors import DiskFullError
from finder.store.atomic import write_text_atomically
from tests.store.small_disk import fill_until


def test_write_replaces_the_file(tmp_path: Path) -> None:
    """The new text replaces the old one and no temporary file is left."""
    path = tmp_path / "settings.json"
    write_text_atomically(path, "old")
    write_text_atomically(path, "new")
    assert path.read_text(encoding="utf-8") == "new"
    assert [p.name for p in tmp_path.iterdir()] == ["settings.json"]


def test_disk_full_keeps_the_old_file(small_disk: Path) -> None:
    """On a full disk the write raises DiskFullError; the old file stays, no temp file."""
    path = small_disk / "manifest.json"
    write_text_atomically(path, "old")
    fill_until(small_disk, 0)
    with pytest.raises(DiskFullError, match=f"disk full: 1 MB needed in {small_disk}"):
        write_text_atomically(path, "x" * 200_000)
    assert path.read_text(encoding="utf-8") == "old"
    assert sorted(p.name for p in small_disk.iterdir()) == ["filler", "manifest.json"]
