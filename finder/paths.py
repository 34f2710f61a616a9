"""Where finder keeps its data.

The data dir holds the writer lock, the control socket and the index: the catalog
(SQLite), the vector index file and the manifest, either in the data dir itself or in
the generation folder its ``current`` pointer names (see
:mod:`finder.store.generations`). It is chosen, in order, by the ``--data-dir`` option,
the ``FINDER_DATA_DIR`` environment variable, and platformdirs' per-user data dir. The cache
dir holds what can be rebuilt and is shared by all data dirs (model exports).
"""

from __future__ import annotations

import os
from dataclasses import dataclass, field
from pathlib import Path

import platformdirs

APP_NAME = "finder"


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
        return self.index_dir / "catalog.sqlite3"

    @property
    def vectors(self) -> Path:
        return self.index_dir / "vectors.hnsw"

    @property
    def manifest(self) -> Path:
        return self.index_dir / "manifest.json"

    @property
    def writer_lock(self) -> Path:
        return self.root / "writer.lock"

    @property
    def model_cache(self) -> Path:
        return self.cache / "models"

    def ensure(self) -> DataPaths:
        """Create the data dir and the index folder (private to the user) if missing;
        returns self."""
        self.root.mkdir(parents=True, exist_ok=True, mode=0o700)
        self.index_dir.mkdir(exist_ok=True, mode=0o700)
        return self
