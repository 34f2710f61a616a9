"""The terminal progress bar: what a line says, and how it is written to ttys and logs."""

from __future__ import annotations

import io
import re
import types

import pytest

from finder import progress
from finder.domain import Progress
from finder.progress import ProgressBar


class Clock:
    """A monotonic clock the test moves by hand (no sleeping)."""

    def __init__(self) -> None:
        self.now = 1000.0

    def monotonic(self) -> float:
        return self.now


class Terminal(io.StringIO):
    """An in-memory stream that says it is a terminal."""

    def isatty(self) -> bool:
        return True


@pytest.fixture
def clock(monkeypatch: pytest.MonkeyPatch) -> Clock:
    fake = Clock()
    monkeypatch.setattr(progress, "time", types.SimpleNamespace(monotonic=fake.monotonic))
    return fake


def test_render_shows_counts_rate_and_eta() -> None:
    """A working phase shows a bar, done/total, the rate and the time left."""
    line = ProgressBar(io.StringIO(), width=10).render(Progress("extracting", 50, 200, rate=10.0))
    assert line == "reading files [##--------] 50/200 files, 10.0 files/s, ETA 15s"


def test_embedding_counts_chunks_and_long_etas_use_minutes_and_hours() -> None:
    """Embedding counts chunks; ETAs over a minute or an hour read as 2m05s or 1h01m."""
    bar = ProgressBar(io.StringIO())
    line = bar.render(Progress("embedding", 0, 250, rate=2.0))
    assert "0/250 chunks, 2.0 chunks/s, ETA 2m05s" in line
    assert bar.render(Progress("embedding", 0, 3660, rate=1.0)).endswith("ETA 1h01m")


def test_no_eta_without_a_rate_and_a_full_bar_when_done() -> None:
    """A zero rate gives no ETA; done == total fills the bar."""
    bar = ProgressBar(io.StringIO(), width=8)
    assert "ETA" not in bar.render(Progress("extracting", 3, 9, rate=0.0))
    assert bar.render(Progress("extracting", 9, 9, rate=4.0)) == (
        "reading files [########] 9/9 files, 4.0 files/s"
    )


@pytest.mark.parametrize("phase", ["scanning", "saving"])
def test_scanning_and_saving_render_without_numbers(phase: str) -> None:
    """Phases with no meaningful total are a label only, no digits."""
    line = ProgressBar(io.StringIO()).render(Progress(phase, 12, 40, rate=3.0))
    assert line.endswith("...")
    assert not re.search(r"\d", line)


def test_unknown_total_renders_the_label_only() -> None:
    """A total of zero (not known yet) shows the label without a bar."""
    assert ProgressBar(io.StringIO()).render(Progress("extracting", 0, 0)) == "reading files..."


def test_non_tty_gets_plain_lines(clock: Clock) -> None:
    """Without a terminal, each phase is written as its own newline-terminated line."""
    out = io.StringIO()
    bar = ProgressBar(out)
    bar.update(Progress("scanning", 0, 0))
    bar.update(Progress("extracting", 1, 10, rate=1.0))
    bar.update(Progress("done", 10, 10))
    bar.finish()
    assert "\r" not in out.getvalue() and "\x1b" not in out.getvalue()
    lines = out.getvalue().splitlines()
    assert lines[0] == "scanning folders..."
    assert lines[1].startswith("reading files [")
    assert len(lines) == 2


def test_non_tty_writes_a_line_every_few_seconds_only(clock: Clock) -> None:
    """Logs are not flooded: updates within 5 s of the last line are dropped."""
    out = io.StringIO()
    bar = ProgressBar(out)
    for done in range(1, 6):
        bar.update(Progress("extracting", done, 100, rate=5.0))
        clock.now += 1.0
    assert out.getvalue().count("\n") == 1  # done=1 only
    clock.now += 5.0
    bar.update(Progress("extracting", 50, 100, rate=5.0))
    assert "50/100" in out.getvalue().splitlines()[-1]


def test_the_final_count_of_a_phase_is_always_written(clock: Clock) -> None:
    """A phase's last update (done == total) reaches the log even right after another line."""
    out = io.StringIO()
    bar = ProgressBar(out)
    bar.update(Progress("extracting", 99, 100, rate=5.0))
    clock.now += 0.01
    bar.update(Progress("extracting", 100, 100, rate=5.0))
    assert "100/100" in out.getvalue()


def test_tty_redraws_one_line_and_finish_ends_it(clock: Clock) -> None:
    """On a terminal the line is redrawn in place (CR + erase), at most 10 times a second."""
    out = Terminal()
    bar = ProgressBar(out)
    bar.update(Progress("extracting", 1, 10, rate=1.0))
    bar.update(Progress("extracting", 2, 10, rate=1.0))  # same instant: throttled
    clock.now += 0.2
    bar.update(Progress("extracting", 3, 10, rate=1.0))
    bar.finish()
    text = out.getvalue()
    assert text.count("\r\x1b[2K") == 2
    assert "1/10" in text and "3/10" in text and "2/10" not in text
    assert text.endswith("\n") and text.count("\n") == 1


def test_finish_writes_nothing_if_nothing_was_drawn() -> None:
    """finish() on an unused bar leaves the terminal untouched."""
    out = Terminal()
    ProgressBar(out).finish()
    assert out.getvalue() == ""
