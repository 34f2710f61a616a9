"""What the status bar says about the index when nothing runs."""

from __future__ import annotations

from finder.domain import Status
from finder.gui.status_bar import idle_text, plural


def status(ok: int, name_only: int = 0, failed: int = 0) -> Status:
    return Status("/d", ("/r",), "m", ok, 0, failed, name_only, ok, ok, 0)


def test_the_idle_text_says_how_files_can_be_found() -> None:
    """'130 files by content, 19 by name only'; 'by name only' only when there are some."""
    assert idle_text(status(130, 19, 1)) == "130 files by content, 19 by name only"
    assert idle_text(status(1)) == "1 file by content"


def test_counts_are_singular_for_one() -> None:
    """1 file, 2 files, 1,200 files."""
    assert [plural(n, "file") for n in (1, 2, 1200)] == ["1 file", "2 files", "1,200 files"]
