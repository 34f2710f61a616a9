"""Family "malformed files": the settings file with a wrong type for each key, the
manifest and the ``current`` pointer with wrong content. Commands must work (the bad
file set aside with a message naming it) or exit 2 with a message; after ``finder
index`` the index must equal a clean build."""

from __future__ import annotations

import json
import random
from collections.abc import Callable
from functools import partial
from pathlib import Path
from typing import Any

from tests.faults.faultkit import INDEX_TIMEOUT, Case, Kit

FAMILY = "malformed files"
# A wrong value for each type a settings key can have.
_WRONG: dict[type, Any] = {int: "big", float: "slow", str: 5, bool: "yes", list: "x", dict: []}


def cases(kit: Kit, quick: bool, rng: random.Random, limit: int | None = None) -> list[Case]:
    """Settings keys one by one, then manifests and pointers; quick: one of each."""
    kit.reference("A")
    settings = _settings_plan(kit)
    manifests: list[tuple[str, bytes]] = [
        (
            "dimension 7",
            json.dumps({"model": "all-MiniLM-L6-v2", "dimension": 7, "schema_version": 1}).encode(),
        ),
        ("a JSON list", b"[]"),
        ("an empty object", b"{}"),
        ("not UTF-8", b'{"model": "\xff\xfe", "dimension": 384}'),
        (
            "dimension as text",
            b'{"model": "all-MiniLM-L6-v2", "dimension": "384", "schema_version": 1}',
        ),
    ]
    pointers: list[tuple[str, bytes]] = [
        ("not UTF-8", b"\xff\xfe\x80index-1\n"),
        ("a missing generation", b"index-99\n"),
        ("a path outside", b"../../etc\n"),
        ("empty", b""),
    ]
    if quick:
        settings, manifests, pointers = settings[:2], manifests[:1], pointers[:1]
    plan: list[Callable[[], Case]] = [
        *(partial(_file_case, kit, "manifest.json", name, data) for name, data in manifests),
        *(partial(_file_case, kit, "current", name, data) for name, data in pointers),
        *(partial(_settings_case, kit, key, value) for key, value in settings),
    ]
    return [make() for make in plan[:limit]]


def _settings_plan(kit: Kit) -> list[tuple[str, Any]]:
    """(key, wrong value) for "roots", each key of "index" and the file as a whole."""
    trial = kit.trial_dir("settings-probe")
    data = kit.copy_index("A", trial / "data")
    env = kit.env(FINDER_CONFIG_DIR=str(trial / "config"))
    kit.cli(data, "roots", "add", str(kit.root), env=env, timeout=INDEX_TIMEOUT)
    found = sorted((trial / "config").rglob("*.json")) or sorted(data.glob("settings*.json"))
    saved = json.loads(found[0].read_text(encoding="utf-8")) if found else {"index": {}}
    plan: list[tuple[str, Any]] = [("roots", "abc"), ("(whole file)", []), ("index", "fast")]
    for key, value in saved.get("index", {}).items():
        plan.append((f"index.{key}", _WRONG.get(type(value), {"x": 1})))
    return plan


def _settings_case(kit: Kit, key: str, value: Any) -> Case:
    trial = kit.trial_dir("settings")
    data = kit.copy_index("A", trial / "data")
    env = kit.env(FINDER_CONFIG_DIR=str(trial / "config"))
    kit.set_state("A")
    kit.cli(data, "roots", "add", str(kit.root), env=env, timeout=INDEX_TIMEOUT)
    found = sorted((trial / "config").rglob("*.json")) or sorted(data.glob("settings*.json"))
    case = Case(FAMILY, f"settings {key} = {json.dumps(value)}")
    if not found:
        case.note = "no settings file found"
        return case
    saved = json.loads(found[0].read_text(encoding="utf-8"))
    if key == "(whole file)":
        saved = value
    elif key.startswith("index."):
        saved["index"][key.removeprefix("index.")] = value
    else:
        saved[key] = value
    found[0].write_text(json.dumps(saved), encoding="utf-8")
    steps = [
        ("status", kit.cli(data, "status", env=env)),
        ("search", kit.cli(data, "search", "molten rock eruption", env=env)),
        ("index", kit.cli(data, "index", env=env, timeout=INDEX_TIMEOUT)),
        ("roots list", kit.cli(data, "roots", "list", env=env)),
    ]
    for label, result in steps:
        case.step(label, result)
    roots = steps[-1][1].stdout.split()
    if any(Path(r).name in ("a", "b", "c") for r in roots):
        case.silent = f"the string became roots: {', '.join(roots)}"
    elif not any(k in r.stderr.lower() for _, r in steps for k in ("settings", key.split(".")[-1])):
        case.silent = "no message names the bad settings file or key"
    case.step(
        "index, recovery", kit.cli(data, "index", str(kit.root), env=env, timeout=INDEX_TIMEOUT)
    )
    kit.compare(case, data, "A", env)
    return case


def _file_case(kit: Kit, name: str, label: str, content: bytes) -> Case:
    trial = kit.trial_dir("malformed")
    data = kit.copy_index("A", trial / "data")
    env = kit.env(FINDER_CONFIG_DIR=str(trial / "config"))
    kit.set_state("A")
    (data / name).write_bytes(content)
    case = Case(FAMILY, f"{name}: {label}")
    case.step("search", kit.cli(data, "search", "molten rock eruption", env=env))
    case.step("status", kit.cli(data, "status", env=env))
    case.step("index", kit.cli(data, "index", str(kit.root), env=env, timeout=INDEX_TIMEOUT))
    kit.compare(case, data, "A", env)
    return case
