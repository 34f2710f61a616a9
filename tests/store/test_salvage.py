"""A damaged catalog on real files: found, set aside and rebuilt keeping readable vectors."""

from __future__ import annotations

import logging
import os
import sqlite3
from collections.abc import Callable
from dataclasses import replace
from pathlib import Path

import pytest

from finder.engine import IndexReader, IndexWriter
from finder.paths import DataPaths
from finder.store.catalog import Catalog, CatalogDamagedError
from finder.store.salvage import catalog_problem, damage_sign, rebuild_damaged_catalog
from finder.store.sqlite_damage import damage_note
from tests.conftest import write

QUERY = "when should I cut back my rose bushes"
TOPICS = ("tides and harbours", "bread baking", "chess openings", "bicycle repair")


def write_corpus(root: Path) -> Path:
    """A rose-pruning note among filler files long enough to fill many vector pages."""
    write(root / "garden/roses.md", "Prune the roses in early spring, just above an outward bud.")
    write(root / "money/budget.txt", "Monthly budget: rent 900, groceries 300, savings 200.")
    for n, topic in enumerate(TOPICS):
        paragraphs = [
            f"Note {n}.{p} on {topic}. " + " ".join(f"Point {k} about {topic}." for k in range(60))
            for p in range(5)
        ]
        write(root / f"notes/{n}.txt", "\n\n".join(paragraphs))
    return root


