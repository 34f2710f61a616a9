"""Names and text from files are shown literally: no label or tooltip renders them as HTML."""

from __future__ import annotations

from collections.abc import Callable
from pathlib import Path

from PySide6.QtGui import Qt, QTextDocument
from PySide6.QtWidgets import QLabel, QMessageBox, QTextEdit, QWidget

from finder.app import App
from finder.gui.plain_text import plain_label, tooltip
from finder.gui.results_model import HitRole
from finder.service.state import ServiceOptions
from tests.conftest import write
from tests.gui.conftest import add_folders_and_wait

HOSTILE = '<h1 style="color:red">FAKE WARNING'
ESCAPED = "&lt;h1 style=&quot;color:red&quot;&gt;FAKE WARNING"


def labels_showing(window: QWidget, needle: str) -> list[QLabel]:
    return [label for label in window.findChildren(QLabel) if needle in label.text()]


def tooltips_showing(window: QWidget, needle: str) -> list[str]:
    return [w.toolTip() for w in window.findChildren(QWidget) if needle in w.toolTip()]


def test_a_tooltip_shows_its_text_literally(qtbot) -> None:
    """tooltip() escapes the markup and forces rich text, so Qt renders what was typed."""
    text = f"{HOSTILE}\n  two spaces"
    shown = tooltip(text)
    assert Qt.mightBeRichText(shown) and ESCAPED in shown and "<h1" not in shown
    rendered = QTextDocument()
    rendered.setHtml(shown)
    assert rendered.toPlainText() == text
    label = plain_label(HOSTILE)
    assert label.textFormat() == Qt.TextFormat.PlainText and label.text() == HOSTILE


def test_hostile_names_are_plain_text_everywhere(
    qtbot, make_app: Callable[..., App], tmp_path: Path
) -> None:
    """After results, "Find similar", a polled root, a refused file and the failures box,
    every label showing a hostile name is plain text and every tooltip escapes it."""
    root = tmp_path / f"{HOSTILE} folder"
    named = root / f"{HOSTILE}.txt"
    write(named, f"{HOSTILE}</h1> Feed your kitten twice daily and book vaccinations.")
    write(root / "puppy.md", "Walk your puppy twice a day and take it to the vet.")
    broken = root / f"{HOSTILE}.pdf"
    broken.write_bytes(b"%PDF-1.4\n this is not really a pdf \x00\x01")
    app = make_app(options=ServiceOptions(quiet_s=0.2, nice=0, control=False, force_polling=True))
    window = app.window
    add_folders_and_wait(qtbot, app, [root], 3)

    with qtbot.waitSignal(app.controller.results_changed, timeout=60_000):
        qtbot.keyClicks(window.search, "kitten vaccinations")
    rows = [window.model.index(r) for r in range(window.model.rowCount())]
    ours = [i for i in rows if i.data(HitRole).path == str(named)]
    assert ours and ESCAPED in ours[0].data(Qt.ItemDataRole.ToolTipRole)
    with qtbot.waitSignal(app.controller.results_changed, timeout=60_000):
        window.find_similar(str(named))
    with qtbot.waitSignal(app.controller.problem, timeout=60_000):
        window.find_similar(str(broken))  # failed: "no meaning indexed for <name>"
    qtbot.waitUntil(lambda: "FAKE WARNING" in window.status.warning.toolTip(), timeout=30_000)
    app.controller.refresh()
    qtbot.waitUntil(lambda: not window.status.failures.isHidden(), timeout=30_000)
    window.status.failures.click()
    [box] = window.findChildren(QMessageBox)

    labels = labels_showing(window, HOSTILE)
    assert {window.similar_banner.text, window.status.activity} <= set(labels)
    assert all(label.textFormat() == Qt.TextFormat.PlainText for label in labels)
    assert box.textFormat() == Qt.TextFormat.PlainText
    [details] = box.findChildren(QTextEdit)
    assert str(broken) in details.toPlainText()
    assert tooltips_showing(window, "FAKE WARNING")
    assert all(ESCAPED in tip and "<h1" not in tip for tip in tooltips_showing(window, "FAKE"))
