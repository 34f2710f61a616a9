"""Faults injected under the real CLI: a full disk (a real small filesystem) and damaged
index files; each ends in a clear message or a healed index, never a traceback."""

from __future__ import annotations

from collections.abc import Callable
from pathlib import Path

import numpy as np

from finder.embed import DEFAULT_MODEL
from finder.embed.loader import export_dir_for
from finder.engine import IndexWriter
from tests.conftest import index_sample, write
from tests.conftest import run_finder as finder
from tests.store.small_disk import fill_until, mounted_tmpfs

WORDS = (
    "garden invoice rocket violin harbour lemon tax meeting glacier recipe engine poem "
    "ledger orchid satellite bakery contract thunder museum bicycle vaccine opera"
).split()


def test_index_on_a_full_disk_says_so_and_loses_nothing(tmp_path: Path) -> None:
    """With ~500 KB free, indexing 300 more files exits 2 with "disk full: ..." (no
    traceback); the index stays sound and searchable, and indexing again after space
    is freed completes."""
    rng = np.random.default_rng(1)
    write(tmp_path / "files/roses.md", "Prune the roses in early spring, above an outward bud.")
    for i in range(300):
        text = " ".join(rng.choice(WORDS, 200)) + f" note {i}"
        write(tmp_path / f"more/note{i}.txt", text)
    with mounted_tmpfs(tmp_path / "small", 4096) as data:
        done = finder(data, "index", str(tmp_path / "files"))
        assert done.returncode == 0, done.stderr
        filler = fill_until(data, 500 * 1024)

        done = finder(data, "index", str(tmp_path / "more"))
        assert done.returncode == 2, done.stderr
        assert "finder: disk full: " in done.stderr and f"in {data}" in done.stderr
        assert "Traceback" not in done.stderr

        filler.unlink()
        done = finder(data, "check")
        assert done.returncode == 0, done.stdout + done.stderr
        done = finder(data, "search", "when to trim flowering shrubs", "--limit", "1")
        assert str(tmp_path / "files/roses.md") in done.stdout, done.stdout + done.stderr
        done = finder(data, "index")
        assert done.returncode == 0, done.stderr
        assert "note17.txt" in finder(data, "search", "note 17", "--limit", "3").stdout


def test_commands_heal_damaged_files_without_being_asked(
    open_engine: Callable[..., IndexWriter], tmp_path: Path, cache_dir: Path
) -> None:
    """Garbled vectors, pointer and query export and a wrong manifest dimension: search
    still finds the right file (one warning each, no traceback); the next index run
    repairs what it owns, after which `finder check` is all ok."""
    data = index_sample(open_engine, tmp_path)
    vectors = data / "vectors.hnsw"
    garbage = np.random.default_rng(5).integers(0, 256, 1024, np.uint8).tobytes()
    with open(vectors, "r+b") as f:
        f.seek(vectors.stat().st_size // 2)
        f.write(garbage)
    manifest = (data / "manifest.json").read_text()
    (data / "manifest.json").write_text(manifest.replace('"dimension": 384', '"dimension": 512'))
    (data / "current").write_bytes(b"\xff\xfeindex-\x80")
    tokenizer = export_dir_for(cache_dir / "models", DEFAULT_MODEL) / "tokenizer.json"
    with open(tokenizer, "r+b") as f:
        f.seek(1000)
        f.write(garbage[:100])

    done = finder(data, "search", "when to trim flowering shrubs", "--limit", "1")
    assert done.returncode == 0 and "Traceback" not in done.stderr, done.stderr
    assert str(tmp_path / "files/roses.md") in done.stdout
    for what in ("index pointer", "512-d", "vector index", "fast query model"):
        assert what in done.stderr, (what, done.stderr)

    done = finder(data, "index")
    assert done.returncode == 0 and "Traceback" not in done.stderr, done.stderr
    done = finder(data, "check")
    assert done.returncode == 0, done.stdout + done.stderr


def test_search_answers_by_meaning_with_a_garbled_manifest(
    open_engine: Callable[..., IndexWriter], tmp_path: Path
) -> None:
    """An unreadable manifest.json: search still ranks by meaning (a query sharing no word
    with the file finds it), and the next index run writes the manifest again."""
    data = index_sample(open_engine, tmp_path)
    (data / "manifest.json").write_bytes(b"\x00\xff{garbage")
    done = finder(data, "search", "when to trim flowering shrubs", "--limit", "1")
    assert done.returncode == 0 and "Traceback" not in done.stderr, done.stderr
    assert str(tmp_path / "files/roses.md") in done.stdout
    assert finder(data, "index").returncode == 0
    assert finder(data, "check").returncode == 0
