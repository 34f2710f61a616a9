"""Family "damaged files": each index file (catalog, vectors, manifest, ``current``
pointer, settings file) and each file of the ONNX export in the cache (tokenizer.json,
model.onnx, finder-onnx.json) truncated or garbled at a random offset.

``search`` and ``status`` must work or exit 2 with a message (no traceback, no signal
death, no hang); after ``finder check --repair`` (when this finder has it) and
``finder index``, searches by meaning must find the same files as a clean build.
"""

from __future__ import annotations

import os
import random
import shutil
from pathlib import Path

from tests.faults.faultkit import INDEX_TIMEOUT, Case, Kit, has_command

FAMILY = "damaged files"
INDEX_FILES = ("catalog.sqlite3", "vectors.hnsw", "manifest.json", "current", "settings")
EXPORT_FILES = ("tokenizer.json", "model.onnx", "finder-onnx.json")
MODES = (
    "truncate",
    "garble the header",
    "garble 1 byte",
    "garble 16 bytes",
    "garble 1 KB",
    "1 KB of 0xff at 30%",
)


def cases(kit: Kit, quick: bool, rng: random.Random, limit: int | None = None) -> list[Case]:
    """Every target once per mode in the full run (8 x 6 = 48) plus 16 random ones; in
    the quick run three fixed ones that crashed before issue 11."""
    kit.reference("A")
    repair = has_command(kit, "check")
    if quick:
        plan = [
            ("vectors.hnsw", "1 KB of 0xff at 30%"),
            ("current", "garble 16 bytes"),
            ("tokenizer.json", "garble 1 KB"),
        ]
    else:
        targets = (*INDEX_FILES, *EXPORT_FILES)
        plan = [(t, m) for t in targets for m in MODES]
        plan += [(rng.choice(targets), rng.choice(MODES)) for _ in range(16)]
    return [_case(kit, target, mode, rng, repair) for target, mode in plan[:limit]]


def damage(path: Path, mode: str, rng: random.Random) -> str:
    """Truncate or garble ``path`` in place at a random offset; says where."""
    size = path.stat().st_size
    if mode == "1 KB of 0xff at 30%":  # all-ones ids and sizes: what random bytes hit last
        with open(path, "r+b") as f:
            f.seek(size * 3 // 10)
            f.write(b"\xff" * 1024)
        return f"at {size * 3 // 10}/{size}"
    if mode == "truncate":
        offset = rng.randrange(0, max(1, size))
        os.truncate(path, offset)
        return f"cut at {offset}/{size}"
    count = {"garble the header": 64, "garble 1 byte": 1, "garble 16 bytes": 16}.get(mode, 1024)
    offset = 0 if mode == "garble the header" else rng.randrange(0, max(1, size - count))
    with open(path, "r+b") as f:
        f.seek(offset)
        f.write(rng.randbytes(count))
    return f"{count} B at {offset}/{size}"


def _case(kit: Kit, target: str, mode: str, rng: random.Random, repair: bool) -> Case:
    trial = kit.trial_dir("damage")
    data = kit.copy_index("A", trial / "data")
    env = kit.env(FINDER_CONFIG_DIR=str(trial / "config"), FINDER_CACHE_DIR=str(trial / "cache"))
    _link_cache(kit.cache, trial / "cache")
    kit.set_state("A")
    # A writer open saves the settings file: the one to damage, and the one in use after.
    kit.cli(data, "roots", "add", str(kit.root), env=env, timeout=INDEX_TIMEOUT)
    path = _locate(target, data, trial)
    if target == "current":  # no generation yet: the pointer names the data dir's own index
        path.write_bytes(b"index-0\n" if mode == "truncate" else b"\xff\xfeindex-1\x80\n")
    if target in EXPORT_FILES:  # a private copy: the others keep the shared export
        shutil.copyfile(path, path.with_name(path.name + ".copy"))
        os.replace(path.with_name(path.name + ".copy"), path)
    where = damage(path, mode, rng)
    case = Case(FAMILY, f"{target}: {mode}, {where}")
    case.step("search", kit.cli(data, "search", "molten rock eruption", env=env))
    case.step("status", kit.cli(data, "status", env=env))
    if repair:
        case.step(
            "check --repair", kit.cli(data, "check", "--repair", env=env, timeout=INDEX_TIMEOUT)
        )
    case.step("index", kit.cli(data, "index", str(kit.root), env=env, timeout=INDEX_TIMEOUT))
    kit.compare(case, data, "A", env)
    return case


def _locate(target: str, data: Path, trial: Path) -> Path:
    if target in EXPORT_FILES:
        found = sorted((trial / "cache" / "models").glob(f"*/{target}"))
        if not found:
            raise FileNotFoundError(f"no {target} in the model cache")
        return found[0]
    if target == "settings":  # wherever this finder keeps it: the config dir or the data dir
        found = sorted((trial / "config").rglob("*.json")) or sorted(data.glob("settings*.json"))
        if not found:
            raise FileNotFoundError("no settings file")
        return found[0]
    return data / target


def _link_cache(shared: Path, private: Path) -> None:
    """A copy of the shared cache made of hard links: cheap, and a file replaced in it
    (not written in place) leaves the shared one alone."""
    shutil.copytree(shared, private, copy_function=os.link)
