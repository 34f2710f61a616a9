"""Where finder keeps its data.

The data dir holds the writer lock, the control socket and the index: the catalog
(SQLite), the vector index file and the manifest, either in the data dir itself or in
the generation folder its ``current`` pointer names (see
:mod:`finder.store.generations`). It is chosen, in order, by the ``--data-dir`` option,
the ``FINDER_DATA_DIR`` environment variable, and platformdirs' per-user data dir. The cache
dir holds what can be rebuilt and is shared by all data dirs (model exports).

The catalog holds the text of every indexed document, so finder's folders are private
to the user: 0700, their files 0600. Folders and files found readable by others (made
by an older finder, or a data dir chosen on an existing folder) are fixed, with a
warning, when a writer opens them (:func:`make_private_dir`).
"""

from __future__ import annotations

import logging
import os
import re
import stat
from collections.abc import Callable
from dataclasses import dataclass, field
from pathlib import Path

import platformdirs

log = logging.getLogger(__name__)

APP_NAME = "finder"
PRIVATE_DIR_MODE = 0o700
PRIVATE_FILE_MODE = 0o600
# The names of what finder keeps in a data dir, written only here (used by DataPaths,
# finder.store.generations, finder.service.control and finder.check).
CATALOG_NAME = "catalog.sqlite3"
VECTORS_NAME = "vectors.hnsw"
MANIFEST_NAME = "manifest.json"
MAP_NAME = "map.npz"  # the files' 2-D map and topics (finder.explore.map_file)
POINTER_NAME = "current"  # names the generation in force (finder.store.generations)
WRITER_LOCK_NAME = "writer.lock"
CONTROL_SOCKET_NAME = "control.sock"
GENERATION_PREFIX = "index-"  # then a number: index-1, index-2 (finder.store.generations)
GENERATION_NAME = re.compile(re.escape(GENERATION_PREFIX) + r"(\d+)")
# Only these are touched in a data dir, since it may be a folder with the person's files.
# Index files may have any suffix (SQLite's -wal/-shm, .tmp, a damaged copy set aside).
_DATA_DIR_ENTRY = re.compile(
    "({})([.-].*)?|({})(\\.tmp)?|{}".format(
        "|".join(map(re.escape, (CATALOG_NAME, VECTORS_NAME, MANIFEST_NAME, MAP_NAME))),
        "|".join(map(re.escape, (POINTER_NAME, WRITER_LOCK_NAME, CONTROL_SOCKET_NAME))),
        GENERATION_NAME.pattern,
    )
)


def default_data_dir() -> Path:
    """The data dir when none is given: ``$FINDER_DATA_DIR`` or the platform's user data dir."""
    env = os.environ.get("FINDER_DATA_DIR")
    if env:
        return Path(env).expanduser()
    return Path(platformdirs.user_data_dir(APP_NAME, appauthor=False))


def default_cache_dir() -> Path:
    """Rebuildable files shared by all data dirs (model exports): ``$FINDER_CACHE_DIR`` or
    the platform's user cache dir."""
    env = os.environ.get("FINDER_CACHE_DIR")
    if env:
        return Path(env).expanduser()
    return Path(platformdirs.user_cache_dir(APP_NAME, appauthor=False))


def default_config_dir() -> Path:
    """Settings and folders to index (:mod:`finder.settings`) and the window's
    preferences: ``$FINDER_CONFIG_DIR`` or the platform's user config dir."""
    env = os.environ.get("FINDER_CONFIG_DIR")
    if env:
        return Path(env).expanduser()
    return Path(platformdirs.user_config_dir(APP_NAME, appauthor=False))


