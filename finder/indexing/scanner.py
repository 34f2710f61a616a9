"""Walk the roots and list the files that should be indexed, with their size and mtime.

What is skipped by default, as Spotlight/Recoll users expect: hidden files and folders
(name starting with "."), version-control and dependency folders (``.git``,
``node_modules``), virtualenvs (any folder holding ``pyvenv.cfg``), caches and build
output, symlinks (they would index a file twice or loop), the app's own data dir, and
whatever ``.gitignore`` files inside a git repository ignore. Users add their own globs.

Runs on the writer thread; only ``os.scandir`` and ``stat``, no file is opened except
``.gitignore`` files.
"""

from __future__ import annotations

import fnmatch
import os
import stat
from collections.abc import Iterator, Sequence
from dataclasses import dataclass, field
from pathlib import Path

import pathspec

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


@dataclass(frozen=True, slots=True)
class DiskFile:
    """A file found on disk: the facts compared against the catalog."""

    path: str
    size: int
    mtime_ns: int


@dataclass(slots=True)
class _Dir:
    path: str
    ignores: tuple[tuple[str, pathspec.PathSpec], ...] = field(default=())
    in_repo: bool = False


def scan(roots: Sequence[str], rules: ScanRules) -> Iterator[DiskFile]:
    """Every indexable file under ``roots`` (each root once, nested roots included once)."""
    never = {os.path.normpath(p) for p in rules.never_enter}
    seen_roots: set[str] = set()
    # Sorted, a folder comes before the folders inside it, which are then skipped.
    for root in sorted({os.path.normpath(r) for r in roots}):
        if any(_is_within(root, r) for r in seen_roots):
            continue
        seen_roots.add(root)
        yield from _walk(root, rules, never)


def _walk(root: str, rules: ScanRules, never: set[str]) -> Iterator[DiskFile]:
    inherited, in_repo = _inherited_gitignores(root) if rules.honour_gitignore else ((), False)
    stack = [_Dir(root, inherited, in_repo)]
    while stack:
        folder = stack.pop()
        if folder.path in never:
            continue
        ignores, in_repo = folder.ignores, folder.in_repo
        if rules.honour_gitignore:
            # .gitignore files mean something only inside a git repository.
            in_repo = in_repo or os.path.isdir(os.path.join(folder.path, ".git"))
            spec = _read_gitignore(os.path.join(folder.path, ".gitignore")) if in_repo else None
            if spec is not None:
                ignores = (*ignores, (folder.path, spec))
        try:
            entries = list(os.scandir(folder.path))
        except OSError:
            continue  # unreadable folder: nothing to index there
        subdirs = []
        for entry in entries:
            name = entry.name
            if not rules.include_hidden and name.startswith("."):
                continue
            try:
                st = entry.stat(follow_symlinks=False)
            except OSError:
                continue
            if stat.S_ISLNK(st.st_mode):
                continue
            is_dir = stat.S_ISDIR(st.st_mode)
            if _excluded(entry.path, name, is_dir, rules, ignores):
                continue
            if is_dir:
                if name in SKIPPED_DIR_NAMES or os.path.exists(
                    os.path.join(entry.path, "pyvenv.cfg")
                ):
                    continue
                subdirs.append(_Dir(entry.path, ignores, in_repo))
            elif stat.S_ISREG(st.st_mode):
                yield DiskFile(entry.path, st.st_size, st.st_mtime_ns)
        # Reverse so the walk visits folders in name order (nicer progress, stable tests).
        stack.extend(sorted(subdirs, key=lambda d: d.path, reverse=True))


def _excluded(
    path: str,
    name: str,
    is_dir: bool,
    rules: ScanRules,
    ignores: tuple[tuple[str, pathspec.PathSpec], ...],
) -> bool:
    for glob in rules.exclude_globs:
        if fnmatch.fnmatch(name, glob) or fnmatch.fnmatch(path, glob):
            return True
    # The deepest .gitignore that has an opinion wins, so "!keep.log" in a subfolder
    # re-includes what "*.log" at the top excluded, as git does.
    for base, spec in reversed(ignores):
        rel = os.path.relpath(path, base).replace(os.sep, "/")
        verdict = spec.check_file(rel + "/" if is_dir else rel).include
        if verdict is not None:
            return verdict
    return False


def _inherited_gitignores(root: str) -> tuple[tuple[tuple[str, pathspec.PathSpec], ...], bool]:
    """A root inside a git repository obeys the repository's .gitignore files above it."""
    chain: list[str] = []
    current = Path(root).parent
    for parent in [current, *current.parents]:
        chain.append(str(parent))
        if (parent / ".git").exists():
            ignores = []
            for folder in reversed(chain):
                spec = _read_gitignore(os.path.join(folder, ".gitignore"))
                if spec is not None:
                    ignores.append((folder, spec))
            return tuple(ignores), True
    return (), False


def _read_gitignore(path: str) -> pathspec.PathSpec | None:
    try:
        with open(path, encoding="utf-8", errors="replace") as f:
            return pathspec.GitIgnoreSpec.from_lines(f)
    except OSError:
        return None


def _is_within(path: str, folder: str) -> bool:
    return path == folder or path.startswith(folder.rstrip(os.sep) + os.sep)
