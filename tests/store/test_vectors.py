"""The HNSW vector index with real hnswlib: queries, removal, save/load, crash repair."""

from __future__ import annotations

from pathlib import Path

import numpy as np
import pytest

from finder.errors import DiskFullError
from finder.store.hnsw_file import FileDigest, digest_file
from finder.store.vectors import VectorIndex, VectorLoader
from tests.store.small_disk import fill_until

DIM = 32


def unit_vectors(n: int, seed: int = 0, dim: int = DIM) -> np.ndarray:
    rng = np.random.default_rng(seed)
    v = rng.normal(size=(n, dim)).astype(np.float32)
    return v / np.linalg.norm(v, axis=1, keepdims=True)


def ids(*labels: int) -> np.ndarray:
    return np.asarray(labels, dtype=np.int64)


def dict_loader(table: dict[int, np.ndarray]) -> VectorLoader:
    """A loader over a dict, standing in for the catalog's vectors table."""

    def load(wanted: np.ndarray) -> tuple[np.ndarray, np.ndarray]:
        present = [int(i) for i in wanted if int(i) in table]
        matrix = np.array([table[i] for i in present], dtype=np.float32).reshape(-1, DIM)
        return np.asarray(present, dtype=np.int64), matrix

    return load


def live(table: dict[int, np.ndarray]) -> np.ndarray:
    return np.asarray(sorted(table), dtype=np.int64)


@pytest.fixture
def table() -> dict[int, np.ndarray]:
    """200 catalog vectors with ids 1..200."""
    return {i + 1: v for i, v in enumerate(unit_vectors(200))}


@pytest.fixture
def index(tmp_path: Path, table: dict[int, np.ndarray]) -> VectorIndex:
    index = VectorIndex(tmp_path / "vectors.hnsw", DIM)
    index.add(live(table), np.stack([table[i] for i in sorted(table)]))
    return index


def labels_of(index: VectorIndex, vector: np.ndarray, k: int = 10) -> list[int]:
    return [int(x) for x in index.query(vector, k)[0]]


def test_query_returns_the_exact_vector_first(index: VectorIndex, table: dict) -> None:
    """Querying a stored vector returns its label first with cosine similarity ~1."""
    for label in (1, 77, 200):
        labels, sims = index.query(table[label], 5)
        assert int(labels[0]) == label
        assert sims[0] == pytest.approx(1.0, abs=1e-5)
        assert len(labels) == 5
        assert list(sims) == sorted(sims, reverse=True)


def test_k_larger_than_the_live_count_is_clipped(tmp_path: Path) -> None:
    """Asking for more neighbours than exist returns all of them, not an error."""
    index = VectorIndex(tmp_path / "v.hnsw", DIM)
    vectors = unit_vectors(3)
    index.add(ids(10, 20, 30), vectors)
    labels, sims = index.query(vectors[1], 50)
    assert sorted(labels.tolist()) == [10, 20, 30]
    assert int(labels[0]) == 20 and len(sims) == 3
    assert len(index) == 3


def test_empty_index_answers_with_nothing(tmp_path: Path) -> None:
    """A query on an empty index returns empty arrays."""
    labels, sims = VectorIndex(tmp_path / "v.hnsw", DIM).query(unit_vectors(1)[0], 10)
    assert labels.size == 0 and sims.size == 0


def test_remove_hides_labels_and_ignores_unknown_ones(index: VectorIndex, table: dict) -> None:
    """Removed labels never come back from queries; unknown or repeated ones are ignored."""
    index.remove([5, 6, 999_999])
    index.remove([5])
    assert len(index) == 198
    for label in (5, 6):
        assert label not in labels_of(index, table[label], 50)
    assert labels_of(index, table[7])[0] == 7


def test_removed_slot_is_reused_by_new_vectors(index: VectorIndex, table: dict) -> None:
    """After removals, new labels fill freed slots and are found."""
    index.remove(list(range(1, 51)))
    fresh = unit_vectors(50, seed=9)
    index.add(np.arange(1001, 1051), fresh)
    assert len(index) == 200
    assert labels_of(index, fresh[3])[0] == 1004
    assert not set(labels_of(index, table[1], 200)) & set(range(1, 51))


