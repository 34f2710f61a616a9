"""A screenshot of the duplicates view over a small real index (offscreen grab).

    QT_QPA_PLATFORM=offscreen HF_HUB_OFFLINE=1 .venv/bin/python \\
        tests/gui/take_duplicates_screenshot.py resources/screenshots/duplicates.png

Indexes a demo home folder (minutes as PDF, DOCX and text; a garden plan, its edited
version, an older draft and a backup copy; two letters from one template; unrelated
notes) with the real model into a temp data dir and grabs the dialog. Not a test.
"""

from __future__ import annotations

import os
import random
import shutil
import sys
import tempfile
import time
from pathlib import Path

from tests.conftest import write
from tests.explore.planting import edit, template_letter, write_format
from tests.explore.test_duplicates import BODIES, GARDEN, REPORT

DAY = 86_400


def demo(home: Path) -> None:
    now = time.time()
    docs = home / "Documents"
    write_format(docs / "Village hall/minutes October.pdf", "Hall committee minutes", REPORT)
    write_format(docs / "Village hall/minutes October.docx", "Hall committee minutes", REPORT)
    write_format(home / "Downloads/minutes October.txt", "Hall committee minutes", REPORT)
    rng = random.Random(7)
    write(docs / "Garden/allotment plan.txt", GARDEN)
    write(docs / "Garden/allotment plan v2.txt", edit(GARDEN, 0.08, rng))
    write(home / "Desktop/plan draft.txt", edit(GARDEN, 0.18, rng))
    (home / "Backup").mkdir()
    shutil.copyfile(docs / "Garden/allotment plan.txt", home / "Backup/allotment plan.txt")
    write(docs / "Letters/council bins.txt", template_letter(BODIES[0], 3))
    write(docs / "Letters/boiler complaint.txt", template_letter(BODIES[1], 9))
    write(docs / "notes.txt", "Buy milk, eggs and a new bicycle pump on the way home.")
    ages = {
        "Documents/Village hall/minutes October.pdf": 40,
        "Documents/Village hall/minutes October.docx": 41,
        "Downloads/minutes October.txt": 12,
        "Documents/Garden/allotment plan.txt": 120,
        "Documents/Garden/allotment plan v2.txt": 3,
        "Desktop/plan draft.txt": 60,
        "Backup/allotment plan.txt": 90,
    }
    for rel, days in ages.items():
        os.utime(home / rel, (now - days * DAY, now - days * DAY))


def main(out: Path) -> None:
    tmp = Path(tempfile.mkdtemp(prefix="dups-shot-"))
    home = tmp / "home"
    os.environ["HOME"] = str(home)  # folders shown as ~/…
    demo(home)
    from PySide6.QtWidgets import QApplication

    from finder.engine import IndexWriter
    from finder.gui.desktop import Desktop
    from finder.gui.duplicates_view import DuplicatesDialog

    with IndexWriter.open(tmp / "data", config_dir=tmp / "config") as writer:
        writer.add_roots([home])
        writer.index()
    app = QApplication([])
    dialog = DuplicatesDialog(tmp / "data", None, Desktop())
    dialog.resize(980, 420)
    dialog.show()
    deadline = time.monotonic() + 60
    while dialog.thread_.isRunning() or not dialog.tree.topLevelItemCount():
        app.processEvents()
        if time.monotonic() > deadline:
            raise SystemExit("no groups within 60 s")
    for _ in range(20):
        app.processEvents()
    out.parent.mkdir(parents=True, exist_ok=True)
    dialog.grab().save(str(out))
    print(f"saved {out}")
    dialog.close()
    app.processEvents()
    shutil.rmtree(tmp)


if __name__ == "__main__":
    main(Path(sys.argv[1]))
