"""Reading members of ZIP-based documents (DOCX, ODT, EPUB) without inflating zip bombs.

Every member read from one archive draws on a single budget of decompressed bytes derived
from the limits (:func:`inflate_budget`). A member whose declared size exceeds what is left
is refused before reading, and because the declared size can lie, reading also stops when
the budget runs out. Both raise ``ExtractionError("archive member too large")``.
"""

from __future__ import annotations

import zipfile
from pathlib import Path
from types import TracebackType
from typing import IO

from finder.extract.types import ExtractionError, ExtractLimits

TOO_LARGE = "archive member too large"
# Markup around the visible text: heavily formatted WordprocessingML spends 10-20 bytes of
# XML per character of text. Past that the text limit would cut the document anyway.
_MARKUP_BYTES_PER_CHAR = 20
_MIN_BUDGET = 1024 * 1024


def inflate_budget(limits: ExtractLimits) -> int:
    """How many decompressed bytes one document may read in total."""
    return max(_MIN_BUDGET, _MARKUP_BYTES_PER_CHAR * limits.max_text_chars)


class Archive:
    """A ZIP file opened for bounded reading; use as a context manager."""

    def __init__(self, path: Path, limits: ExtractLimits, kind: str) -> None:
        """Open ``path``; ``kind`` ("DOCX", ...) names the format in error messages."""
        self.kind = kind
        self._budget = inflate_budget(limits)
        try:
            self._zip = zipfile.ZipFile(path)
        except (zipfile.BadZipFile, zipfile.LargeZipFile, EOFError) as err:
            raise ExtractionError(f"not a valid {kind}: {err}") from err

    def __enter__(self) -> Archive:
        return self

    def __exit__(
        self,
        exc_type: type[BaseException] | None,
        exc: BaseException | None,
        tb: TracebackType | None,
    ) -> None:
        self._zip.close()

    def has(self, name: str) -> bool:
        """True if the archive contains a member called ``name``."""
        try:
            self._zip.getinfo(name)
        except KeyError:
            return False
        return True

    def names(self) -> list[str]:
        """Names of all members, in archive order."""
        return self._zip.namelist()

    def open(self, name: str) -> MemberStream:
        """A binary stream of member ``name`` that stops at the remaining budget.

        Raises ``ExtractionError`` if the member is missing, declared too large, or
        turns out larger than declared while being read.
        """
        try:
            info = self._zip.getinfo(name)
        except KeyError as err:
            raise ExtractionError(f"not a valid {self.kind}: {name} is missing") from err
        if info.file_size > self._budget:
            raise ExtractionError(TOO_LARGE)
        try:
            stream = self._zip.open(info)
        except (zipfile.BadZipFile, NotImplementedError, RuntimeError) as err:
            # RuntimeError: the member is encrypted; NotImplementedError: unknown compression.
            raise ExtractionError(f"not a valid {self.kind}: {err}") from err
        return MemberStream(stream, self)

    def read(self, name: str) -> bytes:
        """All bytes of member ``name``, within the budget (see :meth:`open`)."""
        with self.open(name) as stream:
            return stream.read()

    def _spend(self, n: int) -> None:
        self._budget -= n
        if self._budget < 0:
            raise ExtractionError(TOO_LARGE)


class MemberStream:
    """Just enough of a binary file object for ``read()`` and ``ElementTree.iterparse``."""

    def __init__(self, inner: IO[bytes], archive: Archive) -> None:
        self._inner = inner
        self._archive = archive

    def read(self, n: int = -1) -> bytes:
        if n < 0:
            # Read in chunks so an oversized member fails before it is all in memory.
            chunks: list[bytes] = []
            while chunk := self.read(64 * 1024):
                chunks.append(chunk)
            return b"".join(chunks)
        try:
            data = self._inner.read(n)
        except (zipfile.BadZipFile, EOFError, OSError) as err:  # CRC mismatch, truncation
            raise ExtractionError(f"not a valid {self._archive.kind}: {err}") from err
        self._archive._spend(len(data))
        return data

    def close(self) -> None:
        self._inner.close()

    def __enter__(self) -> MemberStream:
        return self

    def __exit__(
        self,
        exc_type: type[BaseException] | None,
        exc: BaseException | None,
        tb: TracebackType | None,
    ) -> None:
        self.close()
