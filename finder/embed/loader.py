"""Pick the embedder for each job.

Indexing uses sentence-transformers on torch (bf16 where the CPU has it: the fastest
precision that keeps quality here), in a child process (:mod:`.process_embedder`) so
the indexing process itself never holds torch. Queries use an ONNX export of the same
model run by onnxruntime when one is available: a fresh ``finder search`` then never
imports torch (5+ s and ~1 GB). The export is made once per model, after indexing, in a
child process (see :func:`ensure_query_export`).

Without torch (the installed app, :mod:`.shipped`) both jobs use the ONNX export shipped
with finder, indexing in the same kind of child process; only the shipped models can be
used then, and nothing is ever exported.
"""

from __future__ import annotations

import logging
import os
import shutil
import subprocess
import sys
from pathlib import Path

from finder.embed.base import Embedder, resolve_model_path
from finder.embed.shipped import export_slug, shipped_export, torch_available

log = logging.getLogger(__name__)


def export_dir_for(model_cache: Path, model_name: str) -> Path:
    """Where the ONNX export of ``model_name`` lives in the shared model cache.

    The folder name carries the model files' fingerprint, so two installations (two
    virtualenvs) sharing one cache keep one export each instead of invalidating each
    other's at every run.
    """
    from finder.embed.onnx_export import source_fingerprint

    slug = export_slug(model_name)
    try:
        fingerprint = source_fingerprint(resolve_model_path(model_name))[:12]
    except LookupError:
        fingerprint = "unavailable"
    return model_cache / f"{slug}-{fingerprint}"


def load_index_embedder(model_name: str, threads: int | None = None) -> Embedder:
    """The torch embedder in a child process, or without torch the shipped ONNX export
    in one; waits for it to load (seconds): call off any GUI thread. Raises
    ``EmbedderProcessError`` when the model cannot load, ``LookupError`` when torch is
    absent and finder ships no export of ``model_name``."""
    from finder.embed.process_embedder import ProcessEmbedder

    if torch_available():
        return ProcessEmbedder(model_name, threads)
    resolve_model_path(model_name)  # the shipped model gone: "reinstall finder"
    shipped = shipped_export(model_name)
    if shipped is None:
        raise LookupError(
            f"model {model_name!r} cannot be used by this finder: it runs without torch, "
            "with the models it ships only (install finder with pip to use other models)"
        )
    return ProcessEmbedder(model_name, threads, onnx_dir=shipped)


def load_query_embedder(model_name: str, model_cache: Path, threads: int | None = None) -> Embedder:
    """The ONNX embedder of the shipped export or of a current, intact export in the
    cache, else the index embedder. A cache export that fails its checksums or fails to
    load for any reason is removed (the next indexing run makes it again)."""
    from finder.embed.onnx_embedder import OnnxEmbedder

    shipped = shipped_export(model_name)
    if shipped is not None:
        return OnnxEmbedder(shipped, threads=threads)
    target = export_dir_for(model_cache, model_name)
    if usable_export(model_name, target):
        try:
            return OnnxEmbedder(target, threads=threads)
        except Exception as err:  # onnxruntime and tokenizers raise their own types
            discard_export(target, f"it does not load: {err}")
    return load_index_embedder(model_name, threads)


def usable_export(model_name: str, target: Path) -> bool:
    """True when ``target`` holds a current export of ``model_name`` whose files match
    their checksums; a damaged one is removed (with a warning), a stale one left for the
    next export to replace."""
    from finder.embed.export_checksums import ExportDamagedError, verify_export
    from finder.embed.onnx_export import onnx_export_is_current

    if not target.is_dir():
        return False
    try:
        verify_export(target)
    except ExportDamagedError as err:
        discard_export(target, str(err))
        return False
    except OSError:
        return False  # a file vanished: another process is replacing the export
    return onnx_export_is_current(model_name, target)


def discard_export(target: Path, reason: str) -> None:
    """Remove a damaged export: renamed aside first, so no reader sees half of it."""
    from finder.embed.onnx_export import OLD_MARK

    log.warning(
        "the fast query model %s is damaged (%s): removed it; queries use the full model "
        "until the next `finder index` makes it again",
        target,
        reason,
    )
    aside = target.with_name(f".{target.name}{OLD_MARK}{os.getpid()}")
    try:
        target.rename(aside)
    except OSError:
        aside = target
    shutil.rmtree(aside, ignore_errors=True)


def ensure_query_export(model_name: str, model_cache: Path, timeout_s: float = 900) -> bool:
    """Export the model for fast queries unless a current export exists; True if usable.

    The export runs in a child process (``python -m finder.embed.onnx_export``): tracing
    holds the GIL for seconds, which would stall searches on other threads of the same
    process (the window's), switches process-wide torch state, and takes ~0.5 GB that the
    indexer would keep afterwards. The child inherits the calling thread's niceness.
    Failure is not fatal (queries then load torch): it is logged and reported as False.
    A shipped export needs none made; without torch none can be made.
    """
    if shipped_export(model_name) is not None:
        return True
    target = export_dir_for(model_cache, model_name)
    if usable_export(model_name, target):
        return True
    if not torch_available():
        return False
    command = [sys.executable, "-m", "finder.embed.onnx_export", model_name, str(target)]
    try:
        done = subprocess.run(command, capture_output=True, text=True, timeout=timeout_s)
    except (OSError, subprocess.TimeoutExpired) as err:
        log.warning("could not export %s for fast queries: %s", model_name, err)
        return False
    if done.returncode != 0:
        reason = (done.stderr.strip().splitlines() or [f"exit status {done.returncode}"])[-1]
        log.warning("could not export %s for fast queries: %s", model_name, reason)
        return False
    return True
