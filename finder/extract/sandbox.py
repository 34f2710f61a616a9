"""Run extractors in worker processes, so a parser that hangs, balloons or crashes fails alone.

Workers are started with the ``spawn`` method: the parent may have torch loaded with
threads running, and forking such a process is unsafe. A spawned worker imports only
:mod:`finder.extract` (plus, as ``spawn`` always does, the parent's ``__main__`` module
unless it is a package's ``__main__``; keep entry-point scripts light). Each worker caps
its own address space with ``RLIMIT_AS`` where the platform has it.

Outcomes that are not the parser's own ``ExtractionError``:

- the worker hits the memory cap -> ``"ran out of memory (limit N MB)"``; the worker is
  retired because its heap may be left fragmented;
- a file takes longer than ``limits.timeout_s`` -> the worker is killed,
  ``"timed out after N s"``;
- the worker dies -> ``"parser crashed (exit code N)"`` (N < 0: killed by signal -N).

A dead or killed worker is replaced when the next file needs one. The timeout runs from the
moment the file is handed to a worker, so it includes starting a fresh worker (a fraction
of a second).

Reading a file can hang too (a dead network share, a FUSE file system that stopped
answering): :meth:`ExtractorPool.hash_and_extract` has the worker read and hash the file
first, under the same timeout (``"reading timed out after N s"``), then asks the caller
whether the content needs parsing at all (it may be unchanged, or a copy of a known file).

Extractors added to the registry's table at run time (tests add hostile ones) are handed
to each worker when it starts.

Workers log nothing to the terminal (pypdf's warnings about damaged files go nowhere; a
file's real failure is its reason) and end quietly when the parent process is gone
(:mod:`finder.child_process`).
"""

from __future__ import annotations

import contextlib
import logging
import math
import multiprocessing
import os
import signal
import time
import warnings
from collections.abc import Callable, Generator, Iterable, Iterator
from multiprocessing.connection import Connection, wait
from pathlib import Path
from types import TracebackType

from finder.child_process import exit_with_parent
from finder.extract.reading import content_hash
from finder.extract.registry import (
    EXTRACTORS,
    Extractor,
    added_extractors,
    concise_reason,
    extract_file,
)
from finder.extract.types import Extracted, ExtractionError, ExtractLimits

Outcome = Extracted | ExtractionError
NeedsParsing = Callable[[Path, str], bool]  # (path, content hash) -> parse it?

_SPAWN = multiprocessing.get_context("spawn")
# Reply tags a worker sends back with each result.
_OK = "ok"
_FAILED = "failed"
_OUT_OF_MEMORY = "oom"
_DIGEST = "digest"  # the content hash, before parsing
# How long a worker that is already going away gets to exit before it is killed.
_EXIT_GRACE_S = 1.0
_DEFAULT_LIMITS = ExtractLimits()


class _Hashed:
    """What :meth:`ExtractorPool._receive` returns for a content hash (not an outcome)."""


_HASHED = _Hashed()


