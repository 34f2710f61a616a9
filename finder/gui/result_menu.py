"""The actions on one result (the list's right click, the map's): the same menu for both.

GUI thread only. The actions call back into the window (open, show in folder, copy the
path, find similar files); the keys shown next to them work through the window's key
handling, not through the menu.
"""

from __future__ import annotations

import os
from collections.abc import Callable, Sequence

from PySide6.QtCore import Qt
from PySide6.QtGui import QAction, QKeySequence
from PySide6.QtWidgets import QMenu, QWidget

from finder.domain import SearchHit


def result_menu(
    parent: QWidget,
    hit: SearchHit,
    variants: Sequence[SearchHit],
    *,
    open_path: Callable[[str], None],
    reveal: Callable[[str], None],
    copy_path: Callable[[str], None],
    find_similar: Callable[[str], None],
) -> QMenu:
    """A menu of what can be done with ``hit``, each with the key that does it from the
    list, then "Open …" for each of its other formats (``variants``)."""
    menu = QMenu(parent)
    for label, keys, action in (
        ("Open", QKeySequence(Qt.Key.Key_Return), open_path),
        ("Show in folder", QKeySequence("Ctrl+Return"), reveal),
        ("Copy path", QKeySequence.StandardKey.Copy, copy_path),
        ("Find similar files", QKeySequence(), find_similar),
    ):
        item = QAction(label, menu)
        item.setShortcut(QKeySequence(keys))  # shown; the keys work through eventFilter
        item.setShortcutVisibleInContextMenu(True)
        item.triggered.connect(lambda _c=False, act=action: act(hit.path))
        menu.addAction(item)
    for variant in variants:
        other = menu.addAction(f"Open {os.path.basename(variant.path)}")  # other format
        other.triggered.connect(lambda _c=False, p=variant.path: open_path(p))
    return menu
