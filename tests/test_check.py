"""`finder check [--repair]` on a real index, damaged file by file, run as the real CLI."""

from __future__ import annotations

import json
from collections.abc import Callable
from pathlib import Path

import numpy as np

from finder.embed import DEFAULT_MODEL
from finder.embed.loader import export_dir_for
from finder.engine import IndexWriter
from finder.settings import settings_file
from tests.conftest import index_sample as indexed
from tests.conftest import run_finder as finder


def garble(path: Path, at: int, size: int = 1024) -> None:
    data = bytearray(path.read_bytes())
    data[at : at + size] = np.random.default_rng(at).integers(0, 256, size, np.uint8).tobytes()
    path.write_bytes(bytes(data))


def test_a_sound_index_checks_ok(open_engine: Callable[..., IndexWriter], tmp_path: Path) -> None:
    """Every file of a fresh index is reported ok, exit status 0."""
    data = indexed(open_engine, tmp_path)
    done = finder(data, "check")
    assert done.returncode == 0, done.stdout + done.stderr
    lines = done.stdout.splitlines()
    assert lines and all(line.startswith("ok: ") for line in lines), done.stdout
    assert "Traceback" not in done.stderr


def test_every_damaged_file_is_reported_then_repaired(
    open_engine: Callable[..., IndexWriter], tmp_path: Path, cache_dir: Path, config_dir: Path
) -> None:
    """Garbled vectors, pointer, settings and query export and a wrong manifest dimension:
    check names each (exit 1), --repair fixes each (exit 0), a second check is all ok,
    and search finds the right file again."""
    data = indexed(open_engine, tmp_path)
    vectors = data / "vectors.hnsw"
    garble(vectors, vectors.stat().st_size // 2)
    manifest = json.loads((data / "manifest.json").read_text())
    (data / "manifest.json").write_text(json.dumps({**manifest, "dimension": 512}))
    (data / "current").write_bytes(b"\xff\xfeindex-\x80")
    settings_file(config_dir, data).write_text("{ not json")
    tokenizer = export_dir_for(cache_dir / "models", DEFAULT_MODEL) / "tokenizer.json"
    garble(tokenizer, 1000, 100)

    done = finder(data, "check")
    assert done.returncode == 1 and "Traceback" not in done.stderr, done.stderr
    problems = [line for line in done.stdout.splitlines() if line.startswith("problem: ")]
    for what in ("pointer", "manifest says 512-d", "vector index", "settings", "query model"):
        assert any(what in line for line in problems), (what, done.stdout)
    assert all(line.endswith("(run `finder check --repair`)") for line in problems)

    done = finder(data, "check", "--repair")
    assert done.returncode == 0, done.stdout + done.stderr
    assert len([ln for ln in done.stdout.splitlines() if ln.startswith("repaired: ")]) == 5

    done = finder(data, "check")
    assert done.returncode == 0, done.stdout + done.stderr
    done = finder(data, "search", "when to trim flowering shrubs", "--json", "--limit", "1")
    assert done.returncode == 0, done.stderr
    assert json.loads(done.stdout)[0]["path"] == str(tmp_path / "files/roses.md")


def test_a_damaged_catalog_is_reported_and_rebuilt(
    open_engine: Callable[..., IndexWriter], tmp_path: Path
) -> None:
    """A garbled catalog is a problem line, never a traceback; --repair sets it aside and
    rebuilds it, and the next index makes it whole again."""
    data = indexed(open_engine, tmp_path)
    garble(data / "catalog.sqlite3", 0, 100)
    done = finder(data, "check")
    assert done.returncode == 1 and "Traceback" not in done.stderr, done.stderr
    assert "problem: catalog" in done.stdout
    done = finder(data, "check", "--repair")
    assert "Traceback" not in done.stderr, done.stderr
    assert "repaired: the catalog was damaged" in done.stdout, done.stdout
    assert finder(data, "index").returncode == 0
    done = finder(data, "search", "when to trim flowering shrubs", "--json", "--limit", "1")
    assert done.returncode == 0, done.stderr
    assert json.loads(done.stdout)[0]["path"] == str(tmp_path / "files/roses.md")
