"""The window against a real index: pytest-qt, offscreen, real model, real service."""

from __future__ import annotations

from collections.abc import Callable
from pathlib import Path

import pytest
from PySide6.QtCore import Qt
from PySide6.QtGui import QGuiApplication, QTextCursor
from PySide6.QtWidgets import QMessageBox, QWidget

from finder.app import App
from finder.domain import Progress
from finder.gui.status_bar import progress_text
from tests.conftest import write
from tests.gui.conftest import RecordingDesktop, add_folders_and_wait

CORPUS = {
    "2024/quotes/renovation-agreement.txt": (
        "The plumber agreed to replace the kitchen pipes and the boiler for 1200 euros."
    ),
    "pets/kitten.md": "Feed your kitten twice daily and book vaccinations at the vet.",
    "pets/puppy.md": "Walk your puppy twice a day and take it to the vet for its shots.",
    "kitchen/bread.md": "Knead the dough ten minutes, let it rise overnight, then bake.",
    "web/markup.txt": "This note mentions <b>html</b> tags and <script>alert(1)</script>.",
}


@pytest.fixture
def indexed(qtbot, make_app: Callable[..., App], tmp_path: Path) -> tuple[App, Path]:
    """The app with a folder of real files added through it and fully indexed."""
    root = tmp_path / "files"
    for rel, text in CORPUS.items():
        write(root / rel, text)
    app = make_app()
    add_folders_and_wait(qtbot, app, [root], len(CORPUS))
    return app, root


def type_query(qtbot, app: App, text: str) -> None:
    """Type into the search field and wait for the answer that includes meaning."""
    with qtbot.waitSignal(
        app.controller.results_changed, timeout=60_000, check_params_cb=lambda _h, m, _again: m
    ):
        qtbot.keyClicks(app.window.search, text)


def test_typing_a_paraphrase_shows_the_right_file_first(qtbot, indexed) -> None:
    """A query sharing no words with the file finds it first, with its passage shown."""
    app, root = indexed
    type_query(qtbot, app, "contract with the tradesman fixing water lines")
    first = app.window.model.hit(0)
    assert first is not None and first.path == str(root / "2024/quotes/renovation-agreement.txt")
    qtbot.waitUntil(lambda: "plumber agreed" in app.window.preview.toPlainText())


def test_keyboard_moves_opens_reveals_copies_and_clears(qtbot, indexed) -> None:
    """Down/Up select, Enter opens, Ctrl+Enter reveals, Ctrl+C copies the path, Esc clears."""
    app, _root = indexed
    window = app.window
    desktop = window.desktop
    assert isinstance(desktop, RecordingDesktop)
    type_query(qtbot, app, "kitten bread plumber")
    assert window.model.rowCount() >= 2
    qtbot.keyClick(window.search, Qt.Key.Key_Down)
    second = window.selected()
    assert second is not None and window.results.currentIndex().row() == 1
    qtbot.keyClick(window.search, Qt.Key.Key_Up)
    first = window.selected()
    assert first is not None
    qtbot.keyClick(window.search, Qt.Key.Key_Return)
    qtbot.keyClick(window.search, Qt.Key.Key_Return, Qt.KeyboardModifier.ControlModifier)
    assert desktop.opened == [first.path] and desktop.revealed == [first.path]
    window.search.deselect()
    qtbot.keyClick(window.search, Qt.Key.Key_C, Qt.KeyboardModifier.ControlModifier)
    assert QGuiApplication.clipboard().text() == first.path
    qtbot.keyClick(window.search, Qt.Key.Key_Escape)
    assert window.search.text() == ""


def test_a_background_batch_keeps_the_selected_file(qtbot, indexed) -> None:
    """When indexing answers the same query again, the selection stays on its file."""
    app, root = indexed
    window = app.window
    type_query(qtbot, app, "kitten bread plumber")
    qtbot.keyClick(window.search, Qt.Key.Key_Down)
    chosen = window.selected()
    assert chosen is not None and window.results.currentIndex().row() == 1
    with qtbot.waitSignal(
        app.controller.results_changed, timeout=60_000, check_params_cb=lambda *a: a[2]
    ):
        write(root / "later/new-note.txt", "A kitten sleeping on the bread board.")
    selected = window.selected()
    assert selected is not None and selected.path == chosen.path


