"""Walk the roots and list the files that should be indexed, with their size and mtime.

What is skipped by default, as Spotlight/Recoll users expect: what the rules on names
leave out (hidden names, ``.git``, ``node_modules``, caches and build output, the app's
own data dir, the user's globs: :mod:`finder.path_rules`), and what needs the disk to
tell: virtualenvs (any folder holding ``pyvenv.cfg``), symlinks (they would index a file
twice or loop) and whatever ``.gitignore`` files inside a git repository ignore.

System filesystems (``/proc``, ``/sys``, ``/dev``...: :mod:`finder.indexing.filesystems`)
are never entered, also when mounted inside a root. A folder that cannot be listed
(permission denied) is skipped and, in a full scan, reported to the caller.

Runs on the writer thread; only ``os.scandir`` and ``stat``, no file is opened except
``.gitignore`` files (regular files only, the first MB).
"""

from __future__ import annotations

import logging
import os
import stat
from collections.abc import Iterator, Sequence
from dataclasses import dataclass, field
from pathlib import Path

import pathspec

from finder.extract.reading import open_regular
from finder.extract.types import ExtractionError
from finder.indexing.filesystems import pseudo_devices
from finder.path_rules import (
    ScanRules,
    excluded_by_globs,
    hidden_left_out,
    is_skipped_folder_name,
    is_within,
)

log = logging.getLogger(__name__)
_MAX_GITIGNORE_BYTES = 1 << 20  # more is not a .gitignore anyone wrote


@dataclass(frozen=True, slots=True)
class DiskFile:
    """A file found on disk: the facts compared against the catalog."""

    path: str
    size: int
    mtime_ns: int


@dataclass(frozen=True, slots=True)
class _Walk:
    """What one scan carries through the folders it walks."""

    rules: ScanRules
    never: frozenset[str]  # folders never entered (normalised)
    devices: dict[int, str]  # st_dev of pseudo filesystems -> their type
    unreadable: dict[str, str] | None  # folder -> why it could not be listed, if wanted


@dataclass(slots=True)
class _Dir:
    path: str
    ignores: tuple[tuple[str, pathspec.PathSpec], ...] = field(default=())
    in_repo: bool = False


def scan(
    roots: Sequence[str], rules: ScanRules, unreadable: dict[str, str] | None = None
) -> Iterator[DiskFile]:
    """Every indexable file under ``roots`` (each root once, nested roots included once).

    Folders that cannot be listed go into ``unreadable`` (path -> reason) if given. A
    root on a system filesystem is skipped with a warning (``IndexWriter.add_roots`` refuses
    one; a hand-edited settings file may still name one).
    """
    walk = _new_walk(rules, unreadable)
    seen_roots: set[str] = set()
    # Sorted, a folder comes before the folders inside it, which are then skipped.
    for root in sorted({os.path.normpath(r) for r in roots}):
        if any(is_within(root, r) for r in seen_roots):
            continue
        seen_roots.add(root)
        fs_type = _device_type(root, walk.devices)
        if fs_type is not None:
            log.warning("%s is a system folder (%s): not indexed", root, fs_type)
            continue
        yield from _walk(_root_dir(root, rules), walk)


def scan_path(root: str, path: str, rules: ScanRules) -> list[DiskFile]:
    """The indexable files at or under ``path``, a file or folder inside ``root``.

    Judged exactly as a full scan of ``root`` would judge them (hidden and skipped
    folders on the way down, globs, .gitignore files), so a watcher's update and the
    next full scan agree. Empty when ``path`` is gone, excluded or a symlink.
    """
    root, path = os.path.normpath(root), os.path.normpath(path)
    if not is_within(path, root):
        return []
    walk = _new_walk(rules, None)
    if _device_type(root, walk.devices) is not None:
        return []
    folder = _root_dir(root, rules)
    if path == root:
        return list(_walk(folder, walk))
    parts = os.path.relpath(path, root).split(os.sep)
    for depth, name in enumerate(parts, 1):
        if folder.path in walk.never:
            return []
        folder = _entered(folder, rules)
        entry_path = os.path.join(folder.path, name)
        try:
            st = os.lstat(entry_path)
        except OSError:
            return []
        kind = _admit(entry_path, name, st, folder, walk)
        if kind is None:
            return []
        if depth == len(parts):
            if isinstance(kind, DiskFile):
                return [kind]
            return list(_walk(kind, walk))
        if isinstance(kind, DiskFile):
            return []  # a file where the path expects a folder
        folder = kind
    return []