def test_save_then_load_restores_results(tmp_path: Path, index: VectorIndex, table: dict) -> None:
    """A saved index loaded into a new VectorIndex answers the same queries."""
    index.remove([3])
    index.save()
    del table[3]
    reopened = VectorIndex(index.path, DIM)
    reopened.load_and_sync(live(table), dict_loader({}))  # nothing should need loading
    assert len(reopened) == 199
    for label in (1, 100, 200):
        assert labels_of(reopened, table[label]) == labels_of(index, table[label])
    assert 3 not in labels_of(reopened, unit_vectors(200)[2], 50)


def test_save_leaves_no_temporary_file(tmp_path: Path, index: VectorIndex) -> None:
    """save() writes via a temp file and renames it: only the index file remains."""
    index.save()
    index.add(ids(5000), unit_vectors(1, seed=3))
    index.save()
    assert sorted(p.name for p in tmp_path.iterdir()) == ["vectors.hnsw"]
    assert index.path.stat().st_size > 0


def test_load_and_sync_repairs_a_crash(tmp_path: Path, index: VectorIndex, table: dict) -> None:
    """Vectors added after the last save come back from the catalog; deleted ones go."""
    index.save()
    # After the save the catalog gained 300 vectors and lost 10; the process then died.
    new = unit_vectors(300, seed=1)
    index.add(np.arange(201, 501), new)
    table.update({201 + i: v for i, v in enumerate(new)})
    for gone in range(10, 20):
        del table[gone]
    requested: list[int] = []
    loader = dict_loader(table)

    def counting_loader(wanted: np.ndarray) -> tuple[np.ndarray, np.ndarray]:
        requested.extend(int(i) for i in wanted)
        return loader(wanted)

    repaired = VectorIndex(index.path, DIM)
    repaired.load_and_sync(live(table), counting_loader)
    assert sorted(requested) == list(range(201, 501))  # only what the file lacked
    assert len(repaired) == len(table) == 490
    for label in (1, 150, 201, 350, 500):
        assert labels_of(repaired, table[label])[0] == label
    first_200 = unit_vectors(200)
    for gone in range(10, 20):
        assert gone not in labels_of(repaired, first_200[gone - 1], 50)


def test_missing_file_is_built_from_the_loader(tmp_path: Path, table: dict) -> None:
    """With no file on disk, load_and_sync builds the index from the catalog's vectors."""
    index = VectorIndex(tmp_path / "absent.hnsw", DIM)
    index.load_and_sync(live(table), dict_loader(table))
    assert len(index) == 200
    assert labels_of(index, table[42])[0] == 42


@pytest.mark.parametrize("garbage", [b"", b"not an index", bytes(range(256)) * 40])
def test_corrupt_file_is_rebuilt_from_the_loader(
    tmp_path: Path, table: dict, garbage: bytes
) -> None:
    """An unreadable index file is replaced by one rebuilt from the catalog."""
    path = tmp_path / "vectors.hnsw"
    path.write_bytes(garbage)
    index = VectorIndex(path, DIM)
    index.load_and_sync(live(table), dict_loader(table))
    assert len(index) == 200
    assert labels_of(index, table[42])[0] == 42
    index.save()
    again = VectorIndex(path, DIM)
    again.load_and_sync(live(table), dict_loader({}))
    assert labels_of(again, table[42])[0] == 42


