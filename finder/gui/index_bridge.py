"""The index service's callbacks, turned into Qt signals for the window.

The service calls these on its writer thread; emitting a signal there is safe, and Qt
queues it to receivers on the GUI thread. No widget is touched from the writer.
"""

from __future__ import annotations

from PySide6.QtCore import QObject, Signal

from finder.domain import Progress
from finder.service.state import BatchReport
from finder.watch.watcher import RootWatch


class IndexBridge(QObject):
    """Pass ``on_progress``, ``on_batch`` and ``on_watch`` to the service."""

    progress = Signal(object)  # Progress
    batch_done = Signal(object)  # BatchReport
    watch_changed = Signal(object)  # list[RootWatch]

    def on_progress(self, progress: Progress) -> None:
        self.progress.emit(progress)

    def on_batch(self, batch: BatchReport) -> None:
        self.batch_done.emit(batch)

    def on_watch(self, roots: list[RootWatch]) -> None:
        self.watch_changed.emit(list(roots))
