"""The SQLite catalog on a real file: chunks, keyword search, vectors, renames, versions."""

from __future__ import annotations

import sqlite3
from collections.abc import Iterator, Sequence
from pathlib import Path

import numpy as np
import pytest

from finder.chunking import text_hash
from finder.domain import Chunk, FileStatus
from finder.errors import DiskFullError
from finder.store.catalog import Catalog, CatalogDamagedError, CatalogError
from finder.store.schema import SCHEMA_VERSION
from tests.store.small_disk import fill_until

DIM = 4


def chunks(*texts: str, page: int | None = None) -> list[Chunk]:
    out, pos = [], 0
    for i, text in enumerate(texts):
        out.append(Chunk(i, page, pos, pos + len(text), text, text_hash(text)))
        pos += len(text) + 2
    return out


def vec(seed: int) -> np.ndarray:
    v = np.random.default_rng(seed).normal(size=DIM).astype(np.float32)
    return v / np.linalg.norm(v)


@pytest.fixture
def catalog(tmp_path: Path) -> Iterator[Catalog]:
    cat = Catalog(tmp_path / "catalog.sqlite3")
    yield cat
    cat.close()


def put(cat: Catalog, path: str, texts: Sequence[str] = (), size: int = 10) -> int:
    """put_file in its own transaction, with the given chunk texts."""
    with cat.transaction():
        return cat.put_file(
            path,
            size=size,
            mtime_ns=1,
            content_hash=None,
            status=FileStatus.OK,
            chunks=chunks(*texts),
        )


def chunk_files(cat: Catalog, fts: str) -> set[int]:
    return {file_id for _cid, file_id, _score in cat.keyword_chunks(fts, 50)}


def name_files(cat: Catalog, fts: str) -> set[int]:
    return {file_id for file_id, _score in cat.keyword_files(fts, 50)}


def test_new_catalog_records_the_schema_version(catalog: Catalog) -> None:
    """A fresh catalog stores the current schema version in meta."""
    assert catalog.get_meta("schema_version") == str(SCHEMA_VERSION)


def test_put_file_chunks_are_found_by_keyword(catalog: Catalog) -> None:
    """Chunk text is searchable through FTS5, best match first with higher-is-better scores."""
    a = put(catalog, "/docs/a.txt", ["The tenant pays rent monthly.", "Garden rules apply."])
    b = put(catalog, "/docs/b.txt", ["Rent rent rent: the rent is due."])
    assert chunk_files(catalog, "rent") == {a, b}
    ranked = catalog.keyword_chunks("rent", 10)
    assert ranked[0][1] == b  # denser match ranks first
    assert ranked[0][2] >= ranked[1][2]
    assert chunk_files(catalog, "garden") == {a}
    assert chunk_files(catalog, "nonexistent") == set()


def test_keyword_search_stems_with_porter(catalog: Catalog) -> None:
    """The porter stemmer makes "running" and "run" match a chunk saying "runs"."""
    f = put(catalog, "/a.txt", ["She runs every morning."])
    assert chunk_files(catalog, "running") == {f}
    assert chunk_files(catalog, "run") == {f}


def test_keyword_search_folds_diacritics_and_case(catalog: Catalog) -> None:
    """Café, CAFE and cafe are the same keyword."""
    f = put(catalog, "/a.txt", ["Meet at the Café."])
    assert chunk_files(catalog, "cafe") == {f}
    assert chunk_files(catalog, "CAFE") == {f}


def test_keyword_files_finds_name_parts(catalog: Catalog) -> None:
    """File names are split into words: parts of a name find the file."""
    f = put(catalog, "/docs/Quarterly_Report-2024.final.pdf")
    g = put(catalog, "/docs/notes.txt")
    assert name_files(catalog, "quarterly") == {f}
    assert name_files(catalog, "report AND 2024") == {f}
    assert name_files(catalog, "pdf") == {f}
    assert name_files(catalog, "notes") == {g}
    assert name_files(catalog, "docs") == set()  # folders are not part of the name


def test_chunk_with_known_text_is_linked_at_insert(catalog: Catalog) -> None:
    """A chunk whose text already has a vector gets it at once and is not pending."""
    put(catalog, "/a.txt", ["shared paragraph", "only in a"])
    with catalog.transaction():
        [vid] = catalog.store_vectors([(text_hash("shared paragraph"), vec(1))])
    put(catalog, "/b.txt", ["shared paragraph", "only in b"])
    pending = {text for _h, text in catalog.pending_texts(10)}
    assert pending == {"only in a", "only in b"}
    assert catalog.count_pending_texts() == 2
    b = catalog.file_id("/b.txt")
    assert b is not None
    assert catalog.file_vector_ids(b) == [vid]


def test_pending_texts_are_distinct(catalog: Catalog) -> None:
    """The same text in many chunks is one pending text (embedded once)."""
    put(catalog, "/a.txt", ["same", "same", "other"])
    put(catalog, "/b.txt", ["same"])
    assert sorted(t for _h, t in catalog.pending_texts(10)) == ["other", "same"]
    assert len(catalog.pending_texts(1)) == 1


