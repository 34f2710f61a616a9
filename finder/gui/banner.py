"""A strip above the results: one line of text, an optional action, and a ✕ to close.

The window uses one for "Files similar to …" (a mode with a visible way back) and one
for notices a person can act on ("No application opens this file" with Copy path).
GUI thread only.
"""

from __future__ import annotations

from PySide6.QtCore import Signal
from PySide6.QtWidgets import QFrame, QHBoxLayout, QPushButton, QToolButton, QWidget

from finder.gui.plain_text import plain_label


class Banner(QFrame):
    """Hidden until :meth:`show_text`; ``closed`` fires on ✕, ``acted`` on the action."""

    closed = Signal()
    acted = Signal()

    def __init__(self, close_tip: str, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self.setFrameShape(QFrame.Shape.StyledPanel)
        self.setAutoFillBackground(True)
        self.setBackgroundRole(self.palette().ColorRole.AlternateBase)
        self.text = plain_label()  # shows file names: never rich text
        self.text.setWordWrap(True)
        self.action = QPushButton()
        self.action.hide()
        self.action.clicked.connect(self.acted)
        self.close_button = QToolButton()
        self.close_button.setText("✕")
        self.close_button.setAutoRaise(True)
        self.close_button.setToolTip(close_tip)
        self.close_button.setAccessibleName(close_tip)
        self.close_button.clicked.connect(self.dismiss)
        layout = QHBoxLayout(self)
        layout.setContentsMargins(8, 2, 2, 2)
        layout.addWidget(self.text, 1)
        layout.addWidget(self.action)
        layout.addWidget(self.close_button)
        self.hide()

    def show_text(self, text: str, action: str = "") -> None:
        """Show ``text`` (plain), with an action button labelled ``action`` if given."""
        self.text.setText(text)
        self.action.setText(action)
        self.action.setVisible(bool(action))
        self.show()

    def dismiss(self) -> None:
        """Hide it and say so (``closed``), whether by ✕, Esc or the window."""
        if not self.isHidden():
            self.hide()
            self.closed.emit()
