"""The guard against PySide6's reference leak on True (exit 134 on quit, bool_dealloc)."""

from __future__ import annotations

import os
import subprocess
import sys

from finder.gui.bool_refcounts import emit_leaks_true, guard_bool_refcounts

# Emits more signals than True has references, then lets the interpreter finalise.
MANY_EMITS = """
import sys
from PySide6.QtCore import QObject, Signal
from finder.gui.bool_refcounts import guard_bool_refcounts

class Source(QObject):
    ping = Signal(int, object, bool)

emits = 2 * sys.getrefcount(True) + 1000
guard_bool_refcounts()
source = Source()
for n in range(emits):
    source.ping.emit(n, None, False)
print("done")
"""


def test_a_process_survives_more_emits_than_true_has_references() -> None:
    """With the guard, thousands of emits and the interpreter's finalisation exit 0."""
    done = subprocess.run(
        [sys.executable, "-c", MANY_EMITS],
        capture_output=True,
        text=True,
        timeout=120,
        env={**os.environ, "QT_QPA_PLATFORM": "offscreen"},
    )
    assert (done.returncode, done.stdout.strip()) == (0, "done"), done.stderr
    assert "Fatal Python error" not in done.stderr


def test_once_guarded_no_leak_can_reach_zero() -> None:
    """After the guard, True has more references than any session could leak."""
    if guard_bool_refcounts():
        assert sys.getrefcount(True) > 1 << 40
    else:  # this PySide6 (or Python) has no leak to guard against
        assert not emit_leaks_true()
