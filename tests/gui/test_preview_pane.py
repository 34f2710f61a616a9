"""The preview pane: the query's words marked in the passage, the first one in view."""

from __future__ import annotations

from collections.abc import Callable
from pathlib import Path

from PySide6.QtGui import QColor, QPalette, QTextCursor

from finder.app import App
from finder.gui.preview_pane import PreviewPane
from finder.gui.result_delegate import mark_background
from finder.preview import join_chunks
from finder.store.rows import PassageChunk
from tests.conftest import write
from tests.gui.conftest import add_folders_and_wait

AGREEMENT = "The plumber agreed to replace the kitchen pipes and the boiler for 1200 euros."


def background_at(pane: PreviewPane, position: int) -> QColor:
    """The background of the character just after ``position``."""
    cursor = QTextCursor(pane.document())
    cursor.setPosition(position + 1)  # a cursor's format is that of the char before it
    return cursor.charFormat().background().color()


def test_the_preview_marks_the_query_words_and_not_the_rest(
    qtbot, make_app: Callable[..., App], tmp_path: Path
) -> None:
    """A keyword hit's preview marks the query's words in bold, the passage's others not."""
    root = tmp_path / "files"
    write(root / "quotes/agreement.txt", AGREEMENT)
    write(root / "kitchen/bread.md", "Knead the dough ten minutes, let it rise, then bake.")
    app = make_app()
    add_folders_and_wait(qtbot, app, [root], 2)
    with qtbot.waitSignal(
        app.controller.results_changed, timeout=60_000, check_params_cb=lambda _h, m, _a: m
    ):
        qtbot.keyClicks(app.window.search, "boiler pipes")
    hit = app.window.model.hit(0)
    assert hit is not None and hit.path == str(root / "quotes/agreement.txt")
    assert set(hit.terms) == {"boiler", "pipes"}
    pane = app.window.preview
    qtbot.waitUntil(lambda: "plumber agreed" in pane.toPlainText())
    assert pane.marked_words() == ["pipes", "boiler"]
    text = pane.toPlainText()
    marked = mark_background(pane.palette())
    assert background_at(pane, text.index("boiler")) == marked
    assert background_at(pane, text.index("plumber")) != marked  # the chunk, faintly


def test_a_long_passage_scrolls_to_its_first_marked_word(qtbot) -> None:
    """Deep in a long passage, the first marked word of the matched chunk is in view."""
    filler = "\n".join(f"Line {n} of the keeper's log, nothing to report." for n in range(80))
    match = "At dawn the lighthouse lamp failed and a ship ran aground."
    after = "The inspector came by boat the following week."
    texts = [filler, match, after]
    chunks, start = [], 0
    for n, text in enumerate(texts, 1):
        chunks.append(PassageChunk(n, None, start, start + len(text), text))
        start += len(text) + 2
    passage = join_chunks("/log.txt", chunks, matched_id=2)
    pane = PreviewPane()
    qtbot.addWidget(pane)
    pane.resize(400, 200)
    pane.show()
    qtbot.waitExposed(pane)
    pane.expect(("lighthouse", "ship"))
    pane.show_passage(passage)
    assert pane.marked_words() == ["lighthouse", "ship"]
    assert pane.verticalScrollBar().value() > 0
    cursor = QTextCursor(pane.document())
    cursor.setPosition(pane.toPlainText().index("lighthouse"))
    assert pane.viewport().rect().contains(pane.cursorRect(cursor))


def test_a_new_palette_retints_the_marks(qtbot) -> None:
    """Switching to a dark palette re-colours the shown marks from it, so they stay readable."""
    passage = join_chunks("/a.txt", [PassageChunk(1, None, 0, 20, "Reset the boiler now")], 1)
    pane = PreviewPane()
    qtbot.addWidget(pane)
    pane.expect(("boiler",))
    pane.show_passage(passage)
    dark = QPalette(pane.palette())
    dark.setColor(QPalette.ColorRole.Base, QColor("#1e1e1e"))
    dark.setColor(QPalette.ColorRole.Highlight, QColor("#3d7fc4"))
    pane.setPalette(dark)
    assert background_at(pane, passage.text.index("boiler")) == mark_background(dark)