def _root_dir(root: str, rules: ScanRules) -> _Dir:
    inherited, in_repo = _inherited_gitignores(root) if rules.honour_gitignore else ((), False)
    return _Dir(root, inherited, in_repo)


def _new_walk(rules: ScanRules, unreadable: dict[str, str] | None) -> _Walk:
    never = frozenset(os.path.normpath(p) for p in rules.never_enter)
    return _Walk(rules, never, pseudo_devices(), unreadable)


def _device_type(folder: str, devices: dict[int, str]) -> str | None:
    try:
        return devices.get(os.stat(folder).st_dev)
    except OSError:
        return None  # not there: the caller finds out when listing it


def _walk(start: _Dir, walk: _Walk) -> Iterator[DiskFile]:
    stack = [start]
    while stack:
        folder = stack.pop()
        if folder.path in walk.never:
            continue
        folder = _entered(folder, walk.rules)
        try:
            entries = list(os.scandir(folder.path))
        except OSError as err:
            if walk.unreadable is not None and not isinstance(err, FileNotFoundError):
                walk.unreadable[folder.path] = err.strerror or str(err)
            continue  # nothing to index there
        subdirs = []
        for entry in entries:
            try:
                st = entry.stat(follow_symlinks=False)
            except OSError:
                continue
            kind = _admit(entry.path, entry.name, st, folder, walk)
            if isinstance(kind, _Dir):
                subdirs.append(kind)
            elif kind is not None:
                yield kind
        # Reverse so the walk visits folders in name order (nicer progress, stable tests).
        stack.extend(sorted(subdirs, key=lambda d: d.path, reverse=True))


def _entered(folder: _Dir, rules: ScanRules) -> _Dir:
    """The folder with its own .gitignore added to the rules its entries obey."""
    if not rules.honour_gitignore:
        return folder
    # .gitignore files mean something only inside a git repository.
    in_repo = folder.in_repo or os.path.isdir(os.path.join(folder.path, ".git"))
    spec = _read_gitignore(os.path.join(folder.path, ".gitignore")) if in_repo else None
    ignores = (*folder.ignores, (folder.path, spec)) if spec is not None else folder.ignores
    return _Dir(folder.path, ignores, in_repo)


def _admit(
    path: str, name: str, st: os.stat_result, folder: _Dir, walk: _Walk
) -> _Dir | DiskFile | None:
    """What an entry of ``folder`` is to the scan: a folder to enter, a file, or skipped."""
    rules = walk.rules
    if hidden_left_out(name, rules):
        return None
    if stat.S_ISLNK(st.st_mode):
        return None
    is_dir = stat.S_ISDIR(st.st_mode)
    if _excluded(path, name, is_dir, rules, folder.ignores):
        return None
    if is_dir:
        if st.st_dev in walk.devices:
            return None  # /proc, /sys, /dev or one of their kind mounted here
        if is_skipped_folder_name(name) or os.path.exists(os.path.join(path, "pyvenv.cfg")):
            return None
        return _Dir(path, folder.ignores, folder.in_repo)
    if stat.S_ISREG(st.st_mode):
        return DiskFile(path, st.st_size, st.st_mtime_ns)
    return None


def _excluded(
    path: str,
    name: str,
    is_dir: bool,
    rules: ScanRules,
    ignores: tuple[tuple[str, pathspec.PathSpec], ...],
) -> bool:
    if excluded_by_globs(path, name, rules):
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
    # open_regular: a FIFO named .gitignore must not block the scan for ever.
    try:
        with open_regular(path) as f:
            text = f.read(_MAX_GITIGNORE_BYTES).decode("utf-8", errors="replace")
    except (ExtractionError, OSError):
        return None
    return pathspec.GitIgnoreSpec.from_lines(text.splitlines())
