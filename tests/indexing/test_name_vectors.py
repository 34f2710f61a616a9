"""Folder and name words as meaning: what is embedded, kept in step with the files, used."""

from __future__ import annotations

import sqlite3
from collections.abc import Callable
from pathlib import Path

from finder.engine import IndexWriter
from finder.indexing.name_vectors import name_words
from tests.conftest import write

FEE = "Term fee {} pounds for {} sessions, on {} afternoons at {}."


def test_name_words_are_two_folders_and_the_name_without_its_extension() -> None:
    """Separators, camel case and the extension give way to plain words; folders above
    the two enclosing ones (the home folder, the root) are left out."""
    path = "/home/tom/Documents/House/Extension/Whitefriars Construction - quotation Q-1147.pdf"
    assert name_words(path) == "House Extension Whitefriars Construction quotation Q 1147"
    assert name_words("/h/code/Lib/smtplib.py") == "code Lib smtplib"
    assert name_words("/notes.txt") == "notes"
    assert name_words("/h/a/MeterReadings_2024.csv") == "h a Meter Readings 2024"


def _name_vector_files(catalog: Path) -> dict[str, bytes]:
    """File name -> its name vector's bytes, read from the catalog file."""
    db = sqlite3.connect(catalog)
    try:
        rows = db.execute(
            "SELECT f.path, n.vector FROM name_vectors n JOIN files f ON f.id = n.file_id"
        )
        return {Path(path).name: blob for path, blob in rows}
    finally:
        db.close()


def test_every_readable_file_gets_a_name_vector_that_follows_renames_and_deletions(
    open_engine: Callable[..., IndexWriter], tmp_path: Path
) -> None:
    """Indexing gives each readable file one; a renamed file gets a new one (its passages
    are not embedded again), a deleted file's goes with it."""
    root = tmp_path / "files"
    write(root / "House/Roof/invoice.txt", "Replaced twelve slates and the lead flashing.")
    write(root / "Pets/vet.txt", "Booster vaccination given, next due in a year.")
    engine = open_engine()
    engine.add_roots([root])
    engine.index()
    catalog = engine.paths.catalog
    before = _name_vector_files(catalog)
    assert set(before) == {"invoice.txt", "vet.txt"}

    (root / "House/Roof/invoice.txt").rename(root / "House/Roof/roofer bill.txt")
    (root / "Pets/vet.txt").unlink()
    report = engine.index()
    after = _name_vector_files(catalog)
    assert set(after) == {"roofer bill.txt"}
    assert after["roofer bill.txt"] != before["invoice.txt"]
    assert report.chunks_embedded == 0  # the renamed file's passage kept its vector


def test_a_file_is_found_by_meaning_through_its_folder_when_its_text_does_not_say(
    open_engine: Callable[..., IndexWriter], tmp_path: Path
) -> None:
    """Two fee notes alike in every word but their numbers: "piano lessons" finds the one
    filed under Music/Piano first, by meaning alone."""
    root = tmp_path / "files"
    write(root / "Music/Piano/fees 2024.txt", FEE.format(120, 10, "Thursday", "four"))
    write(root / "Sport/Swimming/fees 2024.txt", FEE.format(95, 8, "Tuesday", "five"))
    engine = open_engine()
    engine.add_roots([root])
    engine.index()
    for query in ("piano lessons", "swimming club"):
        hits = engine.reader().search(query, 5, legs="meaning")
        folder = query.split()[0]
        assert Path(hits[0].path).parent.name.lower() == folder, query


def test_an_index_made_before_name_vectors_gets_them_without_embedding_passages(
    open_engine: Callable[..., IndexWriter], tmp_path: Path
) -> None:
    """An older index (no name vectors yet) is given them by the next run, which embeds
    no passage again."""
    root = tmp_path / "files"
    write(root / "Recipes/torte.txt", "Beat the butter with the sugar, fold in the almonds.")
    engine = open_engine()
    engine.add_roots([root])
    engine.index()
    data, catalog = engine.paths.root, engine.paths.catalog
    engine.close()
    db = sqlite3.connect(catalog)
    with db:
        db.execute("DROP TRIGGER files_au_path")
        db.execute("DROP TABLE name_vectors")
    db.close()

    engine = open_engine(data)
    report = engine.index()
    assert report.chunks_embedded == 0
    assert set(_name_vector_files(catalog)) == {"torte.txt"}
