"""The sentence-transformers embedder used for indexing, on the real model."""

from __future__ import annotations

import numpy as np

from finder.embed import DEFAULT_MODEL, Embedder
from finder.embed.torch_embedder import SentenceTransformerEmbedder

TEXTS = [
    "The plumber replaced the pipes under the kitchen sink.",
    "Quarterly revenue grew by twelve percent.",
    "word " * 400,  # longer than the model window: cut, not an error
]


def test_vectors_are_unit_length_float32(embedder: Embedder) -> None:
    """Every vector is float32 with norm 1, one row per text, of the model's dimension."""
    vectors = embedder.embed(TEXTS)
    assert vectors.dtype == np.float32
    assert vectors.shape == (len(TEXTS), embedder.dimension) == (3, 384)
    np.testing.assert_allclose(np.linalg.norm(vectors, axis=1), 1.0, atol=1e-5)
    assert embedder.embed([]).shape == (0, 384)


def test_reduced_precision_keeps_the_same_meaning(embedder: Embedder) -> None:
    """The session's embedder (bf16 where the CPU has it) matches fp32 to cosine > 0.999."""
    fp32 = SentenceTransformerEmbedder(DEFAULT_MODEL, precision="fp32")
    cosines = (fp32.embed(TEXTS) * embedder.embed(TEXTS)).sum(axis=1)
    assert cosines.min() > 0.999
    assert fp32.max_tokens == 254
