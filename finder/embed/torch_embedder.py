"""sentence-transformers on torch: the embedder used for indexing."""

from __future__ import annotations

import numpy as np

from finder.embed.base import resolve_model_path
from finder.embed.precision import choose_precision


class SentenceTransformerEmbedder:
    """Embeds with a local sentence-transformers model, in bf16 where the CPU has it.

    Loading imports torch (seconds): never construct this on a GUI thread. Not
    thread-safe; the indexer's writer thread owns it.
    """

    def __init__(
        self, model_name: str, *, precision: str | None = None, threads: int | None = None
    ) -> None:
        import torch
        import transformers
        from sentence_transformers import SentenceTransformer

        # The "Loading weights" bar would print over our own progress on stderr.
        transformers.logging.disable_progress_bar()

        if threads:
            torch.set_num_threads(threads)
        self._name = model_name
        self.precision = precision or choose_precision()
        self._model = SentenceTransformer(
            str(resolve_model_path(model_name)), device="cpu", local_files_only=True
        )
        if self.precision == "bf16":
            self._model = self._model.to(torch.bfloat16)
        self._model.eval()
        dim = self._model.get_embedding_dimension()
        if dim is None:
            raise ValueError(f"model {model_name!r} does not report its embedding dimension")
        self._dimension = int(dim)
        self._max_tokens = int(self._model.max_seq_length or 256) - 2  # [CLS] and [SEP]

    @property
    def model_name(self) -> str:
        return self._name

    @property
    def dimension(self) -> int:
        return self._dimension

    @property
    def max_tokens(self) -> int:
        return self._max_tokens

    def embed(self, texts: list[str]) -> np.ndarray:
        if not texts:
            return np.zeros((0, self._dimension), dtype=np.float32)
        vectors = self._model.encode(
            texts,
            batch_size=32,
            convert_to_numpy=True,
            show_progress_bar=False,
        )
        # Normalise after leaving bf16: a bf16 norm is only good to ~3 digits.
        vectors = np.asarray(vectors, dtype=np.float32)
        norms = np.linalg.norm(vectors, axis=1, keepdims=True)
        return np.ascontiguousarray(vectors / np.maximum(norms, 1e-12))
