"""ExtractorPool: extraction in spawned workers that survive hostile parsers."""

from __future__ import annotations

import hashlib
import os
import signal
import time
from collections.abc import Iterator
from pathlib import Path

import pytest
from reportlab.pdfgen import canvas

from finder.extract.registry import extract_file
from finder.extract.sandbox import ExtractorPool
from finder.extract.types import Extracted, ExtractionError, ExtractLimits, Page

MEMORY_MB = 192
# Generous, so a loaded CI machine never turns a slow spawn or balloon into a timeout...
LIMITS = ExtractLimits(timeout_s=60.0, memory_mb=MEMORY_MB)
# ...and short where the timeout itself is under test.
TIMEOUT_S = 2.0
SHORT_LIMITS = ExtractLimits(timeout_s=TIMEOUT_S, memory_mb=MEMORY_MB)


@pytest.fixture
def pool(hostile_extractors: None) -> Iterator[ExtractorPool]:
    with ExtractorPool(workers=1, limits=LIMITS) as pool:
        yield pool


def _file(tmp_path: Path, name: str, content: str = "") -> Path:
    path = tmp_path / name
    path.write_text(content)
    return path


def _one(pool: ExtractorPool, path: Path) -> Extracted | ExtractionError:
    results = list(pool.map([path]))
    assert [p for p, _ in results] == [path]
    return results[0][1]


def test_normal_file_extracts_like_in_process(pool: ExtractorPool, tmp_path: Path) -> None:
    """A text file through the pool gives exactly what extract_file gives in-process."""
    path = _file(tmp_path, "notes.txt", "meaning, not keywords\n")
    assert pool.pids == []  # nothing is spawned before there is work
    assert _one(pool, path) == extract_file(path, LIMITS)


def test_workers_are_started_lazily_and_reused(pool: ExtractorPool, tmp_path: Path) -> None:
    """The same worker process serves successive map() calls."""
    path = _file(tmp_path, "a.txt", "alpha")
    _one(pool, path)
    first = pool.pids
    _one(pool, path)
    assert pool.pids == first and len(first) == 1


def test_parser_errors_come_back_as_values(pool: ExtractorPool, tmp_path: Path) -> None:
    """An ExtractionError raised in the worker is yielded with its reason, worker kept."""
    path = tmp_path / "blob.txt"
    path.write_bytes(b"\x00\x01binary")
    _one(pool, _file(tmp_path, "warmup.txt", "x"))
    worker = pool.pids
    outcome = _one(pool, path)
    assert isinstance(outcome, ExtractionError)
    assert str(outcome) == "binary content, not text"
    assert pool.pids == worker


def test_hanging_parser_times_out_and_pool_recovers(
    hostile_extractors: None, tmp_path: Path
) -> None:
    """A parser that never returns is killed after timeout_s; the next file still works."""
    with ExtractorPool(workers=1, limits=SHORT_LIMITS) as pool:
        started = time.monotonic()
        outcome = _one(pool, _file(tmp_path, "stuck.finder-test-hang"))
        elapsed = time.monotonic() - started
        assert isinstance(outcome, ExtractionError)
        assert str(outcome) == "timed out after 2 s"
        assert TIMEOUT_S <= elapsed < TIMEOUT_S + 5
        assert pool.pids == []  # the stuck worker is gone
        assert isinstance(_one(pool, _file(tmp_path, "after.txt", "fine")), Extracted)


def test_ballooning_parser_hits_the_memory_limit(pool: ExtractorPool, tmp_path: Path) -> None:
    """A parser that allocates without bound fails with the memory reason, not the machine."""
    outcome = _one(pool, _file(tmp_path, "greedy.finder-test-balloon"))
    assert isinstance(outcome, ExtractionError)
    assert str(outcome) == f"ran out of memory (limit {MEMORY_MB} MB)"
    assert isinstance(_one(pool, _file(tmp_path, "after.txt", "fine")), Extracted)


def test_crashing_parser_is_reported_and_replaced(pool: ExtractorPool, tmp_path: Path) -> None:
    """A worker that dies mid-file yields the crash reason with its exit code."""
    outcome = _one(pool, _file(tmp_path, "boom.finder-test-crash"))
    assert isinstance(outcome, ExtractionError)
    assert str(outcome) == "parser crashed (exit code 3)"
    assert isinstance(_one(pool, _file(tmp_path, "after.txt", "fine")), Extracted)


def test_many_files_through_two_workers_yield_once_each(
    hostile_extractors: None, tmp_path: Path
) -> None:
    """Every path comes back exactly once with the right kind of outcome, crashes included."""
    good = [_file(tmp_path, f"doc{i:02}.md", f"document number {i}") for i in range(40)]
    bad = [_file(tmp_path, "image.png"), _file(tmp_path, "boom.finder-test-crash")]
    empty = [_file(tmp_path, "empty.txt")]
    with ExtractorPool(workers=2, limits=LIMITS) as pool:
        results = list(pool.map(good[:20] + bad + good[20:] + empty))
        assert len(pool.pids) <= 2
    seen = [path for path, _ in results]
    assert sorted(seen) == sorted(good + bad + empty)
    outcomes = dict(results)
    for i, path in enumerate(good):
        outcome = outcomes[path]
        assert isinstance(outcome, Extracted)
        assert outcome.pages[0].text == f"document number {i}"
    assert all(isinstance(outcomes[path], ExtractionError) for path in bad)
    assert outcomes[empty[0]] == Extracted((Page(None, ""),))


