"""Replacing a small file so that a crash leaves either the old or the new one.

The text goes to a temporary name beside the file, is flushed to disk, renamed over the
file, and the rename itself is made durable by syncing the folder (POSIX). The file is
private to the user (0600) whatever the process umask, as everything finder keeps is.
"""

from __future__ import annotations

import contextlib
import errno
import os
from pathlib import Path

from finder.errors import DiskFullError


def write_text_atomically(path: Path, text: str) -> None:
    """Replace ``path`` with ``text`` (UTF-8): atomic, durable, mode 0600. A failed write
    leaves the old file and no temporary one; no space left raises ``DiskFullError``."""
    tmp = path.with_name(path.name + ".tmp")
    try:
        fd = os.open(tmp, os.O_WRONLY | os.O_CREAT | os.O_TRUNC, 0o600)
        if hasattr(os, "fchmod"):  # POSIX: a temp file left by a crash keeps its old mode
            os.fchmod(fd, 0o600)
        with open(fd, "w", encoding="utf-8") as f:
            f.write(text)
            f.flush()
            os.fsync(f.fileno())
    except OSError as err:
        with contextlib.suppress(OSError):
            tmp.unlink()
        if err.errno in (errno.ENOSPC, errno.EDQUOT):
            raise DiskFullError(path.parent, len(text.encode())) from err
        raise
    os.replace(tmp, path)
    fsync_dir(path.parent)


def fsync_dir(folder: Path) -> None:
    """Persist a rename (POSIX); a no-op where directories cannot be opened (Windows)."""
    try:
        fd = os.open(folder, os.O_RDONLY)
    except OSError:
        return
    try:
        os.fsync(fd)
    finally:
        os.close(fd)
