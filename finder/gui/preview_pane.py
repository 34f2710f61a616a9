"""The preview pane: the passage that matched, in its context, with the query's words
marked and the first of them scrolled into view.

The words are found by :func:`finder.snippets.term_ranges` from the hit's
``terms``, the same matching that marks them in the result list, so the preview marks
what the list marks. The matched chunk gets a faint background (where the match is),
the words a stronger one and bold type (what matched). Text is set as plain text: a
file's content is never taken as HTML. GUI thread only.
"""

from __future__ import annotations

from PySide6.QtCore import QEvent
from PySide6.QtGui import QFont, QTextCharFormat, QTextCursor
from PySide6.QtWidgets import QPlainTextEdit, QWidget

from finder.gui.result_delegate import mark_background
from finder.preview import Passage
from finder.snippets import term_ranges

# How much of the highlight colour tints the matched chunk: enough to see where it is,
# little enough that the marked words (mixed at the list's 0.35) stand out on it.
_CHUNK_MIX = 0.12


def first_mark(passage: Passage, marks: list[tuple[int, int]]) -> int:
    """Where to scroll: the first marked word of the matched chunk, else the first one
    in the context around it, else the start of the chunk (a match by meaning alone)."""
    inside = [start for start, _ in marks if passage.match_start <= start < passage.match_stop]
    if inside:
        return inside[0]
    return marks[0][0] if marks else passage.match_start


class PreviewPane(QPlainTextEdit):
    """Shows one passage, or a note saying why there is none. GUI thread only.

    :meth:`expect` is called with the selected hit's terms when its passage is asked
    for; the passage arrives later through :meth:`show_passage` (the controller drops
    stale ones, so the last terms given belong to the passage that arrives).
    """

    def __init__(self, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self.setReadOnly(True)
        self.setPlaceholderText("The passage that matched shows here.")
        self.setAccessibleName("Passage that matched")
        self._terms: tuple[str, ...] = ()
        self._shown: Passage | None = None

    def expect(self, terms: tuple[str, ...]) -> None:
        """The words to mark in the passage that comes next."""
        self._terms = terms

    def show_passage(self, passage: Passage | None) -> None:
        """Show ``passage`` with the expected words marked, the first one in view."""
        self._shown = passage
        if passage is None:
            self.clear()
            return
        self._set_plain(passage.text)
        cursor = QTextCursor(self.document())
        chunk = QTextCharFormat()
        chunk.setBackground(mark_background(self.palette(), _CHUNK_MIX))
        _merge(cursor, passage.match_start, passage.match_stop, chunk)
        marked = QTextCharFormat()
        marked.setFontWeight(QFont.Weight.Bold)
        marked.setBackground(mark_background(self.palette()))
        marks = term_ranges(passage.text, self._terms)
        for start, length in marks:
            _merge(cursor, start, start + length, marked)
        cursor.setPosition(first_mark(passage, marks))
        self.setTextCursor(cursor)
        self.centerCursor()

    def show_note(self, text: str) -> None:
        """A message in place of a passage (the file has none to show), unmarked."""
        self._shown = None
        self._set_plain(text)

    def marked_words(self) -> list[str]:
        """The words shown in bold, in order: what the pane marks (for tests and
        accessibility checks)."""
        words: list[str] = []
        end = -1  # where the last bold fragment ended: a word split in two is one
        block = self.document().begin()
        while block.isValid():
            it = block.begin()
            while not it.atEnd():
                fragment = it.fragment()
                if fragment.charFormat().fontWeight() == QFont.Weight.Bold:
                    if fragment.position() == end:
                        words[-1] += fragment.text()
                    else:
                        words.append(fragment.text())
                    end = fragment.position() + fragment.length()
                it += 1
            block = block.next()
        return words

    def changeEvent(self, event: QEvent) -> None:
        """A new palette (a switch to a dark style) re-tints the marks from it."""
        super().changeEvent(event)
        if event.type() == QEvent.Type.PaletteChange and self._shown is not None:
            self.show_passage(self._shown)

    def _set_plain(self, text: str) -> None:
        self.setCurrentCharFormat(QTextCharFormat())  # no mark carried over
        self.setPlainText(text)  # plain text: never HTML


def _merge(cursor: QTextCursor, start: int, stop: int, fmt: QTextCharFormat) -> None:
    cursor.setPosition(start)
    cursor.setPosition(stop, QTextCursor.MoveMode.KeepAnchor)
    cursor.mergeCharFormat(fmt)
