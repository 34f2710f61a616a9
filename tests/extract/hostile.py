"""Deliberately misbehaving extractors, for testing the sandbox and what depends on it.

The ``hostile_extractors`` fixture (tests/conftest.py) adds :data:`HOSTILE` to the
registry's table for one test; the sandbox hands such additions to its spawned workers,
which import this module to unpickle them. A subprocess running finder adds them itself
(:data:`REGISTER`).
"""

from __future__ import annotations

import os
from pathlib import Path

from finder.extract.types import Extracted, ExtractLimits


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

# Python lines that add them in a process started with `python -c` (the repository's
# root on its path).
REGISTER = (
    "from finder.extract.registry import EXTRACTORS\n"
    "from tests.extract.hostile import HOSTILE\n"
    "EXTRACTORS.update(HOSTILE)\n"
)