def test_file_text_is_shown_literally_never_as_html(qtbot, indexed) -> None:
    """A file containing <b>html</b> shows the tags as text in the list and the preview."""
    app, root = indexed
    type_query(qtbot, app, "html tags")
    hit = app.window.model.hit(0)
    assert hit is not None and hit.path == str(root / "web/markup.txt")
    assert "<b>html</b>" in hit.snippet
    qtbot.waitUntil(lambda: "<b>html</b>" in app.window.preview.toPlainText())
    assert "<script>alert(1)</script>" in app.window.preview.toPlainText()


def test_progress_of_a_real_indexing_run_is_shown(qtbot, make_app, tmp_path: Path) -> None:
    """While the service indexes, the status bar says what it does; then what it found."""
    root = tmp_path / "many"
    for n in range(60):
        write(root / f"note-{n:02}.txt", f"Note number {n} about topic {n % 7}.")
    app = make_app()
    shown: list[str] = []
    app.bridge.progress.connect(lambda _p: shown.append(app.window.status.activity.text()))
    add_folders_and_wait(qtbot, app, [root], 60)
    assert any(t.startswith(("Reading files", "Understanding text")) for t in shown), shown
    qtbot.waitUntil(lambda: app.window.status.activity.text() == "60 files by content")


def test_first_run_without_folders_offers_to_pick_some(qtbot, make_app) -> None:
    """With no folders, the window shows the empty state with its two offers."""
    app = make_app()
    qtbot.waitUntil(lambda: app.window.pages.currentWidget() is app.window.empty)
    qtbot.waitUntil(lambda: "No folders" in app.window.status.activity.text())


def test_find_similar_lists_other_files(qtbot, indexed) -> None:
    """ "Find similar files" answers with files like the chosen one, itself excluded."""
    app, root = indexed
    kitten = str(root / "pets/kitten.md")
    with qtbot.waitSignal(app.controller.results_changed, timeout=60_000):
        app.window.find_similar(kitten)
    hits = [app.window.model.hit(r) for r in range(app.window.model.rowCount())]
    paths = [h.path for h in hits if h is not None]
    assert paths[0] == str(root / "pets/puppy.md") and kitten not in paths


def test_progress_text_says_when_a_new_models_index_is_built() -> None:
    """A rebuild's progress is labelled "New model"; a rate is shown once there is one."""
    assert progress_text(Progress("embedding", 0, 7, new_model="m")) == (
        "New model: understanding text 0 / 7"
    )
    assert progress_text(Progress("extracting", 5, 10, 2.0)) == (
        "Reading files 5 / 10 · 2 files/s · 2s left"
    )


class NoHandlerDesktop(RecordingDesktop):
    """A desktop where no application opens files and no file manager runs."""

    def open(self, path: str) -> bool:
        super().open(path)
        return False

    def reveal(self, path: str) -> bool:
        super().reveal(path)
        return False


def results_paths(app: App) -> list[str]:
    hits = [app.window.model.hit(r) for r in range(app.window.model.rowCount())]
    return [h.path for h in hits if h is not None]


