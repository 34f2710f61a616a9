"""Export a sentence-transformers model to ONNX so queries can be embedded without torch.

The indexer runs :func:`export_onnx` once per model, in a child process
(``python -m finder.embed.onnx_export MODEL TARGET``, see
:func:`finder.embed.loader.ensure_query_export`); search processes then load the export
with :class:`finder.embed.onnx_embedder.OnnxEmbedder` and never import torch.

An export is a folder holding ``model.onnx`` (the transformer: token ids in,
``last_hidden_state`` out), the model's ``tokenizer.json``, ``finder-onnx.json``
(:class:`OnnxExportInfo`: what the embedder must do around the graph, plus a fingerprint of
the source files so a stale export is noticed) and their checksums
(:mod:`.export_checksums`, so a garbled one is noticed). Pooling and normalisation stay outside the
graph, in numpy.

Importing this module is cheap (stdlib and numpy): torch, transformers and onnx are
imported only inside :func:`export_onnx`, so search processes may call
:func:`onnx_export_is_current` and :func:`read_export_info` freely.
"""

from __future__ import annotations

import contextlib
import hashlib
import json
import os
import shutil
import sys
import tempfile
import time
import warnings
from dataclasses import asdict, dataclass
from pathlib import Path
from typing import Any

from finder.embed.base import resolve_model_path
from finder.embed.export_checksums import CHECKSUMS_FILE, write_checksums

INFO_FILE = "finder-onnx.json"
MODEL_FILE = "model.onnx"
TOKENIZER_FILE = "tokenizer.json"
# Marks sibling folders of a target that are not exports: an export in progress (or one
# that crashed) and a replaced export waiting to be deleted. Readers never look at them.
PARTIAL_MARK = ".partial-"
OLD_MARK = ".old-"
# Bump when the layout or meaning of an export changes, so old exports count as stale.
FORMAT_VERSION = 1
# The legacy TorchScript exporter goes up to opset 20; 17 is the first with a native
# LayerNormalization, which onnxruntime (1.18 and later) runs as one fused kernel.
OPSET = 17
# Leftover partial folders older than this are from a crashed export, not a running one.
_STALE_PARTIAL_SECONDS = 3600.0
_SUPPORTED_POOLING = ("mean", "cls", "max")
_LEGACY_POOLING_KEYS = {
    "pooling_mode_mean_tokens": "mean",
    "pooling_mode_cls_token": "cls",
    "pooling_mode_max_tokens": "max",
}
# Files whose change means the export no longer matches the model.
_SOURCE_FILES = (
    "config.json",
    "model.safetensors",
    "pytorch_model.bin",
    "tokenizer.json",
    "tokenizer_config.json",
    "special_tokens_map.json",
    "sentence_bert_config.json",
    "modules.json",
)


@dataclass(frozen=True)
class OnnxExportInfo:
    """The contents of ``finder-onnx.json``: everything the embedder needs beside the graph."""

    format_version: int
    model_name: str
    source_fingerprint: str
    max_seq_length: int
    pooling: str  # one of "mean", "cls", "max"
    normalize: bool  # the model ends in a Normalize module (the embedder normalises anyway)
    do_lower_case: bool
    dimension: int
    input_names: tuple[str, ...]
    pad_token: str
    pad_id: int
    onnx_bytes: int  # size of model.onnx, so a truncated copy is caught

    def to_json(self) -> str:
        return json.dumps(asdict(self), indent=2, sort_keys=True) + "\n"

    @classmethod
    def from_json(cls, text: str) -> OnnxExportInfo:
        raw = json.loads(text)
        if not isinstance(raw, dict) or raw.get("format_version") != FORMAT_VERSION:
            raise ValueError("not a finder ONNX export of the current format")
        raw["input_names"] = tuple(raw["input_names"])
        return cls(**raw)


def read_export_info(export_dir: Path) -> OnnxExportInfo:
    """The export's metadata; ``ValueError`` when ``export_dir`` is not a complete export."""
    try:
        info = OnnxExportInfo.from_json((export_dir / INFO_FILE).read_text(encoding="utf-8"))
        onnx_size = (export_dir / MODEL_FILE).stat().st_size
        has_tokenizer = (export_dir / TOKENIZER_FILE).is_file()
    except (OSError, TypeError, KeyError, json.JSONDecodeError) as exc:
        raise ValueError(f"{export_dir} is not a finder ONNX export: {exc}") from exc
    if onnx_size != info.onnx_bytes or not has_tokenizer:
        raise ValueError(f"{export_dir} is an incomplete finder ONNX export")
    return info


