"""The torch-free runtime: ONNX exports shipped with an installed finder, and whether torch
is there at all.

The installed app (a PyInstaller bundle: packaging/) carries no torch, no
sentence-transformers and no model wheel. Its build exports the default model to ONNX
(:func:`finder.embed.onnx_export.export_onnx`) into ``<bundle>/finder-models/<slug>/``,
and the app indexes and searches with that export through onnxruntime; nothing is
exported, compiled or downloaded on the user's machine. The vectors equal
sentence-transformers' fp32 ones (max abs difference 1.8e-7 on SciFact chunks), so an index
moves between the installed app and a pip install.

Where shipped exports are looked for: ``$FINDER_SHIPPED_MODELS`` when set (tests, and
anyone running finder from source against a ready export), else the bundle's data folder
when running frozen, else nowhere. Shipped exports are read-only files owned by the
package manager, so they are not hashed at each start as the cache's exports are (that
costs ~190 ms of a search process's start); their info file and model size are checked.

Imports nothing heavy; safe in any process and thread.
"""

from __future__ import annotations

import importlib.util
import os
import re
import sys
from pathlib import Path

SHIPPED_ENV = "FINDER_SHIPPED_MODELS"
BUNDLE_FOLDER = "finder-models"  # inside the bundle's data folder (sys._MEIPASS)
_PREFIX = "sentence-transformers/"


def export_slug(model_name: str) -> str:
    """A folder name for ``model_name``'s export: path separators and the like replaced."""
    return re.sub(r"[^A-Za-z0-9_.-]+", "_", model_name).strip("_")


def shipped_models_root() -> Path | None:
    """The folder holding shipped exports, or None when this finder has none."""
    configured = os.environ.get(SHIPPED_ENV)
    if configured:
        return Path(configured)
    bundle = getattr(sys, "_MEIPASS", None)
    if getattr(sys, "frozen", False) and bundle:
        return Path(bundle) / BUNDLE_FOLDER
    return None


def shipped_export(model_name: str) -> Path | None:
    """The shipped export of ``model_name`` when there is a complete one, else None.

    A model named with or without the ``sentence-transformers/`` prefix is the same model.
    """
    root = shipped_models_root()
    if root is None:
        return None
    from finder.embed.onnx_export import read_export_info

    wanted = model_name.removeprefix(_PREFIX)
    target = root / export_slug(wanted)
    try:
        info = read_export_info(target)
    except ValueError:
        return None
    return target if info.model_name.removeprefix(_PREFIX) == wanted else None


def torch_available() -> bool:
    """True when sentence-transformers and torch can be imported (without importing them:
    that takes seconds). False in the bundle, which leaves both out, and where an import
    of either is blocked (``sys.modules["torch"] = None``)."""
    try:
        return all(
            importlib.util.find_spec(m) is not None for m in ("torch", "sentence_transformers")
        )
    except (ImportError, ValueError):  # a parent package broken, or a module without spec
        return False
