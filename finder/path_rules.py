"""Path rules, written once so that every part of finder agrees on them.

- :func:`user_path`: the absolute form of a path a person typed (``~`` expanded).
- :func:`catalog_path`: the text form a path takes in the catalog (SQLite holds text, and
  a POSIX name need not be UTF-8).
- :func:`is_within`, :func:`is_below`, :func:`folder_prefix`: whether a path lies in a
  folder, by whole names (``/a/bc`` is not in ``/a/b``).
- :class:`ScanRules` and the decisions made from names alone: what a scan leaves out.

What a scan leaves out by default, as Spotlight/Recoll users expect: hidden files and
folders (name starting with "."), version-control and dependency folders (``.git``,
``node_modules``), caches and build output (:data:`SKIPPED_DIR_NAMES`), and the folders
in ``never_enter`` (finder's own data and cache dirs). The scanner adds what needs the
disk (symlinks, virtualenvs, .gitignore files, system filesystems:
:mod:`finder.indexing.scanner`).

Pure functions on strings, any thread; the paths given are in normal form
(``os.path.normpath``) unless a function says otherwise. Users: the scanner, the planner
and pipeline, the watcher's event filter, the query's folder filters, the catalog, the
engine and the CLI.
"""

from __future__ import annotations

import fnmatch
import os
from collections.abc import Iterable
from dataclasses import dataclass

SKIPPED_DIR_NAMES = frozenset(
    {
        ".git",
        ".hg",
        ".svn",
        "node_modules",
        "__pycache__",
        "site-packages",
        "bower_components",
        "venv",
        "env",
        "build",
        "dist",
        "target",
        "out",
        "_build",
        "cache",
        "Cache",
        "Caches",
        "CMakeFiles",
        "__MACOSX",
        "$RECYCLE.BIN",
        "System Volume Information",
        "lost+found",
    }
)


@dataclass(frozen=True, slots=True)
class ScanRules:
    """What to leave out of a scan (see the module docstring for the defaults)."""

    exclude_globs: tuple[str, ...] = ()
    include_hidden: bool = False
    honour_gitignore: bool = True
    never_enter: tuple[str, ...] = ()  # absolute folders, e.g. finder's own data dir


# --- forms of a path ------------------------------------------------------------------
def user_path(path: str | os.PathLike[str]) -> str:
    """The absolute, normalised form of a path a person gave (``~`` expanded, relative
    paths taken from the current directory). Symlinks are not resolved."""
    return os.path.abspath(os.path.expanduser(os.fspath(path)))


def catalog_path(path: str) -> str:
    """The path as stored: undecodable bytes (a non-UTF-8 name) shown as \\x escapes.

    A valid name comes back unchanged, so ``catalog_path(p) != p`` tells that ``p`` cannot
    be stored as it is.
    """
    try:
        path.encode("utf-8")
        return path
    except UnicodeEncodeError:
        return os.fsencode(path).decode("utf-8", "backslashreplace")


# --- within a folder ------------------------------------------------------------------
def folder_prefix(folder: str) -> str:
    """``folder`` ending in exactly one separator: what every path below it starts with
    (the root itself gives ``/``)."""
    return folder.rstrip(os.sep) + os.sep


def is_below(path: str, folder: str) -> bool:
    """Whether ``path`` lies strictly inside ``folder`` (``folder`` itself is not, with or
    without a trailing separator)."""
    return path.startswith(folder_prefix(folder)) and path.rstrip(os.sep) != folder.rstrip(os.sep)


def is_within(path: str, folder: str) -> bool:
    """Whether ``path`` is ``folder`` or lies inside it; trailing separators on either
    side do not matter."""
    prefix = folder_prefix(folder)
    return path == folder or path.startswith(prefix) or path + os.sep == prefix


# --- what a scan leaves out, by name --------------------------------------------------
def hidden_left_out(name: str, rules: ScanRules) -> bool:
    """Whether an entry called ``name`` is left out for being hidden (a dot-name)."""
    return not rules.include_hidden and name.startswith(".")


def is_skipped_folder_name(name: str) -> bool:
    """Whether a folder called ``name`` is never entered (``.git``, ``node_modules``...)."""
    return name in SKIPPED_DIR_NAMES


def excluded_by_globs(path: str, name: str, rules: ScanRules) -> bool:
    """Whether one of the user's globs matches the entry's name or its whole path."""
    return any(
        fnmatch.fnmatch(name, glob) or fnmatch.fnmatch(path, glob) for glob in rules.exclude_globs
    )


def may_hold_indexed(
    path: str, root: str, *, never_enter: Iterable[str] = (), include_hidden: bool = False
) -> bool:
    """Could a scan of ``root`` index something at or under ``path``, by names alone?

    False when ``path`` is outside ``root``, in a ``never_enter`` folder, inside a skipped
    folder (a file may itself be called "build") or hidden (unless ``include_hidden``).
    Globs, .gitignore files and the disk are not consulted: a True is only a hint.
    """
    if not is_within(path, root):
        return False
    if any(is_within(path, never) for never in never_enter):
        return False
    if path == root:
        return True
    names = os.path.relpath(path, root).split(os.sep)
    if any(is_skipped_folder_name(name) for name in names[:-1]):
        return False
    return include_hidden or not any(name.startswith(".") for name in names)