class ExtractorPool:
    """A small pool of worker processes that run :func:`finder.extract.registry.extract_file`.

    Workers start lazily on the first files and are reused across :meth:`map` calls.
    The pool is not thread-safe: it is meant to be owned and used by one thread (the
    indexer's writer thread), with one :meth:`map` running at a time.
    """

    def __init__(self, workers: int = 1, limits: ExtractLimits = _DEFAULT_LIMITS) -> None:
        """Allow up to ``workers`` files in flight, each bounded by ``limits``."""
        if workers < 1:
            raise ValueError("workers must be at least 1")
        self._size = workers
        self._limits = limits
        self._idle: list[_Worker] = []
        self._busy: list[_Worker] = []
        self._mapping = False
        self._closed = False

    def __enter__(self) -> ExtractorPool:
        return self

    def __exit__(
        self,
        exc_type: type[BaseException] | None,
        exc: BaseException | None,
        tb: TracebackType | None,
    ) -> None:
        self.close()

    @property
    def pids(self) -> list[int]:
        """Process ids of the live workers (for diagnostics and tests)."""
        return [w.pid for w in (*self._idle, *self._busy) if w.process.is_alive()]

    def map(self, paths: Iterable[Path]) -> Iterator[tuple[Path, Outcome]]:
        """Extract every path, yielding ``(path, Extracted | ExtractionError)`` as each finishes.

        Every path is yielded exactly once; the order may differ from the input. At most
        ``workers`` files are in flight, and ``paths`` is consumed only as workers free up.
        Abandoning the iterator early kills the workers still busy with files.
        """
        if self._closed:
            raise RuntimeError("the ExtractorPool is closed")
        return _outcomes(self._run(iter(paths), None))

    def hash_and_extract(
        self, paths: Iterable[Path], needs_parsing: NeedsParsing
    ) -> Iterator[tuple[Path, str | None, Outcome | None]]:
        """Hash each file in a worker, then extract it if ``needs_parsing(path, digest)``.

        Yields ``(path, digest, outcome)``: ``digest`` is ``None`` when the file could
        not be read (``outcome`` says why: ``"cannot read file: ..."``, ``"not a regular
        file"``, ``"reading timed out after N s"``); ``outcome`` is ``None`` when
        ``needs_parsing`` said no. ``needs_parsing`` is called on this thread, between
        results. Otherwise as :meth:`map`; reading and parsing get ``timeout_s`` each.
        """
        if self._closed:
            raise RuntimeError("the ExtractorPool is closed")
        return self._run(iter(paths), needs_parsing)

    def close(self) -> None:
        """Stop all workers; the pool cannot be used afterwards. Safe to call twice."""
        if self._closed:
            return
        self._closed = True
        for worker in self._busy:
            worker.kill()
        self._busy.clear()
        for worker in self._idle:
            worker.ask_to_stop()
        for worker in self._idle:
            worker.reap()
        self._idle.clear()

    def _run(
        self, todo: Iterator[Path], needs_parsing: NeedsParsing | None
    ) -> Generator[tuple[Path, str | None, Outcome | None], None, None]:
        if self._mapping:
            raise RuntimeError("ExtractorPool.map() is already running")
        self._mapping = True
        exhausted = False
        try:
            while True:
                while not exhausted and len(self._busy) < self._size:
                    path = next(todo, None)
                    if path is None:
                        exhausted = True
                    else:
                        self._submit(path, hash_first=needs_parsing is not None)
                if not self._busy or self._closed:
                    return
                yield from self._collect(needs_parsing)
        finally:
            self._mapping = False
            # A worker still busy would later send a result nobody asked for.
            for worker in self._busy:
                worker.kill()
            self._busy.clear()

    def _submit(self, path: Path, *, hash_first: bool) -> None:
        worker = self._idle.pop() if self._idle else _Worker(self._limits)
        try:
            worker.submit(path, hash_first, self._limits.timeout_s)
        except OSError:
            # The idle worker died since its last file (killed from outside): replace it.
            worker.kill()
            worker = _Worker(self._limits)
            worker.submit(path, hash_first, self._limits.timeout_s)
        self._busy.append(worker)

    def _collect(
        self, needs_parsing: NeedsParsing | None
    ) -> list[tuple[Path, str | None, Outcome | None]]:
        """Wait until at least one busy worker answers, dies or runs out of time."""
        deadline = min(w.deadline for w in self._busy)
        # timeout_s=inf means no timeout; wait() cannot take an infinite float.
        timeout = None if math.isinf(deadline) else max(0.0, deadline - time.monotonic())
        handles: list[Connection | int] = [w.conn for w in self._busy]
        handles += [w.process.sentinel for w in self._busy]
        ready = set(wait(handles, timeout))
        now = time.monotonic()
        done: list[tuple[Path, str | None, Outcome | None]] = []
        for worker in list(self._busy):
            outcome: Outcome | None
            if worker.conn in ready or worker.process.sentinel in ready or worker.conn.poll():
                received = self._receive(worker)
                if not isinstance(received, _Hashed):
                    outcome = received
                elif needs_parsing is None or worker.digest is None:
                    raise AssertionError("a content hash nobody asked for")
                elif not needs_parsing(worker.path, worker.digest):
                    self._skip_parsing(worker)
                    outcome = None
                elif self._start_parsing(worker):
                    continue  # still busy
                else:
                    outcome = ExtractionError(f"parser crashed (exit code {worker.kill()})")
            elif worker.deadline <= now:
                worker.kill()
                doing = "" if worker.parsing else "reading "
                outcome = ExtractionError(f"{doing}timed out after {self._limits.timeout_s:g} s")
            else:
                continue
            self._busy.remove(worker)
            done.append((worker.path, worker.digest, outcome))
        return done

    def _skip_parsing(self, worker: _Worker) -> None:
        """The content needs no parsing: the worker is free for the next file."""
        with contextlib.suppress(OSError):  # died meanwhile: _submit finds out and replaces it
            worker.conn.send(False)
        self._idle.append(worker)

    def _start_parsing(self, worker: _Worker) -> bool:
        """Tell a worker that sent a content hash to parse the file; False if it is gone."""
        try:
            worker.conn.send(True)
        except OSError:
            return False
        worker.parsing = True
        worker.deadline = time.monotonic() + self._limits.timeout_s
        return True

    def _receive(self, worker: _Worker) -> Outcome | _Hashed:
        try:
            tag, payload = worker.conn.recv()
        except (EOFError, OSError):
            return ExtractionError(f"parser crashed (exit code {worker.reap()})")
        if tag == _DIGEST:
            worker.digest = payload
            return _HASHED
        if tag == _OK:
            self._idle.append(worker)
            assert isinstance(payload, Extracted)
            return payload
        if tag == _OUT_OF_MEMORY:
            worker.reap()  # it exits by itself after reporting
        else:
            self._idle.append(worker)
        return ExtractionError(str(payload))


