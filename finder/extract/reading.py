"""Open and hash files without ever blocking on something that is not a regular file.

A path the scanner saw as a regular file may be a FIFO or a device by the time it is
read (swapped meanwhile): opening a FIFO for reading waits for a writer for ever. So
files are opened with ``O_NONBLOCK`` (which returns at once for a FIFO, and does not
change how a regular file reads) and checked with ``fstat`` before a byte is read.

Runs in the parser worker processes (:mod:`finder.extract.sandbox`), where a read that
hangs on a dead network share is bounded by the worker's timeout.
"""

from __future__ import annotations

import hashlib
import os
import stat
from pathlib import Path
from typing import BinaryIO

from finder.extract.types import ExtractionError

_BLOCK = 1 << 20


def open_regular(path: Path | str) -> BinaryIO:
    """``path`` opened for binary reading; ``ExtractionError`` if it is not a regular file
    or cannot be opened (the reason says which)."""
    try:
        fd = os.open(path, os.O_RDONLY | getattr(os, "O_NONBLOCK", 0) | getattr(os, "O_BINARY", 0))
    except OSError as err:
        raise ExtractionError(os_reason(err)) from err
    try:
        if not stat.S_ISREG(os.fstat(fd).st_mode):
            raise ExtractionError("not a regular file")
        return os.fdopen(fd, "rb")
    except BaseException:
        os.close(fd)
        raise


def content_hash(path: Path | str) -> str:
    """The SHA-256 of the file's bytes, hex; ``ExtractionError`` if it cannot be read."""
    digest = hashlib.sha256()
    with open_regular(path) as f:
        try:
            while block := f.read(_BLOCK):
                digest.update(block)
        except OSError as err:
            raise ExtractionError(os_reason(err)) from err
    return digest.hexdigest()


def os_reason(err: OSError) -> str:
    """``"cannot read file: Permission denied"`` and the like."""
    return f"cannot read file: {err.strerror or type(err).__name__}"
