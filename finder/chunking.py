"""Split extracted text into chunks that fit the model's window, counted in tokens.

all-MiniLM-L6-v2 reads at most 256 word pieces and silently drops the rest, and words are
a poor proxy (200-word chunks of technical text averaged 375 tokens), so sizes are counted
with the model's own tokenizer.

Shape of the split, and why:

- Paragraphs (blank-line separated) are the unit. Consecutive short paragraphs are packed
  into one chunk up to the budget. A paragraph longer than the budget is cut into windows
  of ``max_tokens`` with ``overlap`` tokens shared between neighbours, so a sentence cut
  at a window edge is whole in one of them.
- Boundaries are content-defined: a chunk also closes before a paragraph whose text hash
  picks it as an anchor. Editing one paragraph then changes the chunks up to the next
  anchor only, instead of shifting every later boundary, so the rest keep their text,
  hence their hash, hence their stored embedding.
"""

from __future__ import annotations

import hashlib
import re
from collections.abc import Iterable
from dataclasses import dataclass
from pathlib import Path

from tokenizers import Encoding, Tokenizer

from finder.domain import Chunk
from finder.extract import Page

_PARAGRAPH_BREAK = re.compile(r"\n[ \t\r\f\v]*\n\s*")
_LINE_BREAK = re.compile(r"\n")
_ANCHOR_EVERY = 4  # on average every 4th paragraph may start a chunk


@dataclass(frozen=True, slots=True)
class ChunkPolicy:
    """Token budget per chunk (special tokens excluded) and overlap inside long paragraphs."""

    max_tokens: int = 254
    overlap: int = 32
    min_tokens: int = 64  # an anchor does not close a chunk smaller than this


def text_hash(text: str) -> bytes:
    """The identity of a chunk's text: equal hashes share one embedding."""
    return hashlib.blake2b(text.encode("utf-8", "surrogatepass"), digest_size=16).digest()


class Chunker:
    """Chunks pages of text with a model's tokenizer. Thread: any, one at a time."""

    def __init__(self, tokenizer_json: Path, policy: ChunkPolicy | None = None) -> None:
        self.policy = policy or ChunkPolicy()
        self._tok = Tokenizer.from_file(str(tokenizer_json))
        self._tok.no_truncation()
        self._tok.no_padding()

    def chunk_pages(self, pages: Iterable[Page]) -> list[Chunk]:
        chunks: list[Chunk] = []
        for page in pages:
            for start, stop in self._spans(page.text):
                text = page.text[start:stop]
                chunks.append(Chunk(len(chunks), page.number, start, stop, text, text_hash(text)))
        return chunks

    def _spans(self, text: str) -> list[tuple[int, int]]:
        budget, spans = self.policy.max_tokens, []
        paragraphs = _paragraphs(text, _PARAGRAPH_BREAK)
        encodings = self._encode(text, paragraphs)
        # A paragraph too long for one chunk that has line breaks (code, logs, poems) is
        # packed line by line, so its boundaries stay content-defined too.
        if any(
            len(e.ids) > budget and "\n" in text[a:b]
            for (a, b), e in zip(paragraphs, encodings, strict=True)
        ):
            units: list[tuple[int, int]] = []
            for (a, b), enc in zip(paragraphs, encodings, strict=True):
                if len(enc.ids) > budget and "\n" in text[a:b]:
                    units.extend((a + x, a + y) for x, y in _paragraphs(text[a:b], _LINE_BREAK))
                else:
                    units.append((a, b))
            paragraphs, encodings = units, self._encode(text, units)
        open_start: int | None = None
        open_stop = open_tokens = 0
        for (a, b), enc in zip(paragraphs, encodings, strict=True):
            n = len(enc.ids)
            if n > budget:
                lead = None
                short = min(self.policy.min_tokens, budget // 4)
                if open_start is not None and open_tokens < short:
                    # A heading or title before a long paragraph rides in its first window
                    # instead of becoming a chunk of its own with little meaning.
                    lead = (open_start, open_tokens)
                elif open_start is not None:
                    spans.append((open_start, open_stop))
                open_start = None
                spans.extend(self._windows(a, enc.offsets, enc.word_ids, lead))
                continue
            anchor = _is_anchor(text[a:b]) and open_tokens >= self.policy.min_tokens
            if open_start is not None and (open_tokens + n > budget or anchor):
                spans.append((open_start, open_stop))
                open_start = None
            if open_start is None:
                open_start, open_tokens = a, 0
            open_stop, open_tokens = b, open_tokens + n
        if open_start is not None:
            spans.append((open_start, open_stop))
        return spans

    def _encode(self, text: str, spans: list[tuple[int, int]]) -> list[Encoding]:
        return self._tok.encode_batch([text[a:b] for a, b in spans], add_special_tokens=False)

    def _windows(
        self,
        base: int,
        offsets: list[tuple[int, int]],
        word_ids: list[int | None],
        lead: tuple[int, int] | None = None,
    ) -> list[tuple[int, int]]:
        """Overlapping token windows over one long paragraph, as character spans.

        A window starts on the first piece of a word: text cut inside a word would be
        tokenised into more pieces than it was counted as, and overflow the model.
        ``lead`` (start offset, tokens) is short text before the paragraph that the
        first window also holds, at the cost of as many of the paragraph's tokens.
        """
        budget, n = self.policy.max_tokens, len(offsets)
        step = max(1, budget - self.policy.overlap)
        spans = []
        first = 0
        while first < n:
            room = budget - (lead[1] if lead and first == 0 else 0)
            last = min(first + room, n) - 1
            start = lead[0] if lead and first == 0 else base + offsets[first][0]
            spans.append((start, base + offsets[last][1]))
            if last == n - 1:
                break
            nxt = first + (room - self.policy.overlap if first == 0 else step)
            while nxt < last and word_ids[nxt] is not None and word_ids[nxt] == word_ids[nxt - 1]:
                nxt += 1
            first = nxt
        return spans


def _paragraphs(text: str, separator: re.Pattern[str]) -> list[tuple[int, int]]:
    """Character spans of the non-blank pieces between separators, whitespace trimmed."""
    spans = []
    pos = 0
    for brk in [*separator.finditer(text), None]:
        end = len(text) if brk is None else brk.start()
        segment = text[pos:end]
        stripped = segment.strip()
        if stripped:
            lead = len(segment) - len(segment.lstrip())
            spans.append((pos + lead, pos + lead + len(stripped)))
        if brk is not None:
            pos = brk.end()
    return spans


def _is_anchor(paragraph: str) -> bool:
    return text_hash(paragraph)[0] % _ANCHOR_EVERY == 0
