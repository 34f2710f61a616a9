"""What finder's own child processes (parser workers, the embedder) do about their parent.

A child whose parent is killed (``kill -9``, a crash) must end by itself, quietly: not
linger loading a model for nobody, and not print a ``BrokenPipeError`` traceback into
the terminal the parent was started from. A child blocked reading its pipe sees EOF, but
one busy parsing a file or importing torch does not; so a small thread watches the
parent's pid and ends the process (exit code 0, nothing printed) once it is gone.
Polling ``getppid`` rather than Linux's ``PR_SET_PDEATHSIG``: that fires when the
*thread* that started the child ends, which in the service and the window is not the
process ending, and it does not exist on macOS.

Thread: :func:`exit_with_parent` starts one daemon thread in the calling (child) process.
"""

from __future__ import annotations

import os
import threading
import time

_POLL_S = 0.5


def exit_with_parent(parent_pid: int) -> None:
    """End this process within about half a second of ``parent_pid`` no longer being its
    parent. Call it first thing in the child, before any resource limit is set (a thread
    needs room for its stack)."""
    if os.getppid() != parent_pid:
        os._exit(0)  # the parent died while this child was starting

    def watch() -> None:
        while os.getppid() == parent_pid:
            time.sleep(_POLL_S)
        os._exit(0)  # nothing to flush: results have nowhere to go

    threading.Thread(target=watch, name="finder-parent-watch", daemon=True).start()
