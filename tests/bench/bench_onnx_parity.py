"""How far the torch-free runtime's vectors are from sentence-transformers' on SciFact.

Not part of the test suite. The installed app (the bundle) indexes with the ONNX export of
the default model run by onnxruntime; the pip app indexes with sentence-transformers on
torch. An index must move between the two, so their vectors must agree: this chunks the
first ``--docs`` SciFact documents the way the indexer does (title, blank line, text; the
real :class:`~finder.chunking.Chunker`), embeds every chunk with both, and prints the
largest absolute difference of any vector component and the smallest cosine, for torch
fp32 (the goal: <= 1e-5) and for torch bf16 (what the pip app picks on a CPU with native
bf16, for reference).

Run from the repository root::

    .venv/bin/python tests/bench/bench_onnx_parity.py [--docs 300] [--export DIR]
"""

from __future__ import annotations

import argparse
import json
import sys
import tempfile
import time
from pathlib import Path

import numpy as np

REPO = Path(__file__).resolve().parents[2]
# shared/ lies beside the main checkout; a worktree sits one level further down.
SCIFACT = (
    next(
        (p for p in (REPO.parent / "shared", REPO.parents[1] / "shared") if p.is_dir()),
        REPO.parent / "shared",
    )
    / "data/ir/scifact"
)
GOAL = 1e-5


def scifact_chunks(docs: int) -> list[str]:
    """The chunk texts of the first ``docs`` SciFact documents, as the indexer cuts them."""
    from finder.chunking import Chunker
    from finder.embed import DEFAULT_MODEL, resolve_model_path
    from finder.extract import Page

    chunker = Chunker(resolve_model_path(DEFAULT_MODEL) / "tokenizer.json")
    texts: list[str] = []
    with open(SCIFACT / "corpus.jsonl", encoding="utf-8") as f:
        for _, line in zip(range(docs), f, strict=False):
            doc = json.loads(line)
            text = f"{(doc.get('title') or '').strip()}\n\n{doc['text']}"
            texts += [c.text for c in chunker.chunk_pages([Page(1, text)])]
    return texts


def compare(a: np.ndarray, b: np.ndarray) -> tuple[float, float]:
    """Largest absolute component difference and smallest cosine between rows."""
    return float(np.abs(a - b).max()), float((a * b).sum(axis=1).min())


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--docs", type=int, default=300)
    parser.add_argument("--export", type=Path, help="an existing export (default: make one)")
    args = parser.parse_args()

    from finder.embed import DEFAULT_MODEL
    from finder.embed.onnx_embedder import OnnxEmbedder
    from finder.embed.onnx_export import export_onnx
    from finder.embed.torch_embedder import SentenceTransformerEmbedder

    texts = scifact_chunks(args.docs)
    with tempfile.TemporaryDirectory() as tmp:
        export = args.export or export_onnx(DEFAULT_MODEL, Path(tmp) / "minilm")
        onnx = OnnxEmbedder(export)
        started = time.perf_counter()
        got = onnx.embed(texts)
        onnx_s = time.perf_counter() - started
    rows = [f"{len(texts)} chunks of {args.docs} SciFact documents; onnxruntime {onnx_s:.1f} s"]
    worst = 0.0
    for precision in ("fp32", "bf16"):
        torch_embedder = SentenceTransformerEmbedder(DEFAULT_MODEL, precision=precision)
        started = time.perf_counter()
        expected = torch_embedder.embed(texts)
        seconds = time.perf_counter() - started
        diff, cosine = compare(got, expected)
        rows.append(
            f"onnx fp32 vs torch {precision} ({seconds:.1f} s): max abs diff {diff:.2e}, "
            f"min cosine {cosine:.7f}"
        )
        if precision == "fp32":
            worst = diff
    print("\n".join(rows))
    print(f"goal (fp32): max abs diff <= {GOAL:g}: {'met' if worst <= GOAL else 'NOT met'}")
    return 0 if worst <= GOAL else 1


if __name__ == "__main__":
    sys.path.insert(0, str(REPO))
    sys.exit(main())
