"""Observers per root and when a root is polled instead: real inotify on temp folders."""

from __future__ import annotations

import errno
from pathlib import Path

from watchdog.observers import Observer
from watchdog.observers.api import BaseObserver

from finder.watch.coalescer import Coalescer
from finder.watch.watcher import FolderWatcher, count_folders, filesystem_type, notifier_name


class RefusingObserver(Observer):
    """A real observer whose watch the OS refuses, as when inotify watches run out."""

    def schedule(self, *args: object, **kwargs: object) -> None:
        raise OSError(errno.ENOSPC, "inotify watch limit reached")


def test_a_local_root_is_watched_with_inotify(tmp_path: Path) -> None:
    """A folder on a local filesystem gets an inotify observer."""
    watcher = FolderWatcher(Coalescer())
    watcher.start([str(tmp_path)])
    try:
        [state] = watcher.states()
        assert (state.mode, state.polling, state.reason) == ("inotify", False, "")
        assert watcher.observer(str(tmp_path)) is not None
    finally:
        watcher.stop()


def test_a_refused_watch_falls_back_to_polling_with_the_reason(tmp_path: Path) -> None:
    """ENOSPC from the OS makes the root polled, and the reason says so."""
    watcher = FolderWatcher(Coalescer(), observer_factory=RefusingObserver)
    watcher.start([str(tmp_path)])
    [state] = watcher.states()
    assert state.polling and "inotify watch limit reached" in state.reason


def test_the_watch_budget_counts_every_root(tmp_path: Path) -> None:
    """Roots are watched while their folders fit the limit; the next is polled."""
    first, second = tmp_path / "a", tmp_path / "b"
    (first / "x").mkdir(parents=True)
    (second / "y" / "z").mkdir(parents=True)
    watcher = FolderWatcher(Coalescer(), watch_limit=4)
    watcher.start([str(first), str(second)])
    try:
        modes = {Path(s.root).name: s.mode for s in watcher.states()}
        assert modes == {"a": "inotify", "b": "polling"}
    finally:
        watcher.stop()


def test_a_dead_observer_is_noticed(tmp_path: Path) -> None:
    """check() reports a root whose observer stopped, and marks it polled."""
    watcher = FolderWatcher(Coalescer())
    watcher.start([str(tmp_path)])
    observer = watcher.observer(str(tmp_path))
    assert observer is not None
    observer.stop()
    observer.join(10)
    assert watcher.check() == [str(tmp_path)]
    assert watcher.states()[0].polling
    assert watcher.check() == []


def test_a_missing_root_is_polled(tmp_path: Path) -> None:
    """A root that is not there (unplugged drive) is polled until it returns."""
    watcher = FolderWatcher(Coalescer())
    watcher.start([str(tmp_path / "gone")])
    assert watcher.states()[0].polling


def test_helpers_describe_the_system(tmp_path: Path) -> None:
    """Folder counts, the filesystem type and the notifier's name are read correctly."""
    (tmp_path / "a" / "b").mkdir(parents=True)
    (tmp_path / "c").mkdir()
    assert count_folders(str(tmp_path)) == 4
    assert filesystem_type("/proc") == "proc"
    assert filesystem_type(str(tmp_path)) not in (None, "proc")
    observer: BaseObserver = Observer()  # watchdog's inotify observer starts a thread at once
    try:
        assert notifier_name(observer) == "inotify"
    finally:
        observer.stop()
