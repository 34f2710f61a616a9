"""Embedders: turn chunks of text and queries into L2-normalised vectors.

:class:`finder.embed.base.Embedder` is the protocol; :mod:`finder.embed.loader` picks an
implementation (``load_index_embedder``: torch in a child process; ``load_query_embedder``:
the ONNX export when it is current). Importing this package is cheap: torch and
onnxruntime are imported only when a model is loaded.
"""

from finder.embed.base import DEFAULT_MODEL, Embedder, resolve_model_path

__all__ = ["DEFAULT_MODEL", "Embedder", "resolve_model_path"]