def test_similar_files_end_with_esc_the_close_button_and_filters(qtbot, indexed) -> None:
    """ "Files similar to …" shows a ✕; Esc, ✕ or a filter go back (typing steers)."""
    app, root = indexed
    window = app.window
    type_query(qtbot, app, "bread")
    searched = results_paths(app)
    kitten = str(root / "pets/kitten.md")

    def similar() -> None:
        with qtbot.waitSignal(app.controller.results_changed, timeout=60_000):
            window.find_similar(kitten)
        assert not window.similar_banner.isHidden()
        assert window.similar_banner.text.text() == "Files similar to kitten.md"
        assert results_paths(app) != searched

    similar()
    with qtbot.waitSignal(app.controller.results_changed, timeout=60_000):
        qtbot.keyClick(window.search, Qt.Key.Key_Escape)
    assert window.similar_banner.isHidden() and window.search.text() == "bread"
    assert results_paths(app) == searched
    similar()
    with qtbot.waitSignal(app.controller.results_changed, timeout=60_000):
        qtbot.mouseClick(window.similar_banner.close_button, Qt.MouseButton.LeftButton)
    assert window.similar_banner.isHidden() and results_paths(app) == searched
    similar()
    window.filters.type_box.setCurrentText("Text and notes")
    assert window.similar_banner.isHidden() and window.search.text() == "bread"


def test_typing_after_find_similar_steers_the_list(qtbot, indexed) -> None:
    """After "Find similar files" the empty field hints at steering; typing asks the
    worker again (about the text; "-word" away from it) and the banner says so; Esc
    goes back to the search as it was."""
    app, root = indexed
    window = app.window
    type_query(qtbot, app, "bread")
    searched = results_paths(app)
    placeholder = window.search.placeholderText()
    kitten = str(root / "pets/kitten.md")
    with qtbot.waitSignal(app.controller.results_changed, timeout=60_000):
        window.find_similar(kitten)
    bread = str(root / "kitchen/bread.md")
    plain = results_paths(app)
    assert plain[0] == str(root / "pets/puppy.md")
    assert window.search.text() == "" and "about" in window.search.placeholderText()
    with qtbot.waitSignal(app.controller.results_changed, timeout=60_000):
        qtbot.keyClicks(window.search, "baking bread")
    assert window.similar_banner.text.text() == "Files similar to kitten.md, about “baking bread”"
    steered = results_paths(app)
    assert steered.index(bread) < (plain.index(bread) if bread in plain else len(plain))
    assert kitten not in steered
    with qtbot.waitSignal(app.controller.results_changed, timeout=60_000):
        qtbot.keyClicks(window.search, " -vet")
    banner = "Files similar to kitten.md, about “baking bread”, not “vet”"
    assert window.similar_banner.text.text() == banner
    with qtbot.waitSignal(app.controller.results_changed, timeout=60_000):
        qtbot.keyClick(window.search, Qt.Key.Key_Escape)
    assert window.similar_banner.isHidden() and window.search.text() == "bread"
    assert window.search.placeholderText() == placeholder
    assert results_paths(app) == searched


def test_open_and_reveal_without_a_handler_say_so_and_offer_the_path(
    qtbot, make_app, tmp_path: Path
) -> None:
    """When the desktop cannot open or show a file, the window says so; Copy path works."""
    root = tmp_path / "files"
    write(root / "notes/plumber.txt", "The plumber comes on Monday.")
    app = make_app()
    app.window.desktop = NoHandlerDesktop()
    add_folders_and_wait(qtbot, app, [root], 1)
    type_query(qtbot, app, "plumber")
    window = app.window
    qtbot.keyClick(window.search, Qt.Key.Key_Return)
    assert not window.notice.isHidden()
    assert window.notice.text.text().startswith("No application on this computer opens plumber.txt")
    assert window.notice.action.text() == "Copy path"
    qtbot.mouseClick(window.notice.action, Qt.MouseButton.LeftButton)
    assert QGuiApplication.clipboard().text() == str(root / "notes/plumber.txt")
    assert window.notice.isHidden() and window.status.currentMessage() == "Path copied"
    qtbot.keyClick(window.search, Qt.Key.Key_Return, Qt.KeyboardModifier.ControlModifier)
    assert window.notice.text.text().startswith("No file manager could show the folder")


