"""One writer per data dir: an OS file lock on ``writer.lock``.

The OS drops the lock when the holding process dies (even by kill -9), so a stale lock
after a crash is simply taken over; there is no PID file to clean up.
"""

from __future__ import annotations

import os
import sys
from pathlib import Path
from typing import IO


class WriterLockedError(RuntimeError):
    """Another finder process is already writing this index."""


class WriterLock:
    """Held while a process may write the catalog and vector index."""

    def __init__(self, path: Path) -> None:
        self.path = path
        self._file: IO[str] | None = None

    def acquire(self) -> None:
        # 0600 whatever the umask: finder's files are private to their user.
        fd = os.open(self.path, os.O_RDWR | os.O_CREAT | os.O_APPEND, 0o600)
        f = open(fd, "a+", encoding="utf-8")  # noqa: SIM115 - held until release()
        try:
            _lock(f)
        except OSError:
            f.seek(0)
            holder = f.read().strip() or "another process"
            f.close()
            raise WriterLockedError(
                f"another finder (pid {holder}) is already indexing {self.path.parent}; "
                "searching works meanwhile, or stop the other one first"
            ) from None
        f.seek(0)
        f.truncate()
        f.write(str(os.getpid()))
        f.flush()
        self._file = f

    def release(self) -> None:
        if self._file is not None:
            self._file.close()  # closing the descriptor releases the lock
            self._file = None


def _lock(f: IO[str]) -> None:
    if sys.platform == "win32":
        import msvcrt

        msvcrt.locking(f.fileno(), msvcrt.LK_NBLCK, 1)
    else:
        import fcntl

        fcntl.flock(f.fileno(), fcntl.LOCK_EX | fcntl.LOCK_NB)