def source_fingerprint(model_dir: Path) -> str:
    """A short hash of the names, sizes and mtimes of the model's source files.

    Sizes and mtimes rather than contents: hashing 90 MB of weights would cost a search
    process ~100 ms on every start just to check the export is current.
    """
    parts: list[Any] = [FORMAT_VERSION]
    for rel in (*_SOURCE_FILES, _pooling_dir(model_dir) + "/config.json"):
        path = model_dir / rel
        with contextlib.suppress(OSError):
            st = path.stat()
            parts.append([rel, st.st_size, st.st_mtime_ns])
    return hashlib.sha256(json.dumps(parts).encode()).hexdigest()[:32]


def onnx_export_is_current(model_name: str, target_dir: Path) -> bool:
    """True when ``target_dir`` holds a complete export of ``model_name``'s current files.

    Cheap (a few stats, no hashing of weights) and imports nothing heavy: meant for a
    search process to decide between loading the export and asking for a new one. False
    also when the model itself is not available offline.
    """
    try:
        info = read_export_info(target_dir)
        model_dir = resolve_model_path(model_name)
    except (ValueError, LookupError):
        return False
    return info.model_name == model_name and info.source_fingerprint == source_fingerprint(
        model_dir
    )


def export_onnx(model_name: str, target_dir: Path) -> Path:
    """Export ``model_name`` to ONNX in ``target_dir``, replacing what was there; returns it.

    Loads the transformer in fp32 from the local model folder (offline), traces it with
    torch's TorchScript ONNX exporter (needs the ``onnx`` package besides torch and
    transformers), checks the graph against torch on a padded batch, and only then moves
    the finished folder into place with a rename, so ``target_dir`` is either absent, the
    old export or the complete new one. Takes ~3 s and peaks ~0.5 GB above the
    process's baseline (a second fp32 copy of the model plus a checking onnxruntime session).

    Tracing switches process-wide torch exporter state: finder calls it in a child
    process of its own. Raises ``LookupError`` for a model not available offline and
    ``ValueError`` for a model this export cannot represent (pooling other than
    mean/cls/max, or extra modules such as Dense).
    """
    model_dir = resolve_model_path(model_name)
    target_dir = Path(target_dir)
    target_dir.parent.mkdir(parents=True, exist_ok=True)
    _remove_leftovers(target_dir)
    partial = Path(
        tempfile.mkdtemp(prefix=f".{target_dir.name}{PARTIAL_MARK}", dir=target_dir.parent)
    )
    try:
        info = _export_into(model_name, model_dir, partial)
        (partial / INFO_FILE).write_text(info.to_json(), encoding="utf-8")
        write_checksums(partial, (MODEL_FILE, TOKENIZER_FILE, INFO_FILE))
        for name in (MODEL_FILE, TOKENIZER_FILE, INFO_FILE, CHECKSUMS_FILE):
            _fsync(partial / name)
        _swap_into_place(partial, target_dir)
    except BaseException:
        shutil.rmtree(partial, ignore_errors=True)
        raise
    return target_dir


