"""``manifest.json``: which model and dimension the stored vectors belong to.

Read by every process before it trusts the vector index; written atomically (temp file,
fsync, rename) by the writer when the model is chosen or changed.
"""

from __future__ import annotations

import json
from dataclasses import asdict, dataclass
from pathlib import Path

from finder.store.atomic import write_text_atomically
from finder.store.schema import SCHEMA_VERSION


@dataclass(frozen=True, slots=True)
class Manifest:
    """What the data dir's vectors were made with."""

    model: str
    dimension: int
    schema_version: int = SCHEMA_VERSION


def read_manifest(path: Path) -> Manifest | None:
    """The manifest, or None when there is none or it cannot be parsed (treated as new)."""
    try:
        data = json.loads(path.read_text(encoding="utf-8"))
        return Manifest(
            model=str(data["model"]),
            dimension=int(data["dimension"]),
            schema_version=int(data.get("schema_version", SCHEMA_VERSION)),
        )
    except (OSError, ValueError, KeyError, TypeError):
        return None


def write_manifest(path: Path, manifest: Manifest) -> None:
    write_text_atomically(path, json.dumps(asdict(manifest), indent=2))