def test_store_vectors_links_every_chunk_with_that_hash(catalog: Catalog) -> None:
    """One stored vector serves all chunks sharing its text, across files."""
    a = put(catalog, "/a.txt", ["common text", "a only"])
    b = put(catalog, "/b.txt", ["common text"])
    with catalog.transaction():
        ids = catalog.store_vectors([(text_hash("common text"), vec(1))])
    assert catalog.file_vector_ids(a) == ids
    assert catalog.file_vector_ids(b) == ids
    assert catalog.count_pending_texts() == 1
    assert catalog.count_files_pending_vectors() == 1
    found_ids, matrix = catalog.vectors_by_ids([*ids, 12345], DIM)
    assert found_ids.tolist() == ids
    np.testing.assert_array_equal(matrix[0], vec(1))
    assert catalog.live_vector_ids().tolist() == ids


def test_chunk_vectors_reads_the_vectors_of_embedded_chunks(catalog: Catalog) -> None:
    """chunk_vectors gives one row per chunk that has a vector; pending chunks give none."""
    put(catalog, "/a.txt", ["embedded text", "still pending"])
    with catalog.transaction():
        catalog.store_vectors([(text_hash("embedded text"), vec(3))])
    chunk_ids = [cid for cid, _fid, _score in catalog.keyword_chunks('"text" OR "pending"', 10)]
    matrix = catalog.chunk_vectors(chunk_ids, DIM)
    assert matrix.shape == (1, DIM)
    np.testing.assert_array_equal(matrix[0], vec(3))
    assert catalog.chunk_vectors([], DIM).shape == (0, DIM)


def test_delete_file_removes_chunks_and_keyword_rows(catalog: Catalog) -> None:
    """After delete_file neither its text nor its name is found any more."""
    a = put(catalog, "/x/zebra.txt", ["A zebra crossing story."])
    b = put(catalog, "/x/other.txt", ["Nothing striped here."])
    with catalog.transaction():
        catalog.delete_file(a)
    assert chunk_files(catalog, "zebra") == set()
    assert name_files(catalog, "zebra") == set()
    assert catalog.file_id("/x/zebra.txt") is None
    assert chunk_files(catalog, "striped") == {b}
    assert catalog.count_chunks() == 1


def test_put_file_again_replaces_its_chunks(catalog: Catalog) -> None:
    """Re-putting a path keeps its id and swaps old chunk text for the new."""
    first = put(catalog, "/a.txt", ["old wording"])
    second = put(catalog, "/a.txt", ["new wording"], size=99)
    assert first == second
    assert chunk_files(catalog, "old") == set()
    assert chunk_files(catalog, "new") == {first}
    assert catalog.file_states()["/a.txt"].size == 99


def test_delete_orphan_vectors_returns_only_unreferenced(catalog: Catalog) -> None:
    """Vectors still used by some chunk survive; unused ones are deleted and returned."""
    a = put(catalog, "/a.txt", ["kept text", "dropped text"])
    put(catalog, "/b.txt", ["kept text"])
    with catalog.transaction():
        kept, dropped = catalog.store_vectors(
            [(text_hash("kept text"), vec(1)), (text_hash("dropped text"), vec(2))]
        )
    with catalog.transaction():
        catalog.delete_file(a)
        assert catalog.delete_orphan_vectors() == [dropped]
    assert catalog.live_vector_ids().tolist() == [kept]
    with catalog.transaction():
        assert catalog.delete_orphan_vectors() == []


def test_vector_ids_are_never_reused(catalog: Catalog) -> None:
    """A deleted vector's id is not given to a later vector (HNSW labels stay unique)."""
    a = put(catalog, "/a.txt", ["first"])
    with catalog.transaction():
        [old] = catalog.store_vectors([(text_hash("first"), vec(1))])
        catalog.delete_file(a)
        catalog.delete_orphan_vectors()
    put(catalog, "/b.txt", ["second"])
    with catalog.transaction():
        [new] = catalog.store_vectors([(text_hash("second"), vec(2))])
    assert new > old


def test_rename_updates_the_name_index(catalog: Catalog) -> None:
    """After rename_file the new name is found and the old one is not."""
    f = put(catalog, "/docs/draft_letter.txt", ["Dear landlord"])
    with catalog.transaction():
        catalog.rename_file(f, "/docs/final_complaint.md", 42)
    assert name_files(catalog, "final") == {f}
    assert name_files(catalog, "draft") == set()
    assert catalog.file_id("/docs/final_complaint.md") == f
    assert catalog.file_id("/docs/draft_letter.txt") is None
    assert chunk_files(catalog, "landlord") == {f}  # chunks moved with the file
    row = catalog.files_by_ids([f])[f]
    assert (row.path, row.name, row.ext, row.mtime_ns) == (
        "/docs/final_complaint.md",
        "final_complaint.md",
        "md",
        42,
    )


def test_transaction_rolls_back_on_error(catalog: Catalog) -> None:
    """An exception inside transaction() undoes every write in it."""
    with pytest.raises(RuntimeError), catalog.transaction():
        catalog.put_file("/a.txt", size=1, mtime_ns=1, content_hash=None, status=FileStatus.OK)
        raise RuntimeError("boom")
    assert catalog.file_id("/a.txt") is None
    assert name_files(catalog, "a") == set()


