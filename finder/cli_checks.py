"""Bad input and failures on the command line, turned into one clear line each.

Argument types refuse out-of-range numbers and text that is not UTF-8 before a command
runs (argparse then exits 2); :func:`describe` words an error a command raised for the
person, naming the file or folder at fault; :func:`exit_quietly_on_broken_pipe` ends the
process the way command-line tools do when their reader went away (``finder search x |
head -1``). All run on the main thread of ``finder``.
"""

from __future__ import annotations

import argparse
import errno
import os
import sys
from collections.abc import Callable
from importlib.metadata import PackageNotFoundError, version
from pathlib import Path

from finder.embed.process_embedder import EmbedderProcessError
from finder.errors import DiskFullError, FinderError
from finder.path_rules import is_within
from finder.query import QueryError
from finder.store.catalog import CatalogError
from finder.store.lock import WriterLockedError

# Raised with a message a person can act on, printed as is; and what the operating system
# refuses (a data dir that is not writable), worded by describe().
REPORTED: tuple[type[Exception], ...] = (
    FinderError,
    WriterLockedError,
    CatalogError,
    QueryError,
    LookupError,
    EmbedderProcessError,
    OSError,
)
EXIT_BROKEN_PIPE = 128 + 13  # what a shell reports for a tool killed by SIGPIPE


def finder_version() -> str:
    """The installed version, from the package metadata."""
    try:
        return version("finder")
    except PackageNotFoundError:  # run from a source tree that was never installed
        return "unknown"


def whole_number(low: int, high: int) -> Callable[[str], int]:
    """An argparse type: a whole number from ``low`` to ``high``."""

    def parse(text: str) -> int:
        try:
            value = int(text)
        except ValueError:
            value = None
        if value is None or not low <= value <= high:
            raise argparse.ArgumentTypeError(
                f"must be a whole number from {low} to {high}, not {text!r}"
            )
        return value

    return parse


def utf8_text(text: str, what: str = "the query") -> str:
    """``text`` itself; raises :class:`FinderError` when it holds bytes that are not UTF-8
    (argv and stdin arrive with them escaped as surrogates)."""
    try:
        text.encode("utf-8")
    except UnicodeEncodeError:
        shown = os.fsencode(text).decode("utf-8", "backslashreplace")
        raise FinderError(f'{what} "{shown}" is not valid UTF-8 text') from None
    return text


def utf8_argument(text: str) -> str:
    """An argparse type: text that is valid UTF-8."""
    try:
        return utf8_text(text, "the text")
    except FinderError as err:
        raise argparse.ArgumentTypeError(str(err)) from None


def check_data_dir(data_dir: Path) -> None:
    """Refuse a data dir that exists as something other than a folder."""
    if data_dir.exists() and not data_dir.is_dir():
        raise FinderError(
            f"the data dir {data_dir} is a file, not a folder: remove it or choose "
            "another with --data-dir"
        )


def describe(err: Exception, data_dir: Path) -> str:
    """One line for the person: the message of an expected error, or what the operating
    system refused and where."""
    if not isinstance(err, OSError) or err.errno is None:
        return str(err)  # raised by finder with its own message
    where = os.fsdecode(err.filename) if err.filename is not None else ""
    if err.errno in (errno.ENOSPC, errno.EDQUOT):  # a write finder did not wrap itself
        return str(DiskFullError(Path(os.path.dirname(where)) if where else data_dir))
    reason = err.strerror or str(err)
    if isinstance(err, PermissionError) and where and _within(where, data_dir):
        return (
            f"the data dir {data_dir} is not writable by you ({where}: {reason.lower()}): "
            "fix its permissions or choose another with --data-dir"
        )
    return f"{where}: {reason.lower()}" if where else reason


def _within(path: str, folder: Path) -> bool:
    return is_within(os.path.abspath(path), os.path.abspath(folder))


def exit_quietly_on_broken_pipe() -> int:
    """After the reader of stdout went away: no more output, no error at exit."""
    devnull = os.open(os.devnull, os.O_WRONLY)
    os.dup2(devnull, sys.stdout.fileno())  # the interpreter's last flush goes nowhere
    return EXIT_BROKEN_PIPE
