"""What a test leaves running: threads (Python ones, QThreads, native ones) and child
processes, seen from Linux's /proc so that threads Python does not know about count too.

:func:`snapshot` is taken before a test and :func:`leftovers` after it: what is new and
still running once a grace period for things that are stopping has passed. Both cost
tens of microseconds when nothing is left (a directory listing and one small file per
thread: ~0.2 ms with a loaded model's thread pools); only a leak pays the grace wait.

Some threads and processes are started lazily by a library the first time a test uses
it and then live for the session by design; they are allowed by name in
:data:`ALLOWED_THREADS` and :data:`ALLOWED_CHILDREN`, each with the reason.
"""

from __future__ import annotations

import os
import re
import threading
import time
from dataclasses import dataclass

_TASKS = f"/proc/{os.getpid()}/task"

# Names of threads that a library starts on first use and keeps for the life of the
# process: a Python thread's name, else the kernel's (/proc/.../comm, which a native
# thread inherits from the thread that started it, so native pools cannot be told apart
# by name: the session embedder is warmed up before the first test instead).
ALLOWED_THREADS = re.compile(
    # tqdm's monitor of progress bars (sentence-transformers' encode), a daemon thread
    # that sleeps between checks and is never stopped.
    r"^tqdm_monitor$"
    # Qt's own pool threads: painting a few dozen rows of text (the duplicates view's
    # tree) starts them under the offscreen platform; they idle 30 s, then end.
    r"|^Thread \(pooled\)$"
)

# Command lines of session-long helper processes.
ALLOWED_CHILDREN = re.compile(
    # multiprocessing's resource tracker: started by the first spawned child (the
    # extraction sandbox, the embedder process) and kept until the interpreter exits.
    r"from multiprocessing\.resource_tracker import main"
)


@dataclass(frozen=True, slots=True)
class Snapshot:
    """The process's threads (kernel thread ids) and live child processes at one moment."""

    tasks: frozenset[int]
    children: frozenset[int]


def snapshot() -> Snapshot:
    """The threads and running children of this process now."""
    tasks = _tasks()
    return Snapshot(tasks, frozenset(_children(tasks)))


def leftovers(before: Snapshot, grace_s: float = 5.0, *, children: bool = True) -> list[str]:
    """What was started since ``before`` and still runs after up to ``grace_s`` more
    (threads and children on their way out get that long), one line each; allowed
    session-long pools are left out, and child processes too unless ``children``."""
    now = snapshot()
    if not children:
        before = Snapshot(before.tasks, before.children | now.children)
    if now.tasks <= before.tasks and now.children <= before.children:
        return []  # the cheap path: nothing new
    deadline = time.monotonic() + grace_s
    _join_python_threads(now.tasks - before.tasks, deadline)
    while True:
        now = snapshot()
        found = [
            d
            for t in sorted(now.tasks - before.tasks)
            if (d := _describe_thread(t)) and not ALLOWED_THREADS.match(_thread_name(t))
        ]
        found += [
            d
            for p in sorted(now.children - before.children)
            if (d := _describe_child(p)) and not ALLOWED_CHILDREN.search(d)
        ]
        if not found or time.monotonic() >= deadline:
            return found
        time.sleep(0.02)  # native threads and processes offer nothing to wait on


def _tasks() -> frozenset[int]:
    try:
        return frozenset(int(t) for t in os.listdir(_TASKS))
    except FileNotFoundError:  # not Linux: nothing is checked
        return frozenset()


def _children(tasks: frozenset[int]) -> set[int]:
    """Running children: each thread lists those it started (Linux's task children)."""
    pids: set[int] = set()
    for task in tasks:
        try:  # os.open, not open(): a third of the cost, and this runs twice per test
            fd = os.open(f"{_TASKS}/{task}/children", os.O_RDONLY)
        except (FileNotFoundError, ProcessLookupError):
            continue  # the thread ended meanwhile; its children moved to another one
        try:
            pids.update(int(p) for p in os.read(fd, 65536).split())
        except ProcessLookupError:
            continue
        finally:
            os.close(fd)
    return {pid for pid in pids if _state(pid) not in ("Z", "X", None)}


def _state(pid: int) -> str | None:
    """The process's state letter (Z: exited, waiting to be reaped), None if gone."""
    try:
        with open(f"/proc/{pid}/stat", "rb") as f:
            return f.read().rsplit(b")", 1)[1].split()[0].decode()
    except (FileNotFoundError, ProcessLookupError, IndexError):
        return None


def _join_python_threads(tasks: frozenset[int], deadline: float) -> None:
    """Wait for new Python threads that are ending (a real wait, not a poll)."""
    for thread in threading.enumerate():
        if thread.native_id in tasks and not isinstance(thread, threading._DummyThread):
            thread.join(max(0.0, deadline - time.monotonic()))


def _comm(task: int) -> str:
    """The thread's name as the kernel knows it ("" once it has ended)."""
    try:
        with open(f"{_TASKS}/{task}/comm", encoding="utf-8") as f:
            return f.read().rstrip("\n")
    except (FileNotFoundError, ProcessLookupError):
        return ""


def _python_thread(task: int) -> threading.Thread | None:
    """The Python thread running as ``task``, if it is one started by ``threading``."""
    for thread in threading.enumerate():
        if thread.native_id == task and not isinstance(thread, threading._DummyThread):
            return thread
    return None


def _thread_name(task: int) -> str:
    thread = _python_thread(task)
    return thread.name if thread is not None else _comm(task)


def _describe_thread(task: int) -> str | None:
    """``thread NAME (...)`` for a running thread, None if it has ended."""
    comm = _comm(task)
    if not comm:
        return None
    thread = _python_thread(task)
    if thread is None:
        return f"native thread {comm!r} (a QThread or a library's pool)"
    target = getattr(thread, "_target", None)
    where = getattr(target, "__qualname__", type(thread).__qualname__)
    return f"Python thread {thread.name!r} running {where} (started from {comm!r})"


def _describe_child(pid: int) -> str | None:
    """``child PID: COMMAND LINE`` for a running child, None if it has ended."""
    try:
        with open(f"/proc/{pid}/cmdline", "rb") as f:
            cmdline = f.read().replace(b"\0", b" ").decode(errors="replace").strip()
    except (FileNotFoundError, ProcessLookupError):
        return None
    return f"child {pid}: {cmdline[:300]}"
