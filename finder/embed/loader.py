"""Pick the embedder for each job.

Indexing uses sentence-transformers on torch (bf16 where the CPU has it: the fastest
precision that keeps quality here). Queries use an ONNX export of the same model run by
onnxruntime when one is available: a fresh ``finder search`` then never imports torch
(5+ s and ~1 GB). The export is made once, by the indexing process, which has torch
loaded anyway.
"""

from __future__ import annotations

import logging
import re
from pathlib import Path

from finder.embed.base import Embedder, resolve_model_path

log = logging.getLogger(__name__)


def export_dir_for(model_cache: Path, model_name: str) -> Path:
    """Where the ONNX export of ``model_name`` lives in the shared model cache.

    The folder name carries the model files' fingerprint, so two installations (two
    virtualenvs) sharing one cache keep one export each instead of invalidating each
    other's at every run.
    """
    from finder.embed.onnx_export import source_fingerprint

    slug = re.sub(r"[^A-Za-z0-9_.-]+", "_", model_name).strip("_")
    try:
        fingerprint = source_fingerprint(resolve_model_path(model_name))[:12]
    except LookupError:
        fingerprint = "unavailable"
    return model_cache / f"{slug}-{fingerprint}"


def load_index_embedder(model_name: str, threads: int | None = None) -> Embedder:
    """The torch embedder; imports torch (seconds): call off any GUI thread."""
    from finder.embed.torch_embedder import SentenceTransformerEmbedder

    return SentenceTransformerEmbedder(model_name, threads=threads)


def load_query_embedder(model_name: str, model_cache: Path, threads: int | None = None) -> Embedder:
    """The ONNX embedder when a current export exists, else the torch one."""
    from finder.embed.onnx_export import onnx_export_is_current

    target = export_dir_for(model_cache, model_name)
    if onnx_export_is_current(model_name, target):
        from finder.embed.onnx_embedder import OnnxEmbedder

        try:
            return OnnxEmbedder(target, threads=threads)
        except (ValueError, OSError) as err:
            log.warning("ONNX export unusable, falling back to torch: %s", err)
    return load_index_embedder(model_name, threads)


def ensure_query_export(model_name: str, model_cache: Path) -> bool:
    """Export the model for fast queries unless a current export exists; True if usable.

    Failure is not fatal (queries then load torch): it is logged and reported as False.
    """
    from finder.embed.onnx_export import export_onnx, onnx_export_is_current

    target = export_dir_for(model_cache, model_name)
    if onnx_export_is_current(model_name, target):
        return True
    try:
        export_onnx(model_name, target)
        return True
    except Exception as err:  # an exporter bug must not fail the indexing run
        log.warning("could not export %s for fast queries: %s", model_name, err)
        return False
