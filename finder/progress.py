"""A one-line progress bar for the terminal: files done / total, rate, ETA."""

from __future__ import annotations

import time
from typing import TextIO

from finder.domain import Progress

_LABELS = {
    "scanning": "scanning folders",
    "extracting": "reading files",
    "embedding": "embedding chunks",
    "saving": "saving index",
}


class ProgressBar:
    """Redraws one line on a terminal (at most 10 times a second); plain lines otherwise."""

    def __init__(self, stream: TextIO, width: int = 28) -> None:
        self.stream = stream
        self.width = width
        self._tty = stream.isatty()
        self._last_draw = 0.0
        self._last_phase = ""
        self._drawn = False

    def update(self, p: Progress) -> None:
        now = time.monotonic()
        phase_changed = p.phase != self._last_phase
        finished = p.done == p.total
        if p.phase == "done" or (
            not phase_changed and not finished and now - self._last_draw < 0.1
        ):
            return
        if not self._tty and not phase_changed and not finished and now - self._last_draw < 5:
            return  # logs and CI: a line every few seconds, not a flood
        self._last_draw, self._last_phase = now, p.phase
        line = self.render(p)
        if self._tty:
            self.stream.write("\r\x1b[2K" + line)
        else:
            self.stream.write(line + "\n")
        self.stream.flush()
        self._drawn = True

    def render(self, p: Progress) -> str:
        label = _LABELS.get(p.phase, p.phase)
        if p.new_model:
            label = f"new model: {label}"
        if p.total <= 0 or p.phase in ("scanning", "saving"):
            return f"{label}..."
        filled = int(self.width * min(p.done, p.total) / p.total)
        bar = "#" * filled + "-" * (self.width - filled)
        unit = "chunks" if p.phase == "embedding" else "files"
        eta = p.eta_s
        eta_text = f", ETA {duration(eta)}" if eta is not None else ""
        return f"{label} [{bar}] {p.done}/{p.total} {unit}, {p.rate:.1f} {unit}/s{eta_text}"

    def finish(self) -> None:
        if self._drawn and self._tty:
            self.stream.write("\n")
            self.stream.flush()
        self._drawn = False


def duration(seconds: float) -> str:
    seconds = int(seconds)
    if seconds < 60:
        return f"{seconds}s"
    if seconds < 3600:
        return f"{seconds // 60}m{seconds % 60:02d}s"
    return f"{seconds // 3600}h{seconds % 3600 // 60:02d}m"
