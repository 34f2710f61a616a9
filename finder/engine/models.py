"""The models one engine has loaded: the index embedder and the query embedder.

The index embedder (torch, in a child process: see
:mod:`finder.embed.process_embedder`) embeds chunks for the writer; the query embedder
(ONNX when an export exists) embeds queries for a reader. Each loads on first use
(seconds), and a query embedder of the same model as a loaded index embedder is that
one, so a writer that also searches loads one model, not two.

Thread: :meth:`index_embedder` on the writer's thread; :meth:`embed_query` on any one
thread at a time (a searcher's helper thread); neither touches SQLite.
"""

from __future__ import annotations

from pathlib import Path

import numpy as np

from finder.embed import Embedder
from finder.embed.loader import load_index_embedder, load_query_embedder
from finder.embed.process_embedder import ProcessEmbedder


class Models:
    """Embedders loaded on first use, for one data dir's model cache."""

    def __init__(self, model_cache: Path, index_embedder: Embedder | None = None) -> None:
        self.model_cache = model_cache
        # By model: while a new model's index is built, the old model still embeds the
        # files that change meanwhile. A given one (a test session's) is never closed.
        self._index: dict[str, Embedder] = {}
        if index_embedder is not None:
            self._index[index_embedder.model_name] = index_embedder
        self._query: Embedder | None = None

    def index_embedder(self, model: str, threads: int) -> Embedder:
        if model not in self._index:
            self._index[model] = load_index_embedder(model, threads)
        return self._index[model]

    def embed_query(self, text: str, model: str, threads: int) -> np.ndarray:
        """``text`` embedded by ``model``, loading it first if need be."""
        if self._query is None or self._query.model_name != model:
            index = self._index.get(model)
            self._query = index or load_query_embedder(model, self.model_cache, threads)
        return self._query.embed([text])[0]

    def query_model_loaded(self) -> bool:
        return self._query is not None

    def release_query(self) -> None:
        """Let go of the query model (an ONNX session's threads end with it)."""
        self._query = None

    def release(self) -> None:
        """Stop the index embedders' processes, if any (each starts again when needed)."""
        for embedder in self._index.values():
            if isinstance(embedder, ProcessEmbedder):
                embedder.close()

    def keep_only(self, model: str) -> None:
        """Forget the index embedders of other models (after a swap to ``model``)."""
        for name in [name for name in self._index if name != model]:
            embedder = self._index.pop(name)
            if isinstance(embedder, ProcessEmbedder):
                embedder.close()
