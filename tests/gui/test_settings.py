"""Settings and preferences: the dialog's round trip through the real service, the
folder filter, and the window's versioned preferences file."""

from __future__ import annotations

import json
from collections.abc import Callable
from pathlib import Path

from PySide6.QtCore import Qt, QTimer
from PySide6.QtWidgets import QApplication, QFileDialog, QLabel, QMessageBox

from finder.app import App
from finder.gui.filters import ANY_FOLDER, filter_terms
from finder.gui.preferences import VERSION, Preferences
from finder.gui.settings_dialog import SettingsDialog
from finder.settings import IndexSettings, read_settings_file, settings_file
from tests.conftest import write
from tests.gui.conftest import add_folders_and_wait


def test_settings_round_trip_through_the_service(
    qtbot, make_app: Callable[..., App], tmp_path: Path
) -> None:
    """Folders and exclusions chosen in the dialog reach the index and the settings file
    in the config dir, and show next time."""
    first, second = tmp_path / "first", tmp_path / "second"
    write(first / "keep.txt", "A text file that stays.")
    write(first / "drop.md", "A markdown file that an exclusion removes.")
    write(second / "new.txt", "A file in the folder added through the dialog.")
    app = make_app()
    add_folders_and_wait(qtbot, app, [first], 2)
    assert app.service is not None

    app.window.open_settings()
    dialog = app.window.settings_dialog
    assert dialog is not None and dialog.roots() == [str(first)]
    dialog.add_folder(str(second))
    dialog.excludes.setPlainText("*.md")
    dialog.max_mb.setValue(5)
    with qtbot.waitSignal(
        app.bridge.batch_done,
        timeout=120_000,
        check_params_cb=lambda b: b.kind == "reconcile" and b.report.removed == 1,
    ):
        dialog.accept()

    state = app.service.state()
    assert state.settings is not None
    assert (state.settings.exclude_globs, state.settings.max_file_mb) == (("*.md",), 5)
    assert sorted(r.root for r in state.roots) == [str(first), str(second)]
    saved = read_settings_file(settings_file(tmp_path / "config", tmp_path / "data"))
    assert saved is not None and saved.index == state.settings
    assert sorted(saved.roots) == [str(first), str(second)]
    app.window.open_settings()
    again = app.window.settings_dialog
    assert again is not None and again is not dialog
    assert sorted(again.roots()) == [str(first), str(second)]
    assert again.settings() == state.settings
    again.reject()


def test_a_new_model_is_built_in_the_background_then_swapped_in(
    qtbot, make_app: Callable[..., App], tmp_path: Path, other_model: str
) -> None:
    """Choosing another model: progress says "New model", searches keep working, and
    after the swap the window's searches use the new index."""
    root = tmp_path / "files"
    write(root / "boiler.txt", "The plumber replaced the boiler in the cellar last winter.")
    write(root / "alps.txt", "A trail climbs through pine forest to a mountain hut.")
    app = make_app()
    add_folders_and_wait(qtbot, app, [root], 2)
    shown: list[str] = []
    app.bridge.progress.connect(lambda _p: shown.append(app.window.status.activity.text()))
    app.window.open_settings()
    dialog = app.window.settings_dialog
    assert dialog is not None
    dialog.model.setCurrentText(other_model)
    with qtbot.waitSignal(
        app.bridge.batch_done, timeout=120_000, check_params_cb=lambda b: b.kind == "swap"
    ):
        dialog.accept()
    assert any(t.startswith("New model:") for t in shown), shown
    with qtbot.waitSignal(
        app.controller.results_changed, timeout=60_000, check_params_cb=lambda _h, m, _a: m
    ):
        qtbot.keyClicks(app.window.search, "who fixed the heating")
    first = app.window.model.hit(0)
    assert first is not None and first.path == str(root / "boiler.txt")
    worker_reader = app.controller.worker._reader  # read only: it belongs to its thread
    assert worker_reader is not None and worker_reader.paths.generation == "index-1"


