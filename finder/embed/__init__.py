"""Embedders: turn chunks of text and queries into L2-normalised vectors.

:class:`finder.embed.base.Embedder` is the protocol; ``load_embedder`` picks an
implementation. Importing this package is cheap: torch and onnxruntime are imported only
when a model is loaded.
"""

from finder.embed.base import DEFAULT_MODEL, Embedder, resolve_model_path

__all__ = ["DEFAULT_MODEL", "Embedder", "resolve_model_path"]
