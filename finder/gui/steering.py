"""Steering "Files similar to …" by typing: "like this, but about X" in the window.

While the window shows files similar to one file, the search field steers the list
instead of starting a new search: what is typed is the "about" text; a word written
``-word``, or everything after ``not:``, is the text to steer away from. The field's
placeholder says so, so a person finds it; the banner shows what steers the list.
The field's own text and placeholder are kept and given back when the mode ends.

GUI thread only.
"""

from __future__ import annotations

import os

from PySide6.QtWidgets import QLineEdit

from finder.gui.banner import Banner

HINT = "Like this, but about… (type to steer; -word or not: … steers away)"


def parse_steering(text: str) -> tuple[str, str]:
    """(about, avoid) from what is typed: ``-word`` words and all after ``not:`` avoid."""
    about: list[str] = []
    avoid: list[str] = []
    words = text.split()
    for n, word in enumerate(words):
        if word.lower().startswith("not:"):
            rest = [word[4:], *words[n + 1 :]]
            avoid.extend(w for w in rest if w)
            break
        if word.startswith("-") and len(word) > 1:
            avoid.append(word[1:])
        else:
            about.append(word)
    return " ".join(about), " ".join(avoid)


def banner_text(path: str, about: str, avoid: str) -> str:
    """E.g. ``Files similar to cake.docx, about “vegan”, not “nuts”``."""
    text = f"Files similar to {os.path.basename(path)}"
    if about:
        text += f", about “{about}”"
    if avoid:
        text += f", not “{avoid}”"
    return text


class Steering:
    """The "Files similar to …" mode's hold on the search field and the banner."""

    def __init__(self, field: QLineEdit, banner: Banner) -> None:
        self.field = field
        self.banner = banner
        self.path: str | None = None
        self._kept = ("", "")  # the field's text and placeholder before the mode

    def start(self, path: str) -> None:
        """Enter the mode for ``path``: the field empties (quietly) and hints at steering."""
        if self.path is None:
            self._kept = (self.field.text(), self.field.placeholderText())
        self.path = path
        self._set_text("")
        self.field.setPlaceholderText(HINT)
        self.banner.show_text(banner_text(path, "", ""))

    def steer(self) -> tuple[str, str, str]:
        """(path, about, avoid) for what is typed now; the banner says it."""
        assert self.path is not None, "steer() outside the similar-files mode"
        about, avoid = parse_steering(self.field.text())
        self.banner.show_text(banner_text(self.path, about, avoid))
        return self.path, about, avoid

    def stop(self) -> None:
        """Leave the mode: the field gets its text and placeholder back (quietly)."""
        if self.path is not None:
            self.path = None
            self._set_text(self._kept[0])
            self.field.setPlaceholderText(self._kept[1])

    def _set_text(self, text: str) -> None:
        # Quietly: this is the mode's own change, not the person typing.
        blocked = self.field.blockSignals(True)
        try:
            self.field.setText(text)
        finally:
            self.field.blockSignals(blocked)