def test_an_unknown_model_is_refused_with_a_reason(qtbot, make_app) -> None:
    """A model that cannot be loaded is not applied; the window says why, in plain text."""
    app = make_app()
    app.window.open_settings()
    dialog = app.window.settings_dialog
    assert dialog is not None
    dialog.model.setCurrentText("/nowhere/no-such-model")
    dialog.accept()
    [box] = app.window.findChildren(QMessageBox)
    assert "no-such-model" in box.text() and box.textFormat() == Qt.TextFormat.PlainText
    assert app.service is not None
    assert app.service.state().settings == IndexSettings()  # the defaults, untouched


def test_filters_become_query_syntax() -> None:
    """Type, folder and age choices turn into ext:, in: and after: terms."""
    from datetime import date

    assert filter_terms("PDF", "Past week", "/home/ann/My Files", today=date(2026, 1, 10)) == (
        'ext:pdf in:"/home/ann/My Files" after:2026-01-03'
    )
    assert filter_terms("Any type", "Any time", ANY_FOLDER) == ""


def test_preferences_round_trip_and_migrate(tmp_path: Path) -> None:
    """Preferences save atomically with a version, and a version 1 file is migrated."""
    prefs = Preferences(geometry="abc", splitter=[300, 200], type_filter="PDF")
    prefs.save(tmp_path)
    stored = json.loads((tmp_path / "window.json").read_text())
    assert stored["version"] == VERSION
    assert Preferences.load(tmp_path) == prefs
    (tmp_path / "window.json").write_text(
        json.dumps({"version": 1, "geometry": "", "filters": {"type": "Code", "age": "Past year"}})
    )
    old = Preferences.load(tmp_path)
    assert (old.type_filter, old.age_filter) == ("Code", "Past year")
    (tmp_path / "window.json").write_text("{ not json")
    assert Preferences.load(tmp_path) == Preferences()


def test_the_window_remembers_its_layout_and_filters(qtbot, make_app, tmp_path: Path) -> None:
    """Closing the app saves the filters and layout; the next window starts with them."""
    app = make_app()
    app.window.filters.type_box.setCurrentText("Code")
    app.window.filters.age_box.setCurrentText("Past month")
    app.shutdown()
    later = Preferences.load(tmp_path / "config")
    assert (later.type_filter, later.age_filter) == ("Code", "Past month")


def test_settings_read_folders_first_and_keep_model_and_threads_under_advanced(
    qtbot, monkeypatch, tmp_path: Path
) -> None:
    """Folders come first; model and threads sit under "Advanced" with a sentence each;
    Add folder… opens at the home folder; folders read from home (~/Documents)."""
    monkeypatch.setenv("HOME", str(tmp_path))
    dialog = SettingsDialog(["/srv/files"], IndexSettings())
    qtbot.addWidget(dialog)
    layout = dialog.layout()
    order = [layout.itemAt(i).widget() for i in range(layout.count())]
    assert order.index(dialog.folders) < order.index(dialog.advanced)
    assert dialog.model.parent() is dialog.advanced and dialog.threads.parent() is dialog.advanced
    sentences = [label.text() for label in dialog.advanced.findChildren(QLabel) if label.wordWrap()]
    assert len(sentences) == 2 and all(s.endswith(".") for s in sentences)
    seen: list[str] = []

    def look_and_cancel() -> None:
        picker = QApplication.activeModalWidget()
        assert isinstance(picker, QFileDialog)
        seen.append(picker.directory().absolutePath())
        picker.reject()

    QTimer.singleShot(200, look_and_cancel)
    dialog._pick_folder()
    assert seen == [str(tmp_path)] and dialog.roots() == ["/srv/files"]
    dialog.add_folder(str(tmp_path / "Documents"))  # shown from home, kept as the real path
    assert dialog.folders.item(1).text() == "~/Documents"
    assert dialog.roots() == ["/srv/files", str(tmp_path / "Documents")]
