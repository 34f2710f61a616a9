"""Index settings, stored in the catalog's ``meta`` table as versioned JSON.

They live with the index (not in a config file) because they decide what the index
contains: two data dirs can have different settings.
"""

from __future__ import annotations

import json
import os
from dataclasses import asdict, dataclass, field, replace
from typing import Any

from finder.embed import DEFAULT_MODEL

SETTINGS_VERSION = 1


def default_threads() -> int:
    """One CPU core is left free for the person using the machine."""
    return max(1, (os.cpu_count() or 1) - 1)


@dataclass(frozen=True, slots=True)
class IndexSettings:
    """What to index and how; see :mod:`finder.indexing.scanner` for the default skips."""

    model: str = DEFAULT_MODEL
    exclude_globs: tuple[str, ...] = ()
    include_hidden: bool = False
    max_file_mb: int = 100
    extract_timeout_s: float = 30.0
    extract_memory_mb: int = 1024
    threads: int = field(default_factory=default_threads)

    def to_json(self) -> str:
        return json.dumps({"version": SETTINGS_VERSION, **asdict(self)})

    @classmethod
    def from_json(cls, text: str | None) -> IndexSettings:
        """Settings from stored JSON; unknown keys are ignored, missing ones defaulted."""
        if not text:
            return cls()
        data: dict[str, Any] = json.loads(text)
        data.pop("version", None)
        known = {k: v for k, v in data.items() if k in cls.__dataclass_fields__}
        if "exclude_globs" in known:
            known["exclude_globs"] = tuple(known["exclude_globs"])
        return replace(cls(), **known)
