"""Qt tests run offscreen, against a real index built by the real service."""

from __future__ import annotations

import os
from collections.abc import Callable, Iterator
from pathlib import Path

import pytest

os.environ.setdefault("QT_QPA_PLATFORM", "offscreen")

from finder.app import App, build
from finder.embed import Embedder
from finder.gui.desktop import Desktop
from finder.service.state import ServiceOptions

collect_ignore = ["take_screenshots.py"]


class RecordingDesktop(Desktop):
    """The desktop boundary, intercepted: opening and revealing are recorded, not done."""

    def __init__(self) -> None:
        self.opened: list[str] = []
        self.revealed: list[str] = []

    def open(self, path: str) -> bool:
        self.opened.append(path)
        return True

    def reveal(self, path: str) -> bool:
        self.revealed.append(path)
        return True


@pytest.fixture
def make_app(
    qtbot, embedder: Embedder, cache_dir: Path, tmp_path: Path
) -> Iterator[Callable[..., App]]:
    """Builds the app over a data dir under tmp_path (service options may be given);
    shuts it down after the test."""
    built: list[App] = []

    def _make(data: Path | None = None, options: ServiceOptions | None = None) -> App:
        app = build(
            data or tmp_path / "data",
            cache_dir=cache_dir,
            embedder=embedder,
            desktop=RecordingDesktop(),
            options=options or ServiceOptions(quiet_s=0.2, nice=0, control=False),
            config_dir=tmp_path / "config",
        )
        qtbot.addWidget(app.window)
        built.append(app)
        return app

    yield _make
    for app in built:
        app.shutdown()


def add_folders_and_wait(qtbot, app: App, folders: list[Path], added: int) -> None:
    """Add folders through the service and wait for the rescan that adds ``added`` files."""
    assert app.service is not None
    with qtbot.waitSignal(
        app.bridge.batch_done,
        timeout=120_000,
        check_params_cb=lambda b: b.kind == "reconcile" and b.report.added == added,
    ):
        app.service.change_roots([str(f) for f in folders], [])