def test_a_failed_files_preview_and_the_failures_box_give_its_reason(
    qtbot, make_app, tmp_path: Path
) -> None:
    """A file that could not be read shows why in the preview; one failure is "1 file"."""
    root = tmp_path / "files"
    (root / "scans").mkdir(parents=True)
    (root / "scans/broken-invoice.pdf").write_bytes(b"%PDF-1.7 truncated garbage")
    write(root / "notes/plumber.txt", "The plumber comes on Monday.")
    app = make_app()
    add_folders_and_wait(qtbot, app, [root], 2)
    window = app.window
    qtbot.waitUntil(lambda: len(window._failures) == 1, timeout=60_000)
    reason = window._failures[0][1]
    type_query(qtbot, app, "broken-invoice.pdf plumber")
    pdf = window.model.row_of(str(root / "scans/broken-invoice.pdf"))
    note = window.model.row_of(str(root / "notes/plumber.txt"))
    assert pdf is not None and note is not None
    window.results.setCurrentIndex(window.model.index(note))  # a passage, marked
    qtbot.waitUntil(lambda: "Monday" in window.preview.toPlainText())
    window.results.setCurrentIndex(window.model.index(pdf))
    qtbot.waitUntil(lambda: reason in window.preview.toPlainText())
    unmarked = QTextCursor(window.preview.document()).charFormat().background().style()
    assert unmarked == Qt.BrushStyle.NoBrush  # the passage's mark is not carried over
    assert "could not read this file" in window.preview.toPlainText()
    assert "indexed by name only" not in window.preview.toPlainText()
    window.show_failures()
    box = window.findChild(QMessageBox)
    assert box is not None
    assert box.text() == "1 file could not be read; it is found by its name only."


def test_pause_is_offered_only_when_there_is_something_to_index(
    qtbot, make_app, tmp_path: Path
) -> None:
    """With no folders the status bar offers no Pause; once a folder indexes, it does."""
    app = make_app()
    qtbot.waitUntil(lambda: "No folders" in app.window.status.activity.text())
    assert app.window.status.pause.isHidden()
    root = tmp_path / "files"
    write(root / "a.txt", "A note about the kitten.")
    add_folders_and_wait(qtbot, app, [root], 1)
    assert not app.window.status.pause.isHidden()


def test_the_context_menu_shows_the_keys_of_its_actions(qtbot, indexed) -> None:
    """Open, Show in folder and Copy path show Enter, Ctrl+Enter and Ctrl+C; Copy path
    says "Path copied"."""
    app, _root = indexed
    type_query(qtbot, app, "kitten")
    hit = app.window.selected()
    assert hit is not None
    menu = app.window.context_menu(hit)
    keys = {a.text(): a.shortcut().toString() for a in menu.actions()}
    assert keys == {
        "Open": "Return",
        "Show in folder": "Ctrl+Return",
        "Copy path": "Ctrl+C",
        "Find similar files": "",
    }
    assert all(a.isShortcutVisibleInContextMenu() for a in menu.actions())
    next(a for a in menu.actions() if a.text() == "Copy path").trigger()
    assert app.window.status.currentMessage() == "Path copied"
    assert QGuiApplication.clipboard().text() == hit.path


def test_every_control_is_reachable_by_tab_and_named(qtbot, indexed) -> None:
    """Tab from the search field visits every visible control, each with a name a
    screen reader can say (its text or an accessible name)."""
    app, _root = indexed
    window = app.window
    window.show()
    qtbot.waitExposed(window)
    type_query(qtbot, app, "kitten")
    focusable = {
        w
        for w in window.findChildren(QWidget)
        if w.isVisibleTo(window) and w.focusPolicy() & Qt.FocusPolicy.TabFocus
    }
    reached, widget = set(), window.search
    for _ in range(len(focusable) + 5):
        reached.add(widget)
        widget = widget.nextInFocusChain()
        while not (widget.isVisibleTo(window) and widget.focusPolicy() & Qt.FocusPolicy.TabFocus):
            widget = widget.nextInFocusChain()
    assert focusable <= reached
    unnamed = [
        type(w).__name__
        for w in focusable
        if not (w.accessibleName() or getattr(w, "text", lambda: "")())
    ]
    assert unnamed == []
