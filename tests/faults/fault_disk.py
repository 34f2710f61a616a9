"""Family "disk full": the data dir and the config dir on a small tmpfs, filled by a
filler file so that only N bytes are free, with N stepping so the writes of the
catalog, its journal, the vectors, the manifest and the settings fail at different
points. ``finder index`` must succeed or exit non-zero saying "disk full"; the index
must still answer; once the filler is gone ``finder index`` must equal a clean build."""

from __future__ import annotations

import random
import shutil
from pathlib import Path

from tests.faults.faultkit import INDEX_TIMEOUT, UNCLEAR, Case, Kit
from tests.store.small_disk import fill_until, tmpfs

FAMILY = "disk full"
MOUNT_BYTES = 32 * 2**20
FREE_STEPS_KB = (0, 8, 32, 96, 192, 320, 512, 1024)


def cases(
    kit: Kit, quick: bool, rng: random.Random, limit: int | None = None
) -> tuple[list[Case], str]:
    """The cases, or none and the reason the family was skipped."""
    kit.reference("A")
    kit.reference("B")
    plan = [("incremental", kb) for kb in FREE_STEPS_KB]
    plan += [("fresh", kb) for kb in FREE_STEPS_KB]
    if quick:
        plan = [("incremental", 256), ("fresh", 24)]
    mount = kit.work / "tmpfs"
    try:
        with tmpfs(mount, MOUNT_BYTES):
            return [_case(kit, mount, kind, kb) for kind, kb in plan[:limit]], ""
    except PermissionError as err:
        return [], f"skipped: cannot mount a tmpfs here ({err})"


def _case(kit: Kit, mount: Path, kind: str, free_kb: int) -> Case:
    for entry in mount.iterdir():
        shutil.rmtree(entry) if entry.is_dir() else entry.unlink()
    data = mount / "data"
    env = kit.env(FINDER_CONFIG_DIR=str(mount / "config"))
    want = "A"
    kit.set_state("A")
    if kind == "incremental":
        kit.copy_index("A", data)
        kit.set_state("B")
        want = "B"
    filler = fill_until(mount, free_kb * 1024)
    case = Case(FAMILY, f"{kind}, {free_kb} KB free")
    result = kit.cli(data, "index", str(kit.root), timeout=INDEX_TIMEOUT, env=env)
    seen = case.step("index, disk full", result)
    if result.returncode != 0 and seen != UNCLEAR and "disk full" not in result.stderr.lower():
        case.steps.append(("index, disk full", UNCLEAR, "no 'disk full' in: " + case.steps[-1][2]))
    if result.returncode == 0:
        lost = kit.snapshot(data, env)
        _, clean = kit.reference(want)
        if clean.difference(lost):
            case.lost = "reported success but: " + clean.difference(lost)
            case.note = "(before space was freed)"
    case.step("search, disk full", kit.cli(data, "search", "molten rock eruption", env=env))
    filler.unlink()
    if not case.lost:
        case.step(
            "index, space freed",
            kit.cli(data, "index", str(kit.root), timeout=INDEX_TIMEOUT, env=env),
        )
        kit.compare(case, data, want, env)
    return case
