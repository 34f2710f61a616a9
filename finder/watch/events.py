"""Turn watchdog events into touched paths and moves, dropping what cannot matter.

Dropped here, cheaply, on watchdog's thread: reads (open / close-without-write, which
the indexer itself causes), folder "modified" and attribute events (their entries
report for themselves), and paths the scanner would never index: finder's own data
and cache dirs, hidden names (unless hidden files are indexed) and skipped folders
such as ``.git`` and ``node_modules``. What is left is only a hint: the writer judges
each path against the disk with the scanner's full rules.
"""

from __future__ import annotations

import os
from collections.abc import Sequence

from watchdog.events import (
    DirCreatedEvent,
    DirDeletedEvent,
    DirMovedEvent,
    FileClosedEvent,
    FileCreatedEvent,
    FileDeletedEvent,
    FileModifiedEvent,
    FileMovedEvent,
    FileSystemEvent,
    FileSystemEventHandler,
)

from finder.path_rules import may_hold_indexed
from finder.watch.coalescer import Coalescer

# The only events asked of the OS; on Linux this sets the inotify mask, so reading a
# file (IN_OPEN, IN_ACCESS, IN_CLOSE_NOWRITE) wakes nobody.
WANTED_EVENTS: list[type[FileSystemEvent]] = [
    FileCreatedEvent,
    FileModifiedEvent,
    FileClosedEvent,
    FileDeletedEvent,
    FileMovedEvent,
    DirCreatedEvent,
    DirDeletedEvent,
    DirMovedEvent,
]
_WANTED = tuple(WANTED_EVENTS)


class EventForwarder(FileSystemEventHandler):
    """Forwards the events of one root to a coalescer (runs on watchdog's thread)."""

    def __init__(
        self,
        root: str,
        coalescer: Coalescer,
        *,
        never_enter: Sequence[str] = (),
        include_hidden: bool = False,
    ) -> None:
        self.root = os.path.normpath(root)
        self.coalescer = coalescer
        self.never_enter = tuple(os.path.normpath(p) for p in never_enter)
        self.include_hidden = include_hidden

    def on_any_event(self, event: FileSystemEvent) -> None:
        if not isinstance(event, _WANTED):
            return
        src = os.fsdecode(event.src_path)
        if isinstance(event, FileMovedEvent | DirMovedEvent):
            dest = os.fsdecode(event.dest_path)
            src_ok, dest_ok = self.relevant(src), self.relevant(dest)
            if src_ok and dest_ok:
                self.coalescer.move(src, dest)
            elif src_ok or dest_ok:
                # Moved in from, or out to, somewhere finder does not look.
                self.coalescer.touch(src if src_ok else dest)
        elif self.relevant(src):
            self.coalescer.touch(src)

    def relevant(self, path: str) -> bool:
        """Could the scanner index something at or under ``path``? (by names alone)"""
        return may_hold_indexed(
            os.path.normpath(path),
            self.root,
            never_enter=self.never_enter,
            include_hidden=self.include_hidden,
        )
