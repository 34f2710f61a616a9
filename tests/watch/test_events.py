"""The event filter: what reaches the coalescer, and what is dropped on watchdog's thread."""

from __future__ import annotations

from watchdog.events import (
    DirModifiedEvent,
    FileClosedEvent,
    FileClosedNoWriteEvent,
    FileCreatedEvent,
    FileDeletedEvent,
    FileModifiedEvent,
    FileMovedEvent,
    FileOpenedEvent,
)

from finder.watch.coalescer import Coalescer
from finder.watch.events import EventForwarder


class Clock:
    def __init__(self) -> None:
        self.now = 0.0

    def __call__(self) -> float:
        return self.now


def forwarder(**kwargs: object) -> tuple[EventForwarder, Coalescer, Clock]:
    clock = Clock()
    coalescer = Coalescer(quiet_s=0.1, clock=clock)
    return EventForwarder("/r", coalescer, **kwargs), coalescer, clock


def taken(coalescer: Coalescer, clock: Clock) -> tuple[tuple[str, ...], tuple]:
    clock.now += 1
    batch = coalescer.take_ready()
    return batch.paths, batch.moves


def test_writes_creations_and_deletions_are_forwarded() -> None:
    """Create, modify, close-after-write and delete touch the path."""
    fwd, c, clock = forwarder()
    for event in (
        FileCreatedEvent("/r/a.txt"),
        FileModifiedEvent("/r/b.txt"),
        FileClosedEvent("/r/c.txt"),
        FileDeletedEvent("/r/d.txt"),
    ):
        fwd.dispatch(event)
    assert taken(c, clock) == (("/r/a.txt", "/r/b.txt", "/r/c.txt", "/r/d.txt"), ())


def test_reads_and_folder_modifications_are_dropped() -> None:
    """Opening and reading a file, or a folder's own modified event, is not a change."""
    fwd, c, _ = forwarder()
    fwd.dispatch(FileOpenedEvent("/r/a.txt"))
    fwd.dispatch(FileClosedNoWriteEvent("/r/a.txt"))
    fwd.dispatch(DirModifiedEvent("/r/sub"))
    assert len(c) == 0


def test_own_data_dir_hidden_and_skipped_folders_are_dropped() -> None:
    """finder's data dir, hidden names and skipped folders never reach the coalescer."""
    fwd, c, clock = forwarder(never_enter=["/r/finder-data"])
    for path in (
        "/r/finder-data/catalog.sqlite3-wal",
        "/r/.cache/x.txt",
        "/r/notes/.draft.md",
        "/r/app/node_modules/pkg/index.js",
        "/r/repo/.git/index",
        "/elsewhere/a.txt",
    ):
        fwd.dispatch(FileModifiedEvent(path))
    fwd.dispatch(FileModifiedEvent("/r/build"))  # a *file* named like a skipped folder
    assert taken(c, clock) == (("/r/build",), ())


def test_hidden_paths_pass_when_hidden_files_are_indexed() -> None:
    """With include_hidden, a dot-name is forwarded (the scanner then judges it)."""
    fwd, c, clock = forwarder(include_hidden=True)
    fwd.dispatch(FileModifiedEvent("/r/.notes/a.txt"))
    assert taken(c, clock)[0] == ("/r/.notes/a.txt",)


def test_a_move_between_watched_paths_is_a_move() -> None:
    """A rename inside the root is forwarded as a move, both ends touched."""
    fwd, c, clock = forwarder()
    fwd.dispatch(FileMovedEvent("/r/a.txt", "/r/b.txt"))
    assert taken(c, clock) == (("/r/a.txt", "/r/b.txt"), (("/r/a.txt", "/r/b.txt"),))


def test_a_move_from_a_hidden_temp_file_touches_only_the_real_file() -> None:
    """An editor saving via a hidden temp file updates the real file only."""
    fwd, c, clock = forwarder()
    fwd.dispatch(FileMovedEvent("/r/.doc.txt.swp", "/r/doc.txt"))
    fwd.dispatch(FileMovedEvent("/r/old.txt", "/r/.trash/old.txt"))
    assert taken(c, clock) == (("/r/doc.txt", "/r/old.txt"), ())
