"""The start screen's folder list: every folder holding files, with its parents."""

from __future__ import annotations

from finder.overview import with_parents


def test_folders_come_with_their_parents_up_to_the_root() -> None:
    """A folder holding only sub-folders is offered too; nothing above or outside a root."""
    folders = {"/home/ana/Documents/taxes/2024", "/home/ana/Documents", "/mnt/old/x"}
    assert with_parents(folders, ["/home/ana/Documents"]) == {
        "/home/ana/Documents",
        "/home/ana/Documents/taxes",
        "/home/ana/Documents/taxes/2024",
    }
