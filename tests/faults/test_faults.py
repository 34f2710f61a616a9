"""The fault-injection suite's quick variant: a few cases of each family, run on the
real CLI; none may end in a traceback, a hang, a signal death or lost data.

The full suite (>= 20 kills, >= 50 damaged files, every disk-full step) is
``python tests/faults/run_faults.py``; its report goes in README's numbers.
"""

from __future__ import annotations

import random
from collections.abc import Callable
from pathlib import Path

import pytest

from tests.faults import fault_cli, fault_disk, fault_files, fault_input, fault_kill, fault_socket
from tests.faults.faultkit import FAILING, Case, Kit


@pytest.fixture(scope="module")
def kit(cache_dir: Path, tmp_path_factory: pytest.TempPathFactory) -> Kit:
    """One workspace for the module: the corpus, its clean builds, the shared cache."""
    return Kit(tmp_path_factory.mktemp("faults"), cache_dir, files=16)


def failures(cases: list[Case]) -> list[str]:
    return [f"{c.name}: {c.outcome}: {c.explain()}" for c in cases if c.outcome in FAILING]


def run_family(cases: Callable[..., object], kit: Kit, limit: int | None = None) -> list[Case]:
    """The first ``limit`` cases of a family's quick plan (those pinned by issue 11)."""
    found = cases(kit, True, random.Random(11), limit)
    if isinstance(found, tuple):  # (cases, reason skipped)
        if found[1]:
            pytest.skip(str(found[1]))
        found = found[0]
    assert isinstance(found, list) and found
    return found


def test_kill_during_index_then_restart_equals_a_clean_build(kit: Kit) -> None:
    """kill -9 of an incremental `finder index`, then `finder index`, loses nothing."""
    assert failures(run_family(fault_kill.cases, kit, 1)) == []


def test_disk_full_fails_cleanly_and_heals_once_space_is_freed(kit: Kit) -> None:
    """A full disk gives "disk full" and keeps the good index; freed, `index` finishes it."""
    assert failures(run_family(fault_disk.cases, kit, 1)) == []


def test_damaged_vectors_heal(kit: Kit) -> None:
    """1 KB of garbage in vectors.hnsw never crashes a command and heals by `finder index`."""
    assert failures(run_family(fault_files.cases, kit, 1)) == []


def test_malformed_manifest_and_pointer_give_a_message(kit: Kit) -> None:
    """A manifest with a wrong dimension, a pointer not in UTF-8: a message, no crash."""
    assert failures(run_family(fault_input.cases, kit, 2)) == []


def test_malformed_socket_requests_leave_the_service_answering(kit: Kit) -> None:
    """After a request `[]`, or while a client sends nothing, status answers within 3 s."""
    assert failures(run_family(fault_socket.cases, kit, 2)) == []


def test_bad_cli_arguments_give_a_message_not_a_traceback(kit: Kit) -> None:
    """--limit 0, a query that is not UTF-8, a broken pipe, a file as data dir: exit 2."""
    assert failures(run_family(fault_cli.cases, kit)) == []
