"""The writer thread's lower CPU priority, so that indexing never slows what a person does.

Thread: the calling thread's own priority (on Linux, niceness is per thread).
"""

from __future__ import annotations

import logging
import os
import sys
import threading

log = logging.getLogger(__name__)


def lower_thread_priority(nice: int) -> None:
    """Lower the CPU priority of the calling thread (and the threads and processes it
    starts later: torch's pool, the parser workers). On Linux niceness is per thread,
    so a GUI thread in the same process keeps its priority."""
    if nice <= 0 or not sys.platform.startswith("linux"):
        return
    try:
        tid = threading.get_native_id()
        os.setpriority(os.PRIO_PROCESS, tid, min(19, os.getpriority(os.PRIO_PROCESS, tid) + nice))
    except OSError as err:
        log.info("could not lower the indexer's priority: %s", err)