def test_newer_schema_version_is_refused(tmp_path: Path) -> None:
    """A catalog written by a newer finder raises CatalogError asking to upgrade."""
    path = tmp_path / "catalog.sqlite3"
    cat = Catalog(path)
    cat.set_meta("schema_version", str(SCHEMA_VERSION + 1))
    cat.close()
    for readonly in (False, True):
        with pytest.raises(CatalogError, match="newer finder"):
            Catalog(path, readonly=readonly)


def test_readonly_missing_catalog_says_to_run_index(tmp_path: Path) -> None:
    """Opening a missing catalog read-only tells the user to run `finder index`."""
    path = tmp_path / "nowhere" / "catalog.sqlite3"
    with pytest.raises(CatalogError, match="finder index"):
        Catalog(path, readonly=True)
    assert not path.exists()


def test_garbage_file_raises_catalog_error(tmp_path: Path) -> None:
    """A file that is not a database raises CatalogDamagedError, not a raw sqlite3 error."""
    path = tmp_path / "catalog.sqlite3"
    path.write_bytes(b"this is not sqlite at all " * 100)
    with pytest.raises(CatalogDamagedError, match="is damaged"):
        Catalog(path)


def test_readonly_reader_sees_committed_writes(tmp_path: Path) -> None:
    """A read-only Catalog on the same file sees each commit of the writer (WAL)."""
    path = tmp_path / "catalog.sqlite3"
    writer = Catalog(path)
    try:
        put(writer, "/one.txt", ["alpha text"])
        reader = Catalog(path, readonly=True)
        try:
            assert chunk_files(reader, "alpha") == {writer.file_id("/one.txt")}
            with writer.transaction():
                writer.put_file(
                    "/two.txt",
                    size=1,
                    mtime_ns=1,
                    content_hash=None,
                    status=FileStatus.OK,
                    chunks=chunks("beta text"),
                )
                assert reader.file_id("/two.txt") is None  # not committed yet
            assert reader.file_id("/two.txt") == writer.file_id("/two.txt")
            assert chunk_files(reader, "beta") == {writer.file_id("/two.txt")}
            with pytest.raises(sqlite3.OperationalError, match="readonly"):
                reader.set_meta("x", "y")
        finally:
            reader.close()
    finally:
        writer.close()


def test_disk_full_is_a_clear_error_and_keeps_the_catalog(small_disk: Path) -> None:
    """SQLITE_FULL inside a transaction or a single write becomes DiskFullError; what was
    committed before stays readable and writable once space is freed."""
    cat = Catalog(small_disk / "catalog.sqlite3")
    try:
        put(cat, "/a.txt", ["kept text"])
        filler = fill_until(small_disk, 0)
        big = [f"text number {i} " + "x" * 2000 for i in range(200)]
        with pytest.raises(DiskFullError, match=f"disk full: more space in {small_disk}"):
            put(cat, "/big.txt", big)
        with pytest.raises(DiskFullError):
            for i in range(2000):
                cat.set_meta(f"key{i}", "y" * 2000)
        assert cat.file_id("/a.txt") is not None and cat.file_id("/big.txt") is None
        filler.unlink()
        put(cat, "/b.txt", ["after space was freed"])
        assert cat.file_id("/b.txt") is not None
    finally:
        cat.close()


def test_chunks_matching_picks_the_given_chunks_holding_a_term(catalog: Catalog) -> None:
    """Among the given chunks, those holding the (stemmed) term; the same as the term's
    postings among them."""
    put(catalog, "/a.txt", ["Fixing the roof.", "Paint the fence."])
    put(catalog, "/b.txt", ["The roof leaks.", "Roofs and gutters."])
    ids = [cid for cid, _f, _s in catalog.keyword_chunks('"roof" OR "fence"', 10)]
    holding = catalog.chunks_matching('"roof"', ids)
    assert len(holding) == 3
    assert catalog.postings('"roof"') & set(ids) == holding
    assert catalog.chunks_matching('"roof"', []) == set()
    assert (catalog.count_name_matches('"a"'), catalog.count_files()) == (1, 2)


def test_postings_and_chunks_of_files_read_what_fill_needs(catalog: Catalog) -> None:
    """Every chunk holding a (stemmed) term, and each file's chunk ids in reading order."""
    a = put(catalog, "/a.txt", ["Fixing the roof.", "Paint the fence.", "Roofs again."])
    b = put(catalog, "/b.txt", ["The roof leaks."])
    empty = put(catalog, "/c.txt", [])
    of_files = catalog.chunks_of_files([a, b, empty])
    assert set(of_files) == {a, b} and len(of_files[a]) == 3 and len(of_files[b]) == 1
    assert of_files[a] == sorted(of_files[a])
    first, _fence, last = of_files[a]
    assert catalog.postings('"roof"') == {first, last, of_files[b][0]}
    assert catalog.chunks_of_files([]) == {}
