"""One OS observer per root, or polling when events cannot be trusted.

A root is *watched* with the platform's notifications (inotify, FSEvents, Windows)
unless one of these holds, in which case it is *polled* (rescanned, stat only, every
few minutes by the service) and :attr:`RootWatch.reason` says why:

- polling was asked for (``force_polling``);
- the root lives on a network or FUSE filesystem, whose remote changes send no events;
- the root needs more inotify watches than the system allows (``max_user_watches``),
  or the OS refused the watch (ENOSPC, EMFILE, ...);
- the observer's thread died later (:meth:`FolderWatcher.check` notices).

When the kernel's event queue overflows, events were lost: ``on_overflow`` is called
so the service rescans (watchdog reports this only as a log record, hence the hook).

Thread: ``start``, ``check`` and ``stop`` are called by the service's writer thread;
events are delivered on watchdog's threads straight to the coalescer.
"""

from __future__ import annotations

import logging
import os
import sys
from collections.abc import Callable, Sequence
from dataclasses import dataclass

from watchdog.observers import Observer
from watchdog.observers.api import BaseObserver

from finder.path_rules import is_within
from finder.watch.coalescer import Coalescer
from finder.watch.events import WANTED_EVENTS, EventForwarder

log = logging.getLogger(__name__)

# Filesystems whose changes made elsewhere (another machine, the FUSE daemon) raise no
# local events. "fuseblk" is absent on purpose: it is a local disk (NTFS, exFAT).
_REMOTE_FS = frozenset(
    {"nfs", "nfs4", "cifs", "smb3", "smbfs", "9p", "ceph", "glusterfs", "afs", "davfs", "sshfs"}
)


@dataclass(frozen=True, slots=True)
class RootWatch:
    """How one root is followed: ``mode`` is "polling" or the notifier's name."""

    root: str
    mode: str
    reason: str = ""

    @property
    def polling(self) -> bool:
        return self.mode == "polling"


class FolderWatcher:
    """Watches roots and forwards their events to a coalescer."""

    def __init__(
        self,
        coalescer: Coalescer,
        *,
        never_enter: Sequence[str] = (),
        include_hidden: bool = False,
        force_polling: bool = False,
        watch_limit: int | None = None,
        observer_factory: Callable[[], BaseObserver] = Observer,
        on_overflow: Callable[[], None] = lambda: None,
    ) -> None:
        """``watch_limit`` overrides the system's inotify limit (tests use a small one)."""
        self.coalescer = coalescer
        self.never_enter = tuple(never_enter)
        self.include_hidden = include_hidden
        self.force_polling = force_polling
        self.watch_limit = watch_limit if watch_limit is not None else inotify_watch_limit()
        self._observer_factory = observer_factory
        self._observers: dict[str, BaseObserver] = {}
        self._states: dict[str, RootWatch] = {}
        self._watches_used = 0
        self._overflow_alarm = _OverflowAlarm(on_overflow)

    def start(self, roots: Sequence[str]) -> None:
        """Begin following ``roots`` (a root that is not a folder right now is polled)."""
        logging.getLogger(_INOTIFY_LOGGER).addHandler(self._overflow_alarm)
        for root in roots:
            self._states[root] = self._start_one(root)
            log.info("%s: %s %s", root, self._states[root].mode, self._states[root].reason)

    def _start_one(self, root: str) -> RootWatch:
        if self.force_polling:
            return RootWatch(root, "polling", "polling was asked for")
        if not os.path.isdir(root):
            return RootWatch(root, "polling", "the folder is not available")
        fs_type = filesystem_type(root)
        if fs_type is not None and (fs_type in _REMOTE_FS or fs_type.startswith("fuse.")):
            return RootWatch(
                root, "polling", f"{fs_type} is a network or FUSE filesystem: it sends no events"
            )
        observer = self._observer_factory()
        mode = notifier_name(observer)
        if mode == "inotify" and self.watch_limit is not None:
            needed = count_folders(root)
            if self._watches_used + needed > self.watch_limit:
                _stop_quietly(observer)  # watchdog's inotify observer starts a thread at once
                return RootWatch(
                    root,
                    "polling",
                    f"needs {needed} folder watches but the system allows "
                    f"{self.watch_limit} (raise fs.inotify.max_user_watches)",
                )
            self._watches_used += needed
        forwarder = EventForwarder(
            root,
            self.coalescer,
            never_enter=self.never_enter,
            include_hidden=self.include_hidden,
        )
        try:
            observer.schedule(forwarder, root, recursive=True, event_filter=WANTED_EVENTS)
            observer.start()
        except OSError as err:
            _stop_quietly(observer)
            return RootWatch(root, "polling", f"the OS refused to watch it: {err.strerror or err}")
        self._observers[root] = observer
        return RootWatch(root, mode)

    def check(self) -> list[str]:
        """Roots whose observer died since the last check; they are polled from now on."""
        died = []
        for root, observer in list(self._observers.items()):
            if observer.is_alive() and all(e.is_alive() for e in observer.emitters):
                continue
            log.warning("the watcher of %s stopped: polling it from now on", root)
            _stop_quietly(observer)
            del self._observers[root]
            self._states[root] = RootWatch(root, "polling", "the watcher stopped unexpectedly")
            died.append(root)
        return died

    def states(self) -> list[RootWatch]:
        return list(self._states.values())

    def observer(self, root: str) -> BaseObserver | None:
        """The observer of a watched root (diagnostics and tests)."""
        return self._observers.get(root)

    def stop(self) -> None:
        logging.getLogger(_INOTIFY_LOGGER).removeHandler(self._overflow_alarm)
        for observer in self._observers.values():
            _stop_quietly(observer)
        self._observers.clear()
        self._states.clear()
        self._watches_used = 0