def _outcomes(
    results: Generator[tuple[Path, str | None, Outcome | None], None, None],
) -> Iterator[tuple[Path, Outcome]]:
    with contextlib.closing(results):  # closed early: the busy workers are killed now
        for path, _, outcome in results:
            assert outcome is not None  # only hash_and_extract skips parsing
            yield path, outcome


class _Worker:
    """Parent-side handle of one worker process and its pipe."""

    def __init__(self, limits: ExtractLimits) -> None:
        self.conn, child_conn = _SPAWN.Pipe(duplex=True)
        self.process = _SPAWN.Process(
            target=_worker_main,
            args=(child_conn, limits, os.getpid(), added_extractors()),
            name="finder-extract",
            daemon=True,
        )
        self.process.start()
        # Drop our copy of the child's end so a dead child reads as EOF on self.conn.
        child_conn.close()
        self.path = Path()
        self.deadline = 0.0
        self.digest: str | None = None  # of the current file, once the worker sent it
        self.parsing = False  # False while it reads and hashes the current file

    @property
    def pid(self) -> int:
        assert self.process.pid is not None
        return self.process.pid

    def submit(self, path: Path, hash_first: bool, timeout_s: float) -> None:
        self.conn.send((path, hash_first))
        self.path, self.digest, self.parsing = path, None, not hash_first
        self.deadline = time.monotonic() + timeout_s

    def ask_to_stop(self) -> None:
        with contextlib.suppress(OSError):  # already gone
            self.conn.send(None)

    def reap(self) -> int | None:
        """Wait briefly for the process to exit, kill it if it does not; return its exit code."""
        self.process.join(_EXIT_GRACE_S)
        return self.kill()

    def kill(self) -> int | None:
        """Kill the process (if still running), release its resources, return its exit code."""
        if self.process.exitcode is None:
            self.process.kill()
            self.process.join(5.0)
        self.conn.close()
        return self.process.exitcode


# --- worker side ----------------------------------------------------------------------------


def _worker_main(
    conn: Connection, limits: ExtractLimits, parent_pid: int, added: dict[str, Extractor]
) -> None:
    """Entry point of a worker: handle each ``(path, hash_first)`` received on ``conn``
    until ``None``, EOF, or the parent is gone (then it ends quietly). ``added``: the
    parent's run-time additions to the extractor table."""
    EXTRACTORS.update(added)
    exit_with_parent(parent_pid)
    signal.signal(signal.SIGINT, signal.SIG_IGN)  # Ctrl+C is for the parent to handle
    _silence_library_chatter()
    _limit_address_space(limits.memory_mb)
    with contextlib.suppress(EOFError, OSError):  # the parent went away: nobody to tell
        while (request := conn.recv()) is not None:
            path, hash_first = request
            if hash_first and not _hash_then_ask(conn, path):
                continue
            tag, payload = _extract(path, limits)
            try:
                conn.send((tag, payload))
            except MemoryError:  # pickling a huge result can hit the cap too
                tag, payload = _OUT_OF_MEMORY, _out_of_memory(limits)
                conn.send((tag, payload))
            if tag == _OUT_OF_MEMORY:
                return


def _hash_then_ask(conn: Connection, path: Path) -> bool:
    """Send the file's content hash (or why it cannot be read); True if told to parse."""
    try:
        digest = content_hash(path)
    except ExtractionError as err:
        conn.send((_FAILED, str(err)))
        return False
    conn.send((_DIGEST, digest))
    return bool(conn.recv())


def _silence_library_chatter() -> None:
    """Keep parsers' log records and warnings off the terminal: the parent's progress bar
    is there. pypdf, for one, logs a warning for every damaged cross-reference it mends."""
    logging.getLogger().addHandler(logging.NullHandler())  # no "last resort" to stderr
    logging.getLogger().setLevel(logging.CRITICAL)
    warnings.simplefilter("ignore")


def _extract(path: Path, limits: ExtractLimits) -> tuple[str, Extracted | str]:
    try:
        return _OK, extract_file(path, limits)
    except ExtractionError as err:
        return _FAILED, str(err)
    except MemoryError:
        # Build the reply only after leaving the except block: until then the traceback
        # keeps the parser's allocations alive and even a small string may not fit.
        pass
    except Exception as err:  # extract_file converts these already; never let one kill us
        return _FAILED, concise_reason(err)
    return _OUT_OF_MEMORY, _out_of_memory(limits)


def _out_of_memory(limits: ExtractLimits) -> str:
    return f"ran out of memory (limit {limits.memory_mb} MB)"


def _limit_address_space(memory_mb: int) -> None:
    try:
        import resource
    except ImportError:  # Windows has no rlimits; the timeout still applies
        return
    _, hard = resource.getrlimit(resource.RLIMIT_AS)
    limit = memory_mb * 1024 * 1024
    if hard != resource.RLIM_INFINITY:
        limit = min(limit, hard)
    resource.setrlimit(resource.RLIMIT_AS, (limit, hard))
