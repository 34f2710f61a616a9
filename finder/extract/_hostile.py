"""Deliberately misbehaving extractors, for testing the sandbox only.

The registry maps the ``.finder-test-*`` suffixes to these functions only while the
environment variable ``FINDER_TEST_HOSTILE_EXTRACTORS`` is ``1`` (see
:func:`finder.extract.registry.extractor_for`); spawned workers inherit it from the parent.
"""

from __future__ import annotations

import os
from pathlib import Path

from finder.extract.types import Extracted, ExtractLimits

ENV_VAR = "FINDER_TEST_HOSTILE_EXTRACTORS"


def enabled() -> bool:
    """True if the test-only extractors are switched on in this process."""
    return os.environ.get(ENV_VAR) == "1"


def hang(path: Path, limits: ExtractLimits) -> Extracted:
    """Never return, like a parser stuck in a loop."""
    while True:
        pass


def balloon(path: Path, limits: ExtractLimits) -> Extracted:
    """Allocate (and touch) memory until the allocation fails."""
    hoard = []
    while True:
        hoard.append(bytearray(16 * 1024 * 1024))


def crash(path: Path, limits: ExtractLimits) -> Extracted:
    """Exit the process at once with status 3, like a parser that segfaults."""
    os._exit(3)


HOSTILE = {".finder-test-hang": hang, ".finder-test-balloon": balloon, ".finder-test-crash": crash}
