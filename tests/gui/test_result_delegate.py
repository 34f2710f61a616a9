"""Fitting a result's lines to a narrow list: the file name is the last thing shortened."""

from __future__ import annotations

from PySide6.QtGui import QFont, QFontMetrics

from finder.gui.result_delegate import name_and_badge, where_text


def test_the_badge_goes_before_the_name_is_shortened(qtbot) -> None:
    """Wide: name and badge; narrower: the whole name without badge; narrowest: elided."""
    metrics = QFontMetrics(QFont())
    name, badge = "renovation-agreement.pdf", "by meaning, by keyword"
    wide = metrics.horizontalAdvance(name + badge) + 100
    assert name_and_badge(name, badge, metrics, metrics, wide) == (name, badge)
    just_name = metrics.horizontalAdvance(name) + 2
    assert name_and_badge(name, badge, metrics, metrics, just_name) == (name, "")
    short, no_badge = name_and_badge(name, badge, metrics, metrics, just_name // 2)
    assert no_badge == "" and "…" in short and short.endswith(".pdf")


def test_the_folder_is_shortened_before_the_date(qtbot) -> None:
    """A long folder is elided in the middle; the date after it stays whole."""
    metrics = QFontMetrics(QFont())
    folder = "~/Documents/" + "/".join(f"level-{n}" for n in range(20)) + "/taxes"
    when = "2024-03-01 14:05"
    text = where_text(metrics, folder, when, metrics.horizontalAdvance("x" * 50))
    assert text.startswith("~/Doc") and "…" in text and text.endswith(" · " + when)
