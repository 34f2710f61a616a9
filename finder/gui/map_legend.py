"""The map's legend: the topics, each with its colour, label words and size.

GUI thread only. Choosing a topic (click, or Enter on it) says ``topic_chosen`` with its
id; the first row, "All topics", says it with None. The label words are shown as text
(a topic's words come from file contents), never as markup.
"""

from __future__ import annotations

from PySide6.QtCore import QSize, Qt, Signal
from PySide6.QtGui import QColor, QIcon, QPixmap
from PySide6.QtWidgets import QListWidget, QListWidgetItem, QWidget

from finder.explore.file_map import Topic
from finder.gui.map_paint import topic_colour
from finder.gui.plain_text import tooltip

TOPIC_ROLE = Qt.ItemDataRole.UserRole + 1  # the topic id of a row (-2: all topics)
ALL = -2


def swatch(colour: QColor, size: int = 12) -> QIcon:
    pixmap = QPixmap(size, size)
    pixmap.fill(colour)
    return QIcon(pixmap)


class MapLegend(QListWidget):
    """The topics, largest first; one can be chosen (or none)."""

    topic_chosen = Signal(object)  # int | None

    def __init__(self, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self.setAccessibleName("Topics")
        self.setIconSize(QSize(12, 12))
        self.setUniformItemSizes(True)
        self.setTextElideMode(Qt.TextElideMode.ElideRight)
        self.itemClicked.connect(self._clicked)
        self.itemActivated.connect(self._clicked)  # Enter on a row, too
        self._topics: tuple[Topic, ...] = ()

    def set_topics(self, topics: tuple[Topic, ...], total: int) -> None:
        """List ``topics`` (``total``: files on the map), keeping the chosen one."""
        chosen = self.chosen()
        self._topics = topics
        self.blockSignals(True)
        self.clear()
        everything = QListWidgetItem(f"All topics ({total:,} files)")
        everything.setData(TOPIC_ROLE, ALL)
        self.addItem(everything)
        for topic in sorted(topics, key=lambda t: -t.size):
            item = QListWidgetItem(
                swatch(topic_colour(topic.id)), f"{topic.label} ({topic.size:,})"
            )
            item.setData(TOPIC_ROLE, topic.id)
            item.setToolTip(tooltip(f"Topic {topic.id}: {', '.join(topic.words)}"))
            self.addItem(item)
        self.show_chosen(chosen)
        self.blockSignals(False)

    def chosen(self) -> int | None:
        item = self.currentItem()
        value = item.data(TOPIC_ROLE) if item is not None else ALL
        return None if value in (ALL, None) else int(value)

    def show_chosen(self, topic: int | None) -> None:
        """Mark ``topic`` (None: all topics) without saying ``topic_chosen``."""
        wanted = ALL if topic is None else topic
        for row in range(self.count()):
            item = self.item(row)
            if item is not None and item.data(TOPIC_ROLE) == wanted:
                blocked = self.blockSignals(True)
                self.setCurrentRow(row)
                self.blockSignals(blocked)
                return

    def row_of(self, topic: int | None) -> int | None:
        wanted = ALL if topic is None else topic
        return next(
            (r for r in range(self.count()) if self.item(r).data(TOPIC_ROLE) == wanted), None
        )

    def _clicked(self, item: QListWidgetItem) -> None:
        value = item.data(TOPIC_ROLE)
        self.topic_chosen.emit(None if value == ALL else int(value))