def _export_into(model_name: str, model_dir: Path, out_dir: Path) -> OnnxExportInfo:
    """Write model.onnx and tokenizer.json into ``out_dir``; the info to record with them."""
    # Fingerprint before reading: files changed mid-export then make the export stale.
    fingerprint = source_fingerprint(model_dir)
    settings = _sentence_transformer_settings(model_dir)

    import torch
    import transformers

    transformers.logging.disable_progress_bar()
    tokenizer = transformers.AutoTokenizer.from_pretrained(str(model_dir), local_files_only=True)
    # Eager attention traces to plain MatMul/Softmax, which every onnxruntime runs; float()
    # because transformers 5 loads in the checkpoint's dtype, which may be fp16.
    model = (
        transformers.AutoModel.from_pretrained(
            str(model_dir), local_files_only=True, attn_implementation="eager"
        )
        .float()
        .eval()
    )
    if tokenizer.pad_token is None or tokenizer.pad_token_id is None:
        raise ValueError(f"model {model_name!r} has no padding token")

    # Trace with a padded batch so the attention-mask path is part of the graph.
    sample = tokenizer(
        ["a short text", "a somewhat longer text that makes the first one need padding"],
        padding=True,
        return_tensors="pt",
    )
    forward_params = set(_forward_parameters(model))
    input_names = tuple(n for n in sample if n in forward_params)
    if "input_ids" not in input_names or "attention_mask" not in input_names:
        raise ValueError(f"model {model_name!r} does not take input_ids and attention_mask")

    class LastHiddenState(torch.nn.Module):
        def __init__(self) -> None:
            super().__init__()
            self.model = model

        def forward(self, *inputs: torch.Tensor) -> torch.Tensor:
            return self.model(**dict(zip(input_names, inputs, strict=True))).last_hidden_state

    dynamic_axes = {name: {0: "batch", 1: "sequence"} for name in input_names}
    dynamic_axes["last_hidden_state"] = {0: "batch", 1: "sequence"}
    with warnings.catch_warnings(), torch.no_grad():
        # The exporter warns that it is the legacy one and the tracer warns about Python
        # conditionals in transformers; neither matters for a fixed-architecture encoder.
        warnings.simplefilter("ignore")
        torch.onnx.export(
            # eval(): the exporter restores the wrapper's training flag afterwards, and a
            # new Module is in training mode, which would switch the model's dropout on.
            LastHiddenState().eval(),
            tuple(sample[n] for n in input_names),
            str(out_dir / MODEL_FILE),
            dynamo=False,
            opset_version=OPSET,
            input_names=list(input_names),
            output_names=["last_hidden_state"],
            dynamic_axes=dynamic_axes,
        )
    _check_against_torch(out_dir / MODEL_FILE, model, tokenizer, input_names)
    shutil.copyfile(model_dir / TOKENIZER_FILE, out_dir / TOKENIZER_FILE)

    dimension = int(model.config.hidden_size)
    if settings["dimension"] not in (None, dimension):
        raise ValueError(f"pooling dimension {settings['dimension']} != hidden size {dimension}")
    return OnnxExportInfo(
        format_version=FORMAT_VERSION,
        model_name=model_name,
        source_fingerprint=fingerprint,
        max_seq_length=settings["max_seq_length"] or _tokenizer_max_length(tokenizer, model),
        pooling=settings["pooling"],
        normalize=settings["normalize"],
        do_lower_case=settings["do_lower_case"],
        dimension=dimension,
        input_names=input_names,
        pad_token=str(tokenizer.pad_token),
        pad_id=int(tokenizer.pad_token_id),
        onnx_bytes=(out_dir / MODEL_FILE).stat().st_size,
    )


def _check_against_torch(
    onnx_path: Path, model: Any, tokenizer: Any, input_names: tuple[str, ...]
) -> None:
    """Raise if the graph disagrees with torch on a batch shaped unlike the traced one.

    Tracing records one code path; a shape- or mask-dependent branch taken differently
    would bake the sample's shape into the graph, and this is where that would show.
    """
    import numpy as np
    import onnxruntime as ort
    import torch

    probe = tokenizer(
        ["one", "three words here", "a fourth and rather longer probe text of several words"],
        padding=True,
        return_tensors="pt",
    )
    with torch.no_grad():
        expected = model(**{n: probe[n] for n in input_names}).last_hidden_state.numpy()
    session = ort.InferenceSession(str(onnx_path), providers=["CPUExecutionProvider"])
    (got,) = session.run(None, {n: probe[n].numpy() for n in input_names})
    mask = probe["attention_mask"].numpy()[..., None]
    error = float(np.abs((got - expected) * mask).max())
    if error > 1e-3:
        raise ValueError(f"ONNX export disagrees with torch (max abs error {error:g})")