_INOTIFY_LOGGER = "watchdog.observers.inotify_c"


class _OverflowAlarm(logging.Handler):
    """Calls back when watchdog logs that the inotify queue overflowed."""

    def __init__(self, callback: Callable[[], None]) -> None:
        super().__init__(logging.WARNING)
        self.callback = callback

    def emit(self, record: logging.LogRecord) -> None:
        if "overflow" in record.getMessage().lower():
            self.callback()


def notifier_name(observer: BaseObserver) -> str:
    """ "inotify", "fsevents", "windows", "kqueue" or "polling" for an observer."""
    name = type(observer).__name__.lower()
    for known in ("inotify", "fsevents", "kqueue", "polling"):
        if known in name:
            return known
    return "windows" if "windows" in name or sys.platform == "win32" else name


def inotify_watch_limit() -> int | None:
    """The per-user inotify watch limit on Linux, None elsewhere or if unknown."""
    try:
        with open("/proc/sys/fs/inotify/max_user_watches", encoding="ascii") as f:
            return int(f.read().strip())
    except (OSError, ValueError):
        return None


def count_folders(root: str) -> int:
    """Folders under ``root`` (itself included): one inotify watch each."""
    return 1 + sum(len(dirs) for _, dirs, _ in os.walk(root))


def filesystem_type(path: str) -> str | None:
    """The type of the filesystem holding ``path`` (from /proc/self/mountinfo), if known."""
    try:
        with open("/proc/self/mountinfo", encoding="utf-8", errors="replace") as f:
            lines = f.readlines()
    except OSError:
        return None
    path = os.path.realpath(path)
    best, best_type = "", None
    for line in lines:
        left, _, right = line.partition(" - ")
        fields = left.split()
        if len(fields) < 5 or not right:
            continue
        mount_point = fields[4].replace("\\040", " ")
        if is_within(path, mount_point) and len(mount_point) >= len(best):
            best, best_type = mount_point, right.split()[0]
    return best_type


def _stop_quietly(observer: BaseObserver) -> None:
    try:
        observer.stop()
        if observer.is_alive():
            observer.join(timeout=5)
    except (OSError, RuntimeError):
        pass
