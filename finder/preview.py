"""The text around a matched passage, for a preview pane.

Chunks store their text and offsets; neighbouring chunks of one paragraph overlap (the
windows of a long paragraph), and chunks of different paragraphs are separated by the
blank line the chunker split on. Joining them back gives readable text without opening
the file again (which may be gone, slow to parse, or on an unplugged drive).
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass

from finder.store.rows import PassageChunk


@dataclass(frozen=True, slots=True)
class Passage:
    """Text to show, and where the matched chunk is inside it."""

    path: str
    page: int | None
    text: str
    match_start: int
    match_stop: int


def join_chunks(path: str, chunks: Sequence[PassageChunk], matched_id: int) -> Passage:
    """Join chunks of one file, in order, into one text.

    An overlapping chunk adds only what it has beyond the previous one; the rest are
    separated by a blank line.
    """
    parts: list[str] = []
    length = 0
    prev_stop: int | None = None
    match = (0, 0)
    page = None
    for chunk in chunks:
        start, stop, text = chunk.start, chunk.stop, chunk.text
        if prev_stop is not None and start < prev_stop and (stop - start) == len(text):
            piece = text[prev_stop - start :]
            begin = length - (prev_stop - start)
        else:
            piece = ("\n\n" if parts else "") + text
            begin = length + (2 if parts else 0)
        parts.append(piece)
        length += len(piece)
        if chunk.id == matched_id:
            match, page = (begin, begin + len(text)), chunk.page
        prev_stop = stop if prev_stop is None else max(prev_stop, stop)
    return Passage(path, page, "".join(parts), match[0], match[1])