def _sentence_transformer_settings(model_dir: Path) -> dict[str, Any]:
    """Pooling, normalisation and length settings from the sentence-transformers files."""
    modules = _read_json(model_dir / "modules.json") or []
    kinds = [str(m.get("type", "")).rsplit(".", 1)[-1] for m in modules]
    unsupported = [k for k in kinds if k not in ("Transformer", "Pooling", "Normalize")]
    if unsupported:
        raise ValueError(f"cannot export model modules {unsupported} to ONNX")
    pooling_cfg = _read_json(model_dir / _pooling_dir(model_dir) / "config.json") or {}
    pooling = _pooling_mode(pooling_cfg)
    st_cfg = _read_json(model_dir / "sentence_bert_config.json") or {}
    return {
        "pooling": pooling,
        "normalize": "Normalize" in kinds,
        "dimension": pooling_cfg.get("embedding_dimension")
        or pooling_cfg.get("word_embedding_dimension"),
        "max_seq_length": st_cfg.get("max_seq_length"),
        "do_lower_case": bool(st_cfg.get("do_lower_case", False)),
    }


def _pooling_mode(pooling_cfg: dict[str, Any]) -> str:
    """The single pooling mode of a Pooling config, old (boolean keys) or new layout."""
    mode = pooling_cfg.get("pooling_mode")
    if mode is None:
        enabled = [k for k, v in pooling_cfg.items() if k.startswith("pooling_mode_") and v]
        legacy = [_LEGACY_POOLING_KEYS.get(k, k) for k in enabled]
        # No Pooling config at all means sentence-transformers' default, mean.
        mode = legacy[0] if len(legacy) == 1 else (legacy or "mean")
    if isinstance(mode, list) and len(mode) == 1:
        mode = mode[0]
    if mode not in _SUPPORTED_POOLING:
        raise ValueError(f"cannot export pooling mode {mode!r} (supported: {_SUPPORTED_POOLING})")
    return str(mode)


def _pooling_dir(model_dir: Path) -> str:
    for module in _read_json(model_dir / "modules.json") or []:
        if str(module.get("type", "")).endswith(".Pooling"):
            return str(module.get("path") or "1_Pooling")
    return "1_Pooling"


def _tokenizer_max_length(tokenizer: Any, model: Any) -> int:
    # What sentence-transformers falls back to without a max_seq_length of its own.
    positions = int(getattr(model.config, "max_position_embeddings", 512))
    declared = getattr(tokenizer, "model_max_length", None)
    return min(positions, int(declared)) if isinstance(declared, int) else positions


def _forward_parameters(model: Any) -> list[str]:
    import inspect

    return list(inspect.signature(model.forward).parameters)


def _read_json(path: Path) -> Any:
    try:
        return json.loads(path.read_text(encoding="utf-8"))
    except FileNotFoundError:
        return None


def _fsync(path: Path) -> None:
    # Without this a power cut after the rename could leave a valid-looking folder whose
    # files were never written out.
    with open(path, "rb") as f:
        os.fsync(f.fileno())


def _swap_into_place(partial: Path, target_dir: Path) -> None:
    """Rename ``partial`` to ``target_dir``, moving an existing export out of the way first.

    A directory cannot be renamed over a non-empty one, so there is a moment with no export
    at all; a reader then sees "missing", never a mixture of old and new files.
    """
    old: Path | None = None
    if target_dir.exists():
        old = target_dir.with_name(f".{target_dir.name}{OLD_MARK}{os.getpid()}")
        shutil.rmtree(old, ignore_errors=True)
        target_dir.rename(old)
    partial.rename(target_dir)
    if old is not None:
        shutil.rmtree(old, ignore_errors=True)


def _remove_leftovers(target_dir: Path) -> None:
    """Delete what crashed exports left beside ``target_dir``, sparing ones still running."""
    cutoff = time.time() - _STALE_PARTIAL_SECONDS
    for mark in (PARTIAL_MARK, OLD_MARK):
        for leftover in target_dir.parent.glob(f".{target_dir.name}{mark}*"):
            with contextlib.suppress(OSError):
                if mark == OLD_MARK or leftover.stat().st_mtime < cutoff:
                    shutil.rmtree(leftover)


def _main(argv: list[str]) -> int:
    """``python -m finder.embed.onnx_export MODEL TARGET_DIR``: what the indexer runs."""
    if len(argv) != 2:
        print("usage: python -m finder.embed.onnx_export MODEL TARGET_DIR", file=sys.stderr)
        return 2
    try:
        export_onnx(argv[0], Path(argv[1]))
    except Exception as err:  # the parent logs the last line
        print(f"{type(err).__name__}: {err}", file=sys.stderr)
        return 1
    return 0


if __name__ == "__main__":
    sys.exit(_main(sys.argv[1:]))
