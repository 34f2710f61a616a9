"""The settings file beside the catalog's copy of it: which wins, and keeping them level.

The settings file (:mod:`finder.settings`, in the config dir) is what a person edits;
the catalog keeps a copy (its ``settings`` meta and its roots) that the index was built
with. When the writer opens, the file wins; every change the writer makes is written
back to the file.

Thread: the writer's.
"""

from __future__ import annotations

from pathlib import Path

from finder.settings import SavedSettings, read_settings_file, stored_settings, write_settings_file
from finder.store.catalog import Catalog


class SettingsSync:
    """One data dir's settings file, kept level with a writer's catalog."""

    def __init__(self, file: Path, data_dir: Path) -> None:
        self.file = file
        self.data_dir = data_dir

    def apply(self, catalog: Catalog) -> None:
        """The settings file wins over the catalog's copy; none (or a bad one, or another
        data dir's): write it from the copy, which a damaged copy's defaults repair."""
        saved = read_settings_file(self.file, self.data_dir)
        current = stored_settings(catalog.get_meta("settings"), str(catalog.path))
        wanted = current if saved is None else saved.index
        if catalog.get_meta("settings") != wanted.to_json():
            catalog.set_meta("settings", wanted.to_json())
        if saved is None:
            self.save(catalog)
            return
        indexed = set(catalog.roots())
        for root in sorted(set(saved.roots) - indexed):
            catalog.add_root(root)  # even if absent now: an unplugged drive's files stay
        for root in sorted(indexed - set(saved.roots)):
            catalog.remove_root(root)

    def save(self, catalog: Catalog) -> None:
        settings = stored_settings(catalog.get_meta("settings"), str(catalog.path))
        write_settings_file(
            self.file, SavedSettings(tuple(catalog.roots()), settings), self.data_dir
        )
