"""A guard against PySide6 6.12's reference leak on ``True``, which aborted the app on quit.

``SignalInstance.emit()`` returns ``True`` without taking a reference for it, and
``disconnect()`` does the same with ``True`` and ``None``: each call costs ``True`` one
reference that it never had. CPython 3.11's ``True`` starts with a few thousand
references (module constants, defaults), so after a few thousand emits it reaches zero
and the interpreter aborts (``Fatal Python error: bool_dealloc``, exit 134); usually
during finalisation, when modules drop their own references. A first run, which emits
a progress signal for every file it indexes, was where people met it.

:func:`guard_bool_refcounts` checks whether the running PySide6 has the leak (a few
emits on a probe signal) and, if so, gives ``True``, ``False`` and ``None`` a reserve of
references so large that no session can use it up. That is what Python 3.12 does for
every such singleton ("immortal objects"), where the leak is harmless and nothing is
changed. Call it once, on the GUI thread, before signals are emitted.
"""

from __future__ import annotations

import ctypes
import sys

from PySide6.QtCore import QObject, Signal

PROBE_EMITS = 64
RESERVE = 1 << 48  # a million emits a second would take nine years to use it up


_guarded = False  # GUI thread only


class _Probe(QObject):
    fired = Signal()


def emit_leaks_true() -> bool:
    """True if each ``Signal.emit()`` takes a reference from ``True`` in this PySide6."""
    probe = _Probe()
    before = sys.getrefcount(True)
    for _ in range(PROBE_EMITS):
        probe.fired.emit()
    # Other threads may take or drop references meanwhile: half the emits is proof.
    return before - sys.getrefcount(True) >= PROBE_EMITS // 2


def guard_bool_refcounts() -> bool:
    """Protect ``True``, ``False`` and ``None`` if the leak is present; True if they are
    (now or by an earlier call). Where the singletons are immortal (Python 3.12+, the
    free-threaded build) no leak is seen and nothing is written."""
    global _guarded
    if _guarded:
        return True
    if sys.implementation.name != "cpython" or not emit_leaks_true():
        return False
    for singleton in (True, False, None):
        # ob_refcnt is the first field of every CPython object (non-free-threaded build).
        refcount = ctypes.c_ssize_t.from_address(id(singleton))
        refcount.value += RESERVE
    _guarded = True
    return True
