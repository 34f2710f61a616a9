"""Compare the disk with the catalog, stat only: what is new, changed, gone or the same.

Two scopes: every root (a full rescan) or given paths (a watcher's batch), judged by the
same scanner rules, so both agree on what belongs in the index.

Thread: the writer's (it reads the catalog through the writer's connection).
"""

from __future__ import annotations

import logging
import os
from collections.abc import Iterable
from dataclasses import dataclass, field
from pathlib import Path

from finder.domain import FileState, FileStatus
from finder.extract import ExtractLimits
from finder.extract.registry import extractor_for
from finder.indexing.scanner import DiskFile, scan, scan_path
from finder.path_rules import ScanRules, catalog_path, folder_prefix, is_within
from finder.store.catalog import Catalog

log = logging.getLogger(__name__)


@dataclass(slots=True)
class ScanPlan:
    """The difference between disk and catalog, as work to do."""

    new: list[DiskFile] = field(default_factory=list)
    changed: list[tuple[DiskFile, FileState]] = field(default_factory=list)
    vanished: list[FileState] = field(default_factory=list)
    unchanged: int = 0
    unavailable: list[str] = field(default_factory=list)  # roots not on disk right now
    unreadable: dict[str, str] = field(default_factory=dict)  # folder -> why not listed
    unread: dict[str, str] = field(default_factory=dict)  # file -> why reading it failed
    # Every known file is in ``changed`` to be parsed again, whatever its content hash:
    # extraction itself changed (finder.extract.normalise.EXTRACTION_VERSION).
    reextract: bool = False


class Planner:
    """Builds scan plans for one catalog under one set of rules and limits."""

    def __init__(self, catalog: Catalog, rules: ScanRules, limits: ExtractLimits) -> None:
        self.catalog = catalog
        self.rules = rules
        self.limits = limits

    def roots(self, roots: Iterable[str], *, reextract: bool = False) -> ScanPlan:
        """Compare the disk under ``roots`` with the catalog (stat only, no reading).

        A root that is not there right now (an unplugged drive, an unmounted share) is
        left alone: its files stay in the index rather than being taken as deleted.
        ``reextract``: every known file found on disk counts as changed (see
        :attr:`ScanPlan.reextract`).
        """
        known = self.catalog.file_states()
        plan = ScanPlan(reextract=reextract)
        seen: set[str] = set()
        roots = list(roots)
        absent = [r for r in roots if not os.path.isdir(r)]
        for root in absent:
            log.warning("folder %s is not available: keeping its files as they were", root)
        plan.unavailable = absent
        for disk in scan([r for r in roots if r not in absent], self.rules, plan.unreadable):
            key = catalog_path(disk.path)
            if key in seen:
                continue
            seen.add(key)
            self._classify(plan, disk, known.get(key))
        kept = tuple(folder_prefix(r) for r in absent)  # files below an absent root
        plan.vanished = [
            state
            for path, state in known.items()
            if path not in seen and not (kept and path.startswith(kept))
        ]
        return plan

    def paths(self, paths: Iterable[str]) -> ScanPlan:
        """Compare the disk at and under each of ``paths`` with the catalog (stat only).

        A path is judged by the rules of the outermost root that holds it; a path under
        no root, or under a root that is not available right now, is left alone.
        """
        roots = sorted(self.catalog.roots(), key=len)
        plan = ScanPlan()
        covered: list[str] = []
        for path in sorted({os.path.normpath(p) for p in paths}):
            if any(is_within(path, c) for c in covered):
                continue  # a folder already in this batch covers it
            root = next((r for r in roots if is_within(path, r)), None)
            if root is None or not os.path.isdir(root):
                continue
            covered.append(path)
            known = self.catalog.file_states_at_or_under(catalog_path(path))
            for disk in scan_path(root, path, self.rules):
                state = known.pop(catalog_path(disk.path), None)
                self._classify(plan, disk, state)
            plan.vanished.extend(known.values())
        return plan

    def _classify(self, plan: ScanPlan, disk: DiskFile, state: FileState | None) -> None:
        if state is None:
            plan.new.append(disk)
        elif (
            plan.reextract
            or state.size != disk.size
            or state.mtime_ns != disk.mtime_ns
            or self._now_readable(state, disk)
        ):
            plan.changed.append((disk, state))
        else:
            plan.unchanged += 1

    def _now_readable(self, state: FileState, disk: DiskFile) -> bool:
        """A name-only file that the current settings would read (size limit raised)."""
        return (
            state.status is FileStatus.NAME_ONLY
            and disk.size <= self.limits.max_file_bytes
            and extractor_for(Path(disk.path)) is not None
        )
