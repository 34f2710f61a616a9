"""onnxruntime embedder: embeds search queries without importing torch.

Loads an export written by :func:`finder.embed.onnx_export.export_onnx` and reproduces
sentence-transformers' encode around the graph: tokenise (truncate to max_seq_length, pad
to the longest text), run the transformer, pool over the attention mask, L2-normalise.
Imports only numpy, onnxruntime and tokenizers, so a fresh search process is ready in
well under a second and stays far below the memory torch would take.
"""

from __future__ import annotations

from pathlib import Path

import numpy as np
import onnxruntime as ort
from tokenizers import Tokenizer

from finder.embed.onnx_export import MODEL_FILE, TOKENIZER_FILE, read_export_info

# Texts per graph run when embedding many: bounds the padded activation tensor, as
# sentence-transformers' batch_size does.
_BATCH = 32


class OnnxEmbedder:
    """The :class:`finder.embed.base.Embedder` for an ONNX export folder.

    Construction reads the folder and builds the onnxruntime session (a few hundred ms);
    ``ValueError`` if ``export_dir`` is not a complete export. Whether the export is still
    current for its model is the caller's question
    (:func:`finder.embed.onnx_export.onnx_export_is_current`). ``threads`` caps
    onnxruntime's intra-op threads (default: one per physical core). Not thread-safe: one
    thread owns the embedder at a time.
    """

    def __init__(self, export_dir: Path, *, threads: int | None = None) -> None:
        export_dir = Path(export_dir)
        info = read_export_info(export_dir)
        self._info = info

        tokenizer = Tokenizer.from_file(str(export_dir / TOKENIZER_FILE))
        # tokenizer.json carries the settings it was saved with (all-MiniLM-L6-v2's: cut
        # at 128, pad to a fixed 128); sentence-transformers overrides both per call.
        tokenizer.enable_truncation(info.max_seq_length)
        tokenizer.enable_padding(pad_id=info.pad_id, pad_token=info.pad_token)
        self._tokenizer = tokenizer

        options = ort.SessionOptions()
        if threads:
            options.intra_op_num_threads = threads
        # One graph run at a time per query: parallel branches would only add thread hops.
        options.execution_mode = ort.ExecutionMode.ORT_SEQUENTIAL
        options.inter_op_num_threads = 1
        options.graph_optimization_level = ort.GraphOptimizationLevel.ORT_ENABLE_ALL
        self._session = ort.InferenceSession(
            str(export_dir / MODEL_FILE), options, providers=["CPUExecutionProvider"]
        )
        self._input_names = info.input_names

    @property
    def model_name(self) -> str:
        return self._info.model_name

    @property
    def dimension(self) -> int:
        return self._info.dimension

    @property
    def max_tokens(self) -> int:
        return self._info.max_seq_length - 2  # [CLS] and [SEP]

    def embed(self, texts: list[str]) -> np.ndarray:
        """Vectors for ``texts``, shape (len(texts), dimension), float32, unit length."""
        if not texts:
            return np.zeros((0, self._info.dimension), dtype=np.float32)
        if len(texts) <= _BATCH:
            return self._embed_batch(texts)
        # Sort by length so each batch pads to similar lengths, then restore the order.
        order = sorted(range(len(texts)), key=lambda i: len(texts[i]))
        out = np.empty((len(texts), self._info.dimension), dtype=np.float32)
        for start in range(0, len(order), _BATCH):
            idx = order[start : start + _BATCH]
            out[idx] = self._embed_batch([texts[i] for i in idx])
        return out

    def _embed_batch(self, texts: list[str]) -> np.ndarray:
        if self._info.do_lower_case:
            texts = [t.lower() for t in texts]
        encodings = self._tokenizer.encode_batch(texts)
        mask = np.array([e.attention_mask for e in encodings], dtype=np.int64)
        feeds = {"input_ids": np.array([e.ids for e in encodings], dtype=np.int64)}
        feeds["attention_mask"] = mask
        if "token_type_ids" in self._input_names:
            feeds["token_type_ids"] = np.array([e.type_ids for e in encodings], dtype=np.int64)
        (hidden,) = self._session.run(None, feeds)
        vectors = _pool(np.asarray(hidden, dtype=np.float32), mask, self._info.pooling)
        # The Embedder contract is unit vectors, whether or not the model ends in Normalize;
        # the 1e-12 floor is torch.nn.functional.normalize's, so results match.
        norms = np.linalg.norm(vectors, axis=1, keepdims=True)
        return np.ascontiguousarray(vectors / np.maximum(norms, 1e-12), dtype=np.float32)


def _pool(hidden: np.ndarray, mask: np.ndarray, mode: str) -> np.ndarray:
    """sentence-transformers' Pooling: (batch, seq, dim) token vectors to (batch, dim)."""
    if mode == "cls":
        return hidden[:, 0]
    weights = mask.astype(np.float32)
    if mode == "max":
        # Padding must never win the max, whatever its activations are.
        return np.where(weights[:, :, None] > 0, hidden, -1e9).max(axis=1)
    summed = np.einsum("bsd,bs->bd", hidden, weights)
    counts = np.maximum(weights.sum(axis=1, keepdims=True), 1e-9)
    return summed / counts
