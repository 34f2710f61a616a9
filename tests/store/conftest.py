"""Fixtures for the store tests: a small real filesystem for disk-full cases."""

from __future__ import annotations

from collections.abc import Iterator
from pathlib import Path

import pytest

from tests.store.small_disk import mounted_tmpfs


@pytest.fixture
def small_disk(tmp_path: Path) -> Iterator[Path]:
    """A 2 MB tmpfs mounted for this test only (skips without root)."""
    with mounted_tmpfs(tmp_path / "small", 2048) as folder:
        yield folder