def test_abandoned_map_kills_in_flight_work(hostile_extractors: None, tmp_path: Path) -> None:
    """Closing the iterator early kills busy workers; the idle one serves the next map()."""
    stuck = _file(tmp_path, "stuck.finder-test-hang")
    quick = _file(tmp_path, "quick.txt", "quick")
    with ExtractorPool(workers=2, limits=LIMITS) as pool:
        results = pool.map([stuck, quick])
        assert next(results)[0] == quick
        results.close()
        assert len(pool.pids) == 1
        # Had the stuck file still been in flight, this would wait out the 60 s timeout.
        started = time.monotonic()
        assert list(pool.map([quick])) == [(quick, extract_file(quick, LIMITS))]
        assert time.monotonic() - started < LIMITS.timeout_s / 2


def test_closed_pool_stops_workers_and_refuses_work(
    hostile_extractors: None, tmp_path: Path
) -> None:
    """close() ends the workers, may be repeated, and map() afterwards raises."""
    pool = ExtractorPool(workers=2, limits=LIMITS)
    list(pool.map([_file(tmp_path, "a.txt", "a"), _file(tmp_path, "b.txt", "b")]))
    assert pool.pids
    pool.close()
    pool.close()
    assert pool.pids == []
    with pytest.raises(RuntimeError):
        pool.map([tmp_path / "a.txt"])


def test_hash_first_then_parse_only_what_the_caller_wants(
    pool: ExtractorPool, tmp_path: Path
) -> None:
    """hash_and_extract gives each file's SHA-256; a file the caller knows is not parsed."""
    new, known = _file(tmp_path, "new.txt", "fresh text"), _file(tmp_path, "known.txt", "seen")
    asked: dict[Path, str] = {}

    def needs_parsing(path: Path, digest: str) -> bool:
        asked[path] = digest
        return path == new

    results = {p: (d, o) for p, d, o in pool.hash_and_extract([new, known], needs_parsing)}
    sha = {p: hashlib.sha256(p.read_bytes()).hexdigest() for p in (new, known)}
    assert asked == sha
    assert results == {new: (sha[new], extract_file(new, LIMITS)), known: (sha[known], None)}
    assert len(pool.pids) == 1  # the worker that skipped parsing is reused


def test_a_read_that_hangs_times_out_and_the_rest_go_on(
    hostile_extractors: None, tmp_path: Path
) -> None:
    """A worker stuck reading (stopped, as on a dead network share) fails that file with
    "reading timed out" after timeout_s; the next file is hashed and parsed."""
    stuck, after = _file(tmp_path, "share.txt", "on a dead share"), _file(tmp_path, "b.txt", "ok")
    with ExtractorPool(workers=1, limits=SHORT_LIMITS) as pool:
        list(pool.map([after]))  # start the worker, then freeze it
        os.kill(pool.pids[0], signal.SIGSTOP)
        results = list(pool.hash_and_extract([stuck, after], lambda _p, _d: True))
    path, digest, outcome = results[0]
    assert (path, digest, str(outcome)) == (stuck, None, "reading timed out after 2 s")
    assert results[1][:2] == (after, hashlib.sha256(b"ok").hexdigest())
    assert isinstance(results[1][2], Extracted)


def test_a_fifo_is_never_opened_for_reading(pool: ExtractorPool, tmp_path: Path) -> None:
    """A FIFO where a file was (swapped in after the scan) is refused at once, not read."""
    fifo = tmp_path / "swapped.txt"
    os.mkfifo(fifo)
    started = time.monotonic()
    [(path, digest, outcome)] = pool.hash_and_extract([fifo], lambda _p, _d: True)
    assert (path, digest, str(outcome)) == (fifo, None, "not a regular file")
    assert time.monotonic() - started < LIMITS.timeout_s / 2


def test_pypdf_warnings_stay_off_the_terminal(
    pool: ExtractorPool, tmp_path: Path, capfd: pytest.CaptureFixture[str]
) -> None:
    """A PDF pypdf mends with logged warnings (wrong xref offsets) is extracted, and the
    worker prints nothing on the stderr it shares with the progress bar."""
    doc = canvas.Canvas(str(tmp_path / "ok.pdf"))
    doc.drawString(72, 750, "Boiler manual")
    doc.save()
    data = (tmp_path / "ok.pdf").read_bytes()
    header_end = data.index(b"\n") + 1
    shifted = tmp_path / "shifted.pdf"  # every offset in the xref table now points wrong
    shifted.write_bytes(data[:header_end] + b"%padding\n" + data[header_end:])
    capfd.readouterr()
    outcome = _one(pool, shifted)
    assert isinstance(outcome, Extracted) and "Boiler manual" in outcome.pages[0].text
    assert capfd.readouterr().err == ""
