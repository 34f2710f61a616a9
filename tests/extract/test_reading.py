"""Opening and hashing files without blocking on what is not a regular file."""

from __future__ import annotations

import hashlib
import os
from pathlib import Path

import pytest

from finder.extract.reading import content_hash, open_regular
from finder.extract.types import ExtractionError


def test_content_hash_is_the_sha256_of_the_bytes(tmp_path: Path) -> None:
    """The digest is SHA-256 over the whole file, also past the 1 MB read block."""
    path = tmp_path / "big.bin"
    data = os.urandom(3 * (1 << 20) + 17)
    path.write_bytes(data)
    assert content_hash(path) == hashlib.sha256(data).hexdigest()


def test_a_fifo_is_refused_without_waiting_for_a_writer(tmp_path: Path) -> None:
    """A FIFO is opened non-blocking and refused: a plain open() would wait for ever."""
    fifo = tmp_path / "pipe.txt"
    os.mkfifo(fifo)
    with pytest.raises(ExtractionError, match=r"^not a regular file$"):
        content_hash(fifo)


def test_a_folder_is_not_a_regular_file(tmp_path: Path) -> None:
    """A folder where a file was expected is refused with the same reason."""
    with pytest.raises(ExtractionError, match=r"^not a regular file$"):
        open_regular(tmp_path)


def test_a_missing_file_says_why(tmp_path: Path) -> None:
    """The operating system's reason, in words, not a FileNotFoundError."""
    with pytest.raises(ExtractionError, match=r"^cannot read file: No such file or directory$"):
        content_hash(tmp_path / "gone.txt")
