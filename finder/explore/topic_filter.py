"""``topic:N`` in a query: which files the saved map puts in topic N.

Thread: the searching thread (a reader's). The map file is read again only when it
changed on disk (the map keeper replaces it), so repeated ``topic:`` queries cost a
dictionary lookup.
"""

from __future__ import annotations

import os
from pathlib import Path

from finder.explore.map_file import load_map


class TopicMembers:
    """Callable: topic numbers -> the paths in any of them (none without a map)."""

    def __init__(self, map_path: Path) -> None:
        self.map_path = map_path
        self._stamp: tuple[int, int] | None = None
        self._members: dict[int, frozenset[str]] = {}

    def __call__(self, topics: tuple[int, ...]) -> frozenset[str]:
        self._reload_if_changed()
        out: frozenset[str] = frozenset()
        for topic in topics:
            out |= self._members.get(topic, frozenset())
        return out

    def _reload_if_changed(self) -> None:
        try:
            st = os.stat(self.map_path)
            stamp: tuple[int, int] | None = (st.st_mtime_ns, st.st_size)
        except OSError:
            stamp = None
        if stamp == self._stamp:
            return
        self._stamp = stamp
        file_map = load_map(self.map_path) if stamp else None
        members: dict[int, set[str]] = {}
        if file_map is not None:
            for path, topic in zip(file_map.paths, file_map.topic.tolist(), strict=True):
                members.setdefault(topic, set()).add(path)
        self._members = {t: frozenset(paths) for t, paths in members.items()}
