"""The composition root of the desktop app: builds the service, the search worker and
the window, wires them in one place, and runs Qt's event loop.

Only this module and :mod:`finder.gui` import Qt. Threads: the window on the GUI
thread, searches on the search worker's QThread, indexing on the service's writer thread.

Shutdown waits for each thread a bounded time. A thread still running then is logged and
left behind, and :func:`run` ends the process without Python's and Qt's teardown (which
would abort on a running QThread, or wait forever): what was committed is on disk, and
the vector index, a cache of the catalog, is brought level at the next start.
"""

from __future__ import annotations

import contextlib
import logging
import os
import signal
import socket
import sys
from dataclasses import dataclass
from pathlib import Path

from PySide6.QtCore import QSocketNotifier
from PySide6.QtGui import QIcon
from PySide6.QtWidgets import QApplication

from finder.embed import Embedder, resolve_model_path
from finder.gui.desktop import Desktop
from finder.gui.index_bridge import IndexBridge
from finder.gui.main_window import MainWindow
from finder.gui.preferences import Preferences
from finder.gui.search_worker import SearchController, SearchWorker
from finder.gui.single_instance import SingleInstance
from finder.gui.tray import bring_forward, tray_if_available
from finder.paths import default_data_dir
from finder.service.live import IndexService
from finder.service.state import ServiceOptions
from finder.settings import IndexSettings
from finder.store.lock import WriterLockedError

log = logging.getLogger(__name__)

ICON = Path(__file__).resolve().parent.parent / "resources" / "finder.svg"
SERVICE_STOP_TIMEOUT_S = 30.0  # the writer ends its file or batch, then saves the vectors


@dataclass
class App:
    """Everything the window needs, built and wired; :meth:`shutdown` undoes it."""

    window: MainWindow
    controller: SearchController
    bridge: IndexBridge
    service: IndexService | None
    config_dir: Path | None = None
    closed: bool = False
    stopped: bool = True  # False: a thread outlived its shutdown wait (logged)

    def shutdown(self, service_timeout_s: float = SERVICE_STOP_TIMEOUT_S) -> None:
        """Save the window's preferences, stop searching, then indexing (the vector index
        is saved), each wait bounded; :attr:`stopped` says whether both threads ended.
        Idempotent."""
        if self.closed:
            return
        self.closed = True
        self.window.remember().save(self.config_dir)
        self.stopped = self.controller.stop()
        if self.service is not None:
            self.service.stop(service_timeout_s)
            if not self.service.join(0):
                log.warning(
                    "indexing did not stop within %g s; exiting without saving the vector "
                    "index (it is brought level with the catalog at the next start)",
                    service_timeout_s,
                )
                self.stopped = False


def build(
    data_dir: Path | None = None,
    *,
    cache_dir: Path | None = None,
    embedder: Embedder | None = None,
    desktop: Desktop | None = None,
    options: ServiceOptions | None = None,
    config_dir: Path | None = None,
) -> App:
    """Build the app over ``data_dir``; indexing starts at once in the background."""
    bridge = IndexBridge()
    service = IndexService(
        data_dir,
        cache_dir=cache_dir,
        config_dir=config_dir,
        embedder=embedder,
        options=options,
        on_progress=bridge.on_progress,
        on_batch=bridge.on_batch,
        on_watch=bridge.on_watch,
    )
    controller = SearchController(SearchWorker(data_dir, cache_dir))

    def current_settings() -> tuple[list[str], IndexSettings]:
        state = service.state()
        return [r.root for r in state.roots], state.settings or IndexSettings()

    def apply_settings(roots: list[str], settings: IndexSettings) -> None:
        resolve_model_path(settings.model)  # LookupError: the window says why
        before = set(current_settings()[0])
        service.change_settings(settings)
        service.change_roots(sorted(set(roots) - before), sorted(before - set(roots)))

    window = MainWindow(
        controller,
        desktop or Desktop(),
        add_folders=lambda folders: service.change_roots(folders, []),
        set_paused=lambda paused: service.pause() if paused else service.resume(),
        current_settings=current_settings,
        apply_settings=apply_settings,
        preferences=Preferences.load(config_dir),
    )
    # Connected before the service starts: its first signals must not be lost.
    bridge.progress.connect(window.status.show_progress)
    bridge.batch_done.connect(lambda _batch: controller.refresh())
    bridge.watch_changed.connect(window.status.show_watch)
    bridge.watch_changed.connect(lambda roots: window.filters.set_folders([r.root for r in roots]))
    bridge.watch_changed.connect(lambda roots: None if roots else window.show_no_folders())
    try:
        service.start()
    except WriterLockedError as err:  # another finder indexes this data dir: search only
        window.status.pause.setEnabled(False)
        window.status.show_message(f"Searching only: {err}")
        controller.refresh()
        return App(window, controller, bridge, None, config_dir)
    return App(window, controller, bridge, service, config_dir)


def _quit_on_signals(app: QApplication) -> None:
    """SIGTERM / Ctrl+C quit through Qt, so shutdown saves the index and stops threads.

    Python runs signal handlers only between bytecodes, never while Qt's loop waits in C;
    the wakeup fd makes the OS-level handler write a byte that a socket notifier sees.
    """
    reader, writer = socket.socketpair()
    reader.setblocking(False)
    writer.setblocking(False)
    signal.set_wakeup_fd(writer.fileno())
    for signum in (signal.SIGTERM, signal.SIGINT):
        signal.signal(signum, lambda *_: None)  # the byte is written only if one is set
    notifier = QSocketNotifier(reader.fileno(), QSocketNotifier.Type.Read, app)

    def quit_now() -> None:
        with contextlib.suppress(OSError):
            reader.recv(64)
        app.quit()

    notifier.activated.connect(quit_now)
    app.setProperty("finder_signal_sockets", (reader, writer))  # kept alive with the app


def run(data_dir: Path | None = None) -> int:
    """Open the window (or raise the one already open for this data dir)."""
    app = QApplication.instance() or QApplication(sys.argv[:1])
    assert isinstance(app, QApplication)
    app.setApplicationName("finder")
    app.setDesktopFileName("finder")
    icon = QIcon(str(ICON)) if ICON.is_file() else QIcon.fromTheme("system-search")
    app.setWindowIcon(icon)
    instance = SingleInstance(data_dir or default_data_dir())
    if instance.ask_running_to_raise():
        return 0
    instance.listen()
    built = build(data_dir)
    instance.raise_requested.connect(lambda: bring_forward(built.window))
    tray = tray_if_available(built.window, icon, app.quit)
    app.setQuitOnLastWindowClosed(tray is None)
    app.aboutToQuit.connect(built.shutdown)
    _quit_on_signals(app)
    built.window.show()
    bring_forward(built.window)
    code = app.exec()
    built.shutdown()  # already done by aboutToQuit; here for exits that skipped it
    if not built.stopped:
        _exit_now(code)
    return code


def _exit_now(code: int) -> None:
    """End the process at once: a QThread still running would make Qt abort at teardown."""
    logging.shutdown()
    for stream in (sys.stdout, sys.stderr):
        with contextlib.suppress(Exception):
            stream.flush()
    os._exit(code)
