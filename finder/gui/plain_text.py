"""Text from files and folders shown as text, never as HTML.

A file may be named ``<h1 style="color:red">FAKE WARNING``: Qt guesses that a label's or
a tooltip's text is rich text when it looks like HTML (``Qt::mightBeRichText``), so a
name shown as is could draw a fake warning, a link or an image in the window. Every
label that can show a name or a message is made with :func:`plain_label`, every tooltip
text goes through :func:`tooltip`, every message box with :func:`plain_message_box`.
GUI thread only.
"""

from __future__ import annotations

import html

from PySide6.QtCore import Qt
from PySide6.QtWidgets import QLabel, QMessageBox, QWidget


def plain_label(text: str = "", parent: QWidget | None = None) -> QLabel:
    """A label that shows its text literally, whatever it contains."""
    label = QLabel(parent)
    label.setTextFormat(Qt.TextFormat.PlainText)
    label.setText(text)
    return label


def tooltip(text: str) -> str:
    """``text`` as a tooltip that shows it literally, line breaks and spaces kept.

    Tooltips have no text format of their own: the text is escaped and wrapped in a
    paragraph, so Qt always takes it as rich text and shows the escaped name as typed.
    """
    return f"<p style='white-space:pre'>{html.escape(text)}</p>"


def plain_message_box(
    parent: QWidget, title: str, text: str, icon: QMessageBox.Icon = QMessageBox.Icon.NoIcon
) -> QMessageBox:
    """A message box (not yet shown) whose text is plain; its details always are."""
    box = QMessageBox(parent)
    box.setIcon(icon)
    box.setWindowTitle(title)
    box.setTextFormat(Qt.TextFormat.PlainText)
    box.setText(text)
    return box
