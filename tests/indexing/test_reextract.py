"""Normalised text end to end: found by its plain spelling; older indexes re-extracted once."""

from __future__ import annotations

import sqlite3
from collections.abc import Callable
from pathlib import Path

from finder.engine import IndexWriter
from finder.extract.normalise import EXTRACTION_VERSION
from finder.store.meta import EXTRACTION_VERSION_KEY, extraction_version
from tests.conftest import write
from tests.extract.test_normalise import ligature_pdf


def test_ligature_text_is_found_by_its_plain_spelling(
    open_engine: Callable[..., IndexWriter], tmp_path: Path
) -> None:
    """A PDF typeset with ligatures and a hyphenated line end, and a text file with soft
    hyphens, are found by keyword as "file", "information" and "garage"; a query typed
    with the ligature finds the plain word too, and the snippet shows plain words."""
    (tmp_path / "files").mkdir()
    ligature_pdf(tmp_path / "files/roof-letter.pdf")
    write(tmp_path / "files/notes.txt", "Lock the ga\u00adrage before leaving on holiday.")
    write(tmp_path / "files/other.txt", "A trail climbs through pine forest to a hut.")
    engine = open_engine()
    engine.add_roots([tmp_path / "files"])
    engine.index()
    reader = engine.reader()
    for query, name in [
        ("information", "roof-letter.pdf"),
        ("signed file", "roof-letter.pdf"),
        ("signed \ufb01le", "roof-letter.pdf"),
        ("garage", "notes.txt"),
    ]:
        hits = reader.search(query, 5, legs="keyword")
        assert [Path(h.path).name for h in hits][:1] == [name], query
    [hit] = reader.search('"send the information"', 5, legs="keyword")
    assert "information" in hit.snippet and "\ufb01" not in hit.snippet


def test_an_older_index_is_re_extracted_once_without_embedding_again(
    open_engine: Callable[..., IndexWriter], tmp_path: Path
) -> None:
    """With the recorded extraction version set back, the next run parses every file
    again although none changed on disk (boiler.txt's chunk, made to read as an older
    extraction left it, comes back plain) and embeds nothing, since the text came out as
    the vectors' text; it records the version, so the run after does nothing."""
    write(tmp_path / "files/boiler.txt", "The plumber replaced the boiler in the cellar.")
    write(tmp_path / "files/alps.md", "A trail climbs through pine forest to a mountain hut.")
    write(
        tmp_path / "files/copy-of-alps.md", "A trail climbs through pine forest to a mountain hut."
    )
    (tmp_path / "files/photo.jpg").write_bytes(b"\xff\xd8\xff\xe0 name only")
    engine = open_engine()
    engine.add_roots([tmp_path / "files"])
    first = engine.index()
    assert first.added == 4 and first.chunks_embedded > 0
    catalog = engine.catalog
    assert extraction_version(catalog) == EXTRACTION_VERSION
    before = {p: catalog.file_id(str(tmp_path / "files" / p)) for p in ("boiler.txt", "alps.md")}

    catalog.set_meta(EXTRACTION_VERSION_KEY, str(EXTRACTION_VERSION - 1))
    old_form = "The plumber replaced the boiler in the ce\u00adllar."
    assert chunk_texts(catalog.path, before["boiler.txt"]) != [old_form]
    set_chunk_texts(catalog.path, before["boiler.txt"], old_form)
    again = engine.index()
    assert (again.updated, again.unchanged, again.failed) == (4, 0, 0)
    assert again.chunks_embedded == 0
    assert extraction_version(catalog) == EXTRACTION_VERSION
    after = {p: catalog.file_id(str(tmp_path / "files" / p)) for p in before}
    assert after == before  # the same rows, given new chunks
    assert chunk_texts(catalog.path, before["boiler.txt"]) == [
        "The plumber replaced the boiler in the cellar."
    ]
    assert [Path(h.path).name for h in engine.reader().search("boiler", 3)][:1] == ["boiler.txt"]

    third = engine.index()
    assert (third.updated, third.unchanged, third.chunks_embedded) == (0, 4, 0)


def test_a_catalog_without_a_version_counts_as_the_first(
    open_engine: Callable[..., IndexWriter], tmp_path: Path
) -> None:
    """An index from before versions were recorded (no meta value) is re-extracted."""
    write(tmp_path / "files/notes.txt", "Lock the garage before leaving on holiday.")
    engine = open_engine()
    engine.add_roots([tmp_path / "files"])
    engine.index()
    engine.catalog.set_meta(EXTRACTION_VERSION_KEY, "")
    assert extraction_version(engine.catalog) == 1
    report = engine.index()
    assert (report.updated, report.chunks_embedded) == (1, 0)


def chunk_texts(catalog_file: Path, file_id: int | None) -> list[str]:
    """The texts of a file's chunks, in order, read with a connection of the test's own."""
    with sqlite3.connect(catalog_file) as db:
        rows = db.execute("SELECT text FROM chunks WHERE file_id = ? ORDER BY ord", (file_id,))
        return [text for (text,) in rows]


def set_chunk_texts(catalog_file: Path, file_id: int | None, text: str) -> None:
    """Give a file's chunks ``text``, as an older extraction would have left them (the
    full-text index follows, as the catalog's triggers would keep it)."""
    db = sqlite3.connect(catalog_file, isolation_level=None)
    try:
        db.execute("BEGIN IMMEDIATE")
        where = "FROM chunks WHERE file_id = ?"
        db.execute(
            f"INSERT INTO chunks_fts(chunks_fts, rowid, text) SELECT 'delete', id, text {where}",
            (file_id,),
        )
        db.execute("UPDATE chunks SET text = ? WHERE file_id = ?", (text, file_id))
        db.execute(f"INSERT INTO chunks_fts(rowid, text) SELECT id, text {where}", (file_id,))
        db.execute("COMMIT")
    finally:
        db.close()


def test_a_sniffed_binary_file_is_name_only_also_in_an_older_index(
    open_engine: Callable[..., IndexWriter], tmp_path: Path
) -> None:
    """A suffix-less binary file is indexed as name-only (not as an empty readable file),
    and one an older version recorded as readable becomes name-only on re-extraction."""
    (tmp_path / "files").mkdir()
    (tmp_path / "files/tool").write_bytes(b"\x7fELF\x02\x01\x01\x00" + bytes(100))
    write(tmp_path / "files/notes.txt", "Lock the garage before leaving on holiday.")
    engine = open_engine()
    engine.add_roots([tmp_path / "files"])
    engine.index()
    assert engine.catalog.count_files_by_status() == {"ok": 1, "name_only": 1}

    with sqlite3.connect(engine.catalog.path) as db:  # as extraction version 2 left it
        db.execute("UPDATE files SET status = 'ok' WHERE path LIKE '%/tool'")
    engine.catalog.set_meta(EXTRACTION_VERSION_KEY, "2")
    assert engine.catalog.count_files_by_status() == {"ok": 2}
    engine.index()
    assert engine.catalog.count_files_by_status() == {"ok": 1, "name_only": 1}
    assert [Path(h.path).name for h in engine.reader().search("tool", 3)][:1] == ["tool"]
