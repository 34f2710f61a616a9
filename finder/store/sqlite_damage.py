"""Telling a damaged or full SQLite file from a busy one, and noting damage for the writer.

SQLite reports a garbled page, a truncated file or a file that is not a database as
``sqlite3.DatabaseError`` (SQLITE_CORRUPT, SQLITE_NOTADB); a locked, busy or full
database is an ``OperationalError`` and is not damage. A reader that meets damage
cannot repair it (only the writer may write the catalog), so it leaves a note beside
the file; the next writer to open the data dir (or its next indexing run) sees the
note, checks the file and rebuilds it (:mod:`finder.store.salvage`).
"""

from __future__ import annotations

import contextlib
import functools
import inspect
import os
import sqlite3
from collections.abc import Callable
from pathlib import Path
from typing import Any, TypeVar

# Primary result codes: SQLITE_CORRUPT, SQLITE_NOTADB.
_DAMAGE_CODES = (11, 26)

_T = TypeVar("_T")


def is_damage(err: sqlite3.Error) -> bool:
    """Whether ``err`` says the database file itself is damaged."""
    code = getattr(err, "sqlite_errorcode", None)
    if code is not None:
        return code & 0xFF in _DAMAGE_CODES
    return type(err) is sqlite3.DatabaseError


def damage_note(path: Path) -> Path:
    """The note beside the database ``path`` saying that a process met damage in it."""
    return path.with_name(path.name + ".suspect")


def note_damage(path: Path, detail: str) -> None:
    """Leave the note (best effort: a reader may have no right to write there)."""
    with contextlib.suppress(OSError):
        damage_note(path).write_text(detail + "\n", encoding="utf-8")


def reports_damage(error: Callable[[Path, str], Exception]) -> Callable[[type[_T]], type[_T]]:
    """Class decorator: every public method of the class (whose instances have a
    ``path``) notes damage and raises ``error(path, detail)`` in place of a
    ``sqlite3.DatabaseError`` that :func:`is_damage`; other errors pass unchanged."""

    def translate(self: Any, err: sqlite3.DatabaseError) -> Exception:
        note_damage(self.path, str(err))
        return error(self.path, str(err))

    def wrap(method: Callable[..., Any]) -> Callable[..., Any]:
        if inspect.isgeneratorfunction(method):

            @functools.wraps(method)
            def generate(self: Any, *args: Any, **kwargs: Any) -> Any:
                try:
                    yield from method(self, *args, **kwargs)
                except sqlite3.DatabaseError as err:
                    if not is_damage(err):
                        raise
                    raise translate(self, err) from err

            return generate

        @functools.wraps(method)
        def call(self: Any, *args: Any, **kwargs: Any) -> Any:
            try:
                return method(self, *args, **kwargs)
            except sqlite3.DatabaseError as err:
                if not is_damage(err):
                    raise
                raise translate(self, err) from err

        return call

    def decorate(cls: type[_T]) -> type[_T]:
        for name, member in list(vars(cls).items()):
            if not name.startswith("_") and inspect.isfunction(member):
                setattr(cls, name, wrap(member))
        return cls

    return decorate


def is_out_of_space(err: sqlite3.DatabaseError, folder: Path) -> bool:
    """SQLITE_FULL, or an I/O error where the disk is (nearly) full: SQLite reports a
    -shm or -wal file it cannot grow at open as a plain "disk I/O error"."""
    code = getattr(err, "sqlite_errorcode", None)
    if code == sqlite3.SQLITE_FULL:
        return True
    if code is None or code & 0xFF != sqlite3.SQLITE_IOERR:
        return False
    try:
        stat = os.statvfs(folder)
    except (OSError, AttributeError):  # no statvfs on Windows
        return False
    return stat.f_bavail * stat.f_frsize < 1 << 20
