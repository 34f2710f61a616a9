"""The PySide6 finder installs emits signals without leaking references (exit 134 on quit)."""

from __future__ import annotations

import os
import subprocess
import sys

# Emits more signals than True has references, then lets the interpreter finalise:
# PySide6 6.12's emit() took a reference from True at every call and this aborted.
MANY_EMITS = """
import sys
from PySide6.QtCore import QObject, Signal

class Source(QObject):
    ping = Signal(int, object, bool)

source = Source()
for n in range(2 * sys.getrefcount(True) + 1000):
    source.ping.emit(n, None, False)
print("done")
"""


def test_a_process_survives_more_emits_than_true_has_references() -> None:
    """Thousands of emits, then the interpreter's finalisation: exit 0, no fatal error."""
    done = subprocess.run(
        [sys.executable, "-c", MANY_EMITS],
        capture_output=True,
        text=True,
        timeout=120,
        env={**os.environ, "QT_QPA_PLATFORM": "offscreen"},
    )
    assert (done.returncode, done.stdout.strip()) == (0, "done"), done.stderr
    assert "Fatal Python error" not in done.stderr