def test_truncated_file_is_rebuilt_from_the_loader(index: VectorIndex, table: dict) -> None:
    """A half-written index file (torn copy) is rebuilt rather than trusted."""
    index.save()
    data = index.path.read_bytes()
    index.path.write_bytes(data[: len(data) // 2])
    rebuilt = VectorIndex(index.path, DIM)
    rebuilt.load_and_sync(live(table), dict_loader(table))
    assert labels_of(rebuilt, table[123])[0] == 123


def test_wrong_dimension_file_is_rebuilt(tmp_path: Path) -> None:
    """A file written for another dimension (model changed) is rebuilt, not reused."""
    path = tmp_path / "vectors.hnsw"
    old = VectorIndex(path, 16)
    old.add(ids(1, 2, 3), unit_vectors(3, dim=16))
    old.save()
    table = {i + 1: v for i, v in enumerate(unit_vectors(3, seed=5))}
    requested: list[int] = []
    loader = dict_loader(table)

    def counting_loader(wanted: np.ndarray) -> tuple[np.ndarray, np.ndarray]:
        requested.extend(int(i) for i in wanted)
        return loader(wanted)

    index = VectorIndex(path, DIM)
    index.load_and_sync(live(table), counting_loader)
    assert sorted(requested) == [1, 2, 3]
    assert labels_of(index, table[2])[0] == 2


def test_growth_past_initial_capacity(tmp_path: Path) -> None:
    """Adding well over 1024 vectors in batches grows the index; all stay findable."""
    index = VectorIndex(tmp_path / "v.hnsw", DIM, threads=2)
    vectors = unit_vectors(3000, seed=4)
    for start in range(0, 3000, 700):
        index.add(np.arange(start, min(start + 700, 3000)), vectors[start : start + 700])
    assert len(index) == 3000
    for label in (0, 1023, 1024, 2047, 2999):
        assert labels_of(index, vectors[label])[0] == label
    index.save()
    reopened = VectorIndex(index.path, DIM)
    reopened.load_and_sync(np.arange(3000), dict_loader({}))
    assert labels_of(reopened, vectors[2500])[0] == 2500


def test_disk_full_save_keeps_the_old_file(small_disk: Path) -> None:
    """A save that runs out of space raises DiskFullError and leaves the old file as it was."""
    path = small_disk / "vectors.hnsw"
    index = VectorIndex(path, DIM)
    vectors = unit_vectors(3000, seed=8)
    index.add(np.arange(1000), vectors[:1000])
    index.save()
    good = path.read_bytes()
    fill_until(small_disk, 500 * 1024)  # the new file needs ~800 KB
    index.add(np.arange(1000, 3000), vectors[1000:])
    with pytest.raises(DiskFullError, match=r"disk full: \d+ MB needed in"):
        index.save()  # hnswlib itself reports nothing: it writes a short file
    assert path.read_bytes() == good
    assert sorted(p.name for p in small_disk.iterdir()) == ["filler", "vectors.hnsw"]
    reopened = VectorIndex(path, DIM)
    reopened.load_and_sync(np.arange(1000), dict_loader({}))
    assert labels_of(reopened, vectors[500])[0] == 500


@pytest.fixture(scope="module")
def saved_2000(tmp_path_factory: pytest.TempPathFactory) -> tuple[bytes, FileDigest, dict]:
    """A saved 2000-vector index: its bytes, the digest save() reported, its vectors."""
    table = {i + 1: v for i, v in enumerate(unit_vectors(2000, seed=11))}
    digests: list[FileDigest] = []
    path = tmp_path_factory.mktemp("saved") / "vectors.hnsw"
    index = VectorIndex(path, DIM, threads=2, on_saved=digests.append)
    index.add(live(table), np.stack([table[i] for i in sorted(table)]))
    index.save()
    return path.read_bytes(), digests[-1], table


@pytest.mark.parametrize("seed", range(24))
def test_garbled_file_with_a_recorded_digest_is_rebuilt(
    tmp_path: Path, saved_2000: tuple[bytes, FileDigest, dict], seed: int
) -> None:
    """1 KB of garbage anywhere in the file: the digest catches it, the index is rebuilt
    from the catalog and answers correctly."""
    good, digest, table = saved_2000
    data = bytearray(good)
    rng = np.random.default_rng(seed)
    at = int(rng.integers(0, len(data) - 1024))
    data[at : at + 1024] = rng.integers(0, 256, 1024, dtype=np.uint8).tobytes()
    path = tmp_path / "vectors.hnsw"
    path.write_bytes(bytes(data))
    reopened = VectorIndex(path, DIM, threads=2)
    reopened.load_and_sync(live(table), dict_loader(table), lambda: digest)
    assert len(reopened) == 2000
    for label in (1, 999, 2000, int(rng.integers(1, 2001))):
        assert labels_of(reopened, table[label])[0] == label


def test_save_reports_the_digest_of_the_file_it_wrote(tmp_path: Path, table: dict) -> None:
    """on_saved is told the size and SHA-256 of exactly the bytes now on disk."""
    digests: list[FileDigest] = []
    index = VectorIndex(tmp_path / "vectors.hnsw", DIM, on_saved=digests.append)
    index.add(live(table), np.stack([table[i] for i in sorted(table)]))
    index.save()
    assert digests == [digest_file(index.path)]
    assert digests[0].size == index.path.stat().st_size


def test_a_writer_loading_a_file_without_a_digest_records_one(index: VectorIndex) -> None:
    """A sound file from an older finder (no digest) is loaded and, for a writer (one with
    on_saved), its digest is reported once so later loads can verify it."""
    index.save()
    digests: list[FileDigest] = []
    writer = VectorIndex(index.path, DIM, on_saved=digests.append)
    writer.load_and_sync(np.arange(1, 201), dict_loader({}))
    assert digests == [digest_file(index.path)]
