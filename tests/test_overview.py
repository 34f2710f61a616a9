"""The start screen's folder list: every folder holding files, with its parents."""

from __future__ import annotations

import os
from collections.abc import Callable
from pathlib import Path

from finder.engine import IndexWriter
from finder.overview import overview, with_parents
from tests.conftest import write


def test_folders_come_with_their_parents_up_to_the_root() -> None:
    """A folder holding only sub-folders is offered too; nothing above or outside a root."""
    folders = {"/home/ana/Documents/taxes/2024", "/home/ana/Documents", "/mnt/old/x"}
    assert with_parents(folders, ["/home/ana/Documents"]) == {
        "/home/ana/Documents",
        "/home/ana/Documents/taxes",
        "/home/ana/Documents/taxes/2024",
    }


def test_recent_files_show_one_document_once(
    open_engine: Callable[..., IndexWriter], tmp_path: Path
) -> None:
    """A report saved as .txt and as .md is listed once among the recent files (the
    newer), as the results list shows it; a different file stays."""
    text = (
        "Annual report of the allotment garden society. This year the society welcomed "
        "twelve new members and planted an orchard of apple, pear and plum trees along the "
        "northern fence, and the committee thanks every volunteer."
    )
    older = write(tmp_path / "files/report.txt", text)
    os.utime(older, (1_700_000_000, 1_700_000_000))
    write(tmp_path / "files/report.md", "# " + text)
    write(tmp_path / "files/bread.md", "Knead the dough ten minutes, then let it rise.")
    engine = open_engine()
    engine.add_roots([tmp_path / "files"])
    engine.index()
    recent = [Path(path).name for path, _ in overview(engine.catalog).recent]
    assert sorted(recent) == ["bread.md", "report.md"]
