"""Strong matches apart from related ones, "No file matches well", and one row per
document found in several formats."""

from __future__ import annotations

import textwrap
from collections.abc import Callable
from pathlib import Path

import pytest
from PySide6.QtCore import Qt
from reportlab.lib.pagesizes import A4
from reportlab.pdfgen import canvas

from finder.app import App
from finder.evidence import STRONG
from finder.gui.results_model import NO_GOOD_MATCH, RELATED, VariantsRole
from tests.conftest import write
from tests.extract.test_office import make_docx
from tests.gui.conftest import add_folders_and_wait
from tests.gui.test_main_window import CORPUS, type_query

REPORT = (
    "Annual report of the allotment garden society. This year the society welcomed twelve "
    "new members and planted an orchard of apple, pear and plum trees along the northern "
    "fence. The water supply was renewed after the old pipes froze in February, and the "
    "committee thanks every volunteer who dug trenches on the spring work days. Membership "
    "fees stay at forty euros; the harvest festival raised 620 euros for new tools."
)


@pytest.fixture
def indexed(qtbot, make_app: Callable[..., App], tmp_path: Path) -> tuple[App, Path]:
    """The window over the main window tests' corpus plus one report as PDF and DOCX."""
    root = tmp_path / "files"
    for rel, text in CORPUS.items():
        write(root / rel, text)
    (root / "garden").mkdir()
    pdf = canvas.Canvas(str(root / "garden/report.pdf"), pagesize=A4)
    pdf.drawString(72, 800, "Annual report")
    for n, line in enumerate(textwrap.wrap(REPORT, 80)):  # PDF lines break elsewhere
        pdf.drawString(72, 780 - 14 * n, line)
    pdf.drawString(290, 40, "1")  # and a page number
    pdf.showPage()
    pdf.save()
    make_docx(
        root / "garden/report.docx",
        f"<w:p><w:r><w:t>Annual report</w:t></w:r></w:p><w:p><w:r><w:t>{REPORT}</w:t></w:r></w:p>",
    )
    write(root / "garden/minutes.txt", "Minutes: the society agreed to buy a new lawn mower.")
    app = make_app()
    add_folders_and_wait(qtbot, app, [root], len(CORPUS) + 3)
    return app, root


def confidences(app: App) -> list[float]:
    model = app.window.model
    return [h.confidence or 0.0 for r in range(model.rowCount()) if (h := model.hit(r))]


def test_strong_matches_come_first_and_the_rest_under_related(qtbot, indexed) -> None:
    """ "kitten": the kitten note is strong and first; the others follow under
    "Related", and the heading is painted without error."""
    app, root = indexed
    window = app.window
    window.show()
    type_query(qtbot, app, "kitten")
    first = window.model.hit(0)
    assert first is not None and first.path == str(root / "pets/kitten.md")
    found = confidences(app)
    strong = sum(c >= STRONG for c in found)
    assert strong >= 1 and all(c >= STRONG for c in found[:strong])
    assert window.model.headings() == ([(strong, RELATED)] if strong < len(found) else [])
    assert not window.results.grab().isNull()


def test_a_nonsense_query_says_no_file_matches_well(qtbot, indexed) -> None:
    """ "xqzvbnmkw": no hit is strong, and the list opens with "No file matches well"."""
    app, _root = indexed
    type_query(qtbot, app, "xqzvbnmkw")
    assert app.window.model.rowCount() > 0 and all(c < STRONG for c in confidences(app))
    assert app.window.model.headings() == [(0, NO_GOOD_MATCH)]


def test_an_empty_answer_says_no_file_matches(qtbot, indexed) -> None:
    """A query nothing can satisfy leaves a sentence in the list, not a blank."""
    app, _root = indexed
    type_query(qtbot, app, "kitten ext:xyz")
    assert app.window.model.rowCount() == 0
    assert app.window.results.placeholder == "No file matches “kitten ext:xyz”"


def test_a_document_in_two_formats_is_one_result_with_its_variant(qtbot, indexed) -> None:
    """report.pdf and report.docx with the same text: one row, "also as" the other, and
    the context menu opens the other format."""
    app, root = indexed
    window = app.window
    type_query(qtbot, app, "allotment garden society annual report orchard")
    paths = [h.path for r in range(window.model.rowCount()) if (h := window.model.hit(r))]
    pdf, docx = str(root / "garden/report.pdf"), str(root / "garden/report.docx")
    assert (pdf in paths) != (docx in paths)  # one of them shown, not both
    row = window.model.row_of(pdf)
    assert row is not None and row == window.model.row_of(docx)
    [variant] = window.model.index(row).data(VariantsRole)
    shown = window.model.hit(row)
    assert shown is not None and {shown.path, variant.path} == {pdf, docx}
    window.results.setCurrentIndex(window.model.index(row))
    menu = window.context_menu(shown)
    other = next(a for a in menu.actions() if a.text() == f"Open {Path(variant.path).name}")
    other.trigger()
    assert window.desktop.opened == [variant.path]  # type: ignore[attr-defined]
    said = window.model.index(row).data(Qt.ItemDataRole.AccessibleTextRole)
    assert f"also as {Path(variant.path).name}" in said