@dataclass(frozen=True, slots=True)
class DataPaths:
    """Every file finder writes, derived from one data dir, one cache dir and the index
    generation (a folder name in the data dir; "" for the data dir itself)."""

    root: Path
    cache: Path = field(default_factory=default_cache_dir)
    generation: str = ""

    @property
    def index_dir(self) -> Path:
        return self.root / self.generation if self.generation else self.root

    @property
    def catalog(self) -> Path:
        return self.index_dir / CATALOG_NAME

    @property
    def vector_file(self) -> Path:
        return self.index_dir / VECTORS_NAME

    @property
    def manifest(self) -> Path:
        return self.index_dir / MANIFEST_NAME

    @property
    def file_map(self) -> Path:
        return self.index_dir / MAP_NAME

    @property
    def index_files(self) -> tuple[Path, ...]:
        """Every file of this generation's index, the manifest first (without it, a
        half-removed index reads as no index), SQLite's journal files included."""
        catalog = self.catalog
        journals = (catalog.with_name(catalog.name + s) for s in ("-wal", "-shm"))
        return (self.manifest, catalog, *journals, self.vector_file, self.file_map)

    @property
    def writer_lock(self) -> Path:
        return self.root / WRITER_LOCK_NAME

    @property
    def model_cache(self) -> Path:
        return self.cache / "models"

    def ensure(self) -> DataPaths:
        """Create the data dir, the index folder and the model cache if missing, and make
        them private (see :func:`make_private_dir`); returns self. Called by the writer
        when it opens."""
        make_private_dir(self.root, owns=is_data_dir_entry)
        self.index_dir.mkdir(exist_ok=True, mode=PRIVATE_DIR_MODE)
        make_private_dir(self.cache)
        self.model_cache.mkdir(exist_ok=True, mode=PRIVATE_DIR_MODE)
        return self


def is_data_dir_entry(name: str) -> bool:
    """Whether ``name`` in a data dir is one of finder's files or generation folders."""
    return _DATA_DIR_ENTRY.fullmatch(name) is not None


def make_private_dir(folder: Path, owns: Callable[[str], bool] = lambda _name: True) -> None:
    """Create ``folder`` (and missing parents) 0700, or make an existing one private.

    Group and other permissions are removed from ``folder`` and from each entry in it
    whose name ``owns`` accepts, and from everything below those entries (folders end
    0700, files 0600); symlinks are not followed. One warning is logged per folder that
    needed it. A permission that cannot be changed (another owner) is logged, not raised:
    the folder itself being 0700 already hides what is in it.
    """
    folder.mkdir(parents=True, exist_ok=True, mode=PRIVATE_DIR_MODE)
    if os.name != "posix":
        return  # Windows: the profile's ACLs keep it private; modes mean nothing there
    fixed = _make_private(folder)
    for entry in _entries(folder):
        if owns(entry.name):
            fixed += _make_private_tree(Path(entry.path))
    if fixed:
        log.warning(
            "%s: %d folder(s)/file(s) were readable by other users; made private "
            "(folders 0700, files 0600)",
            folder,
            fixed,
        )


def _make_private_tree(path: Path) -> int:
    """Private ``path`` and, for a folder, everything in it; the number of entries fixed."""
    fixed = _make_private(path)
    if path.is_dir() and not path.is_symlink():
        for entry in _entries(path):
            fixed += _make_private_tree(Path(entry.path))
    return fixed


def _entries(folder: Path) -> list[os.DirEntry[str]]:
    """What ``folder`` holds; nothing when it is gone meanwhile (an export renamed into
    place by another process) or cannot be listed."""
    try:
        with os.scandir(folder) as entries:
            return list(entries)
    except OSError:
        return []


def _make_private(path: Path) -> int:
    """Drop group and other permissions from one folder or file: 1 if it had any."""
    try:
        st = path.lstat()
    except FileNotFoundError:
        return 0  # removed meanwhile (a temp file renamed into place)
    mode = stat.S_IMODE(st.st_mode)
    if stat.S_ISLNK(st.st_mode) or not mode & 0o077:
        return 0
    try:
        os.chmod(path, mode & 0o700)
    except OSError as err:
        log.warning("%s is readable by other users and cannot be made private: %s", path, err)
        return 0
    return 1