def garble_page(catalog: Path, table: str) -> int:
    """Overwrite a leaf page of ``table`` in the middle of its pages with garbage; the
    catalog must be closed (no WAL). Returns the page number."""
    db = sqlite3.connect(catalog)
    page_size = db.execute("PRAGMA page_size").fetchone()[0]
    pages = [
        r[0]
        for r in db.execute(
            "SELECT pageno FROM dbstat WHERE name = ? AND pagetype = 'leaf' ORDER BY pageno",
            (table,),
        )
    ] or [db.execute("SELECT rootpage FROM sqlite_master WHERE name = ?", (table,)).fetchone()[0]]
    db.close()
    page = pages[len(pages) // 2]
    with open(catalog, "r+b") as f:
        f.seek((page - 1) * page_size)
        f.write(bytes(range(7, 251)) * (page_size // 244) + b"\xff" * (page_size % 244))
    return page


def vector_ids(catalog: Path) -> set[int]:
    db = sqlite3.connect(catalog)
    try:
        return {r[0] for r in db.execute("SELECT id FROM vectors")}
    finally:
        db.close()


@pytest.fixture
def built(open_engine: Callable[..., IndexWriter], tmp_path: Path) -> tuple[DataPaths, int]:
    """An index of the corpus made with the real model, closed: (its paths, chunks embedded)."""
    engine = open_engine()
    engine.add_roots([write_corpus(tmp_path / "files")])
    engine.update_settings(replace(engine.settings, exclude_globs=("*.tmp",)))
    report = engine.index()
    paths = engine.paths
    engine.close()
    assert not paths.catalog.with_name("catalog.sqlite3-wal").exists()
    return paths, report.chunks_embedded


def top_path(engine: IndexWriter | IndexReader) -> str:
    reader = engine.reader() if isinstance(engine, IndexWriter) else engine
    return reader.search(QUERY, 3)[0].path


def test_a_sound_catalog_shows_no_problem(built: tuple[DataPaths, int]) -> None:
    """A healthy catalog passes the full check and gives no cheap sign of damage."""
    paths, _ = built
    assert catalog_problem(paths.catalog) is None
    assert damage_sign(paths.catalog) is None


def test_a_reader_meeting_a_garbled_page_says_so_and_leaves_a_note(
    built: tuple[DataPaths, int],
) -> None:
    """Search over a garbled files page raises CatalogDamagedError naming the way out."""
    paths, _ = built
    garble_page(paths.catalog, "files")
    assert catalog_problem(paths.catalog) is not None
    with (
        pytest.raises(CatalogDamagedError, match="finder index"),
        IndexReader.open(paths.root, cache_dir=paths.cache) as reader,
    ):
        reader.search(QUERY, 3)
    assert damage_note(paths.catalog).exists()
    with pytest.raises(CatalogDamagedError, match="is damaged"):
        IndexReader.open(paths.root, cache_dir=paths.cache)  # the note alone suffices


def test_rebuild_keeps_settings_roots_and_every_readable_vector(
    built: tuple[DataPaths, int],
) -> None:
    """Only the vectors on the garbled page are lost; ids, roots and settings stay."""
    paths, _ = built
    before = vector_ids(paths.catalog)
    garble_page(paths.catalog, "vectors")
    report = rebuild_damaged_catalog(paths, "a test")
    assert report.aside is not None and report.aside.exists()
    assert report.roots == 1 and report.settings_kept and report.vector_index_kept
    kept = vector_ids(paths.catalog)
    assert kept < before and len(kept) == report.vectors >= len(before) - 3
    assert catalog_problem(paths.catalog) is None
    catalog = Catalog(paths.catalog)
    assert catalog.roots() and '"*.tmp"' in (catalog.get_meta("settings") or "")
    catalog.close()


def test_writer_heals_and_reuses_the_vectors_it_could_read(
    built: tuple[DataPaths, int],
    open_engine: Callable[..., IndexWriter],
    tmp_path: Path,
    caplog: pytest.LogCaptureFixture,
) -> None:
    """Indexing over garbled files and vectors pages rebuilds, embeds only what was lost."""
    paths, total = built
    garble_page(paths.catalog, "files")
    garble_page(paths.catalog, "vectors")
    with caplog.at_level(logging.WARNING):
        engine = open_engine(paths.root)
        report = engine.index()
    assert "set it aside as" in caplog.text
    assert 0 < report.chunks_embedded < total
    assert report.added == 2 + len(TOPICS)
    assert top_path(engine) == str(tmp_path / "files/garden/roses.md")
    assert catalog_problem(paths.catalog) is None


def test_damage_a_reader_noted_is_healed_by_the_next_index(
    built: tuple[DataPaths, int], open_engine: Callable[..., IndexWriter], tmp_path: Path
) -> None:
    """A search that met damage makes the next `index` rebuild, although the writer's
    own reads (roots, files) would not have met it."""
    paths, _ = built
    garble_page(paths.catalog, "chunks")
    with (
        pytest.raises(CatalogDamagedError),
        IndexReader.open(paths.root, cache_dir=paths.cache) as reader,
    ):
        for word in ("roses", "budget", "tides", "bread", "chess", "bicycle"):
            reader.search(word, 10, legs="keyword")
    engine = open_engine(paths.root)
    report = engine.index()
    assert report.added == 2 + len(TOPICS) and report.chunks_embedded == 0
    assert not damage_note(paths.catalog).exists()
    assert top_path(engine) == str(tmp_path / "files/garden/roses.md")


def test_a_note_the_full_check_does_not_confirm_is_dropped(
    built: tuple[DataPaths, int], open_engine: Callable[..., IndexWriter]
) -> None:
    """A false alarm costs one check: nothing is rebuilt and the note goes."""
    paths, _ = built
    damage_note(paths.catalog).write_text("a false alarm\n", encoding="utf-8")
    engine = open_engine(paths.root)
    assert engine.index().added == 0
    assert not damage_note(paths.catalog).exists()
    assert not list(paths.index_dir.glob("catalog.sqlite3.damaged-*"))


@pytest.mark.parametrize("keep", [0.0, 0.5], ids=["truncated-to-zero", "truncated-to-half"])
def test_a_truncated_catalog_heals(
    built: tuple[DataPaths, int],
    open_engine: Callable[..., IndexWriter],
    tmp_path: Path,
    keep: float,
) -> None:
    """Readers refuse a truncated catalog with the way out; the writer rebuilds it."""
    paths, _ = built
    os.truncate(paths.catalog, int(paths.catalog.stat().st_size * keep))
    assert damage_sign(paths.catalog) is not None
    with pytest.raises(CatalogDamagedError, match="finder index"):
        IndexReader.open(paths.root, cache_dir=paths.cache)
    engine = open_engine(paths.root)
    report = engine.index()
    assert report.added == 2 + len(TOPICS)
    assert engine.roots() == [str(tmp_path / "files")]
    assert top_path(engine) == str(tmp_path / "files/garden/roses.md")
    assert catalog_problem(paths.catalog) is None


def test_an_open_reader_follows_the_rebuilt_catalog_at_refresh(
    built: tuple[DataPaths, int], open_engine: Callable[..., IndexWriter], tmp_path: Path
) -> None:
    """A reader open during the rebuild (the window's) reads the new file after refresh."""
    paths, _ = built
    reader = IndexReader.open(paths.root, cache_dir=paths.cache)
    garble_page(paths.catalog, "files")
    open_engine(paths.root).index()
    assert reader.catalog.replaced()
    reader.refresh()
    assert not reader.catalog.replaced()
    assert top_path(reader) == str(tmp_path / "files/garden/roses.md")
    reader.close()


def test_a_watcher_update_meeting_damage_heals_and_indexes_every_root(
    built: tuple[DataPaths, int], open_engine: Callable[..., IndexWriter], tmp_path: Path
) -> None:
    """The service's one-file update over a garbled page rebuilds, then indexes all files
    (the new catalog knows none), not just the one that changed."""
    paths, _ = built
    garble_page(paths.catalog, "files")
    engine = open_engine(paths.root)
    changed = write(tmp_path / "files/money/budget.txt", "Monthly budget: rent 950.")
    report = engine.update([str(changed)])
    assert report.added == 2 + len(TOPICS)
    assert top_path(engine) == str(tmp_path / "files/garden/roses.md")
