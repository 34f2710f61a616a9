"""The checks a saved hnswlib file must pass before hnswlib may read it (real files)."""

from __future__ import annotations

import os
import subprocess
import sys
import textwrap
from dataclasses import replace
from pathlib import Path

import numpy as np
import pytest

from finder.store.hnsw_file import (
    HnswFileError,
    check_hnsw_file,
    digest_file,
    expected_size,
    stored_dimension,
)
from finder.store.vectors import VectorIndex

DIM = 32
N = 2000


@pytest.fixture(scope="module")
def saved(tmp_path_factory: pytest.TempPathFactory) -> Path:
    """A real saved index of 2000 random unit vectors labelled 0..1999."""
    rng = np.random.default_rng(3)
    vectors = rng.normal(size=(N, DIM)).astype(np.float32)
    vectors /= np.linalg.norm(vectors, axis=1, keepdims=True)
    path = tmp_path_factory.mktemp("hnsw") / "vectors.hnsw"
    index = VectorIndex(path, DIM, threads=2)
    index.add(np.arange(N), vectors)
    index.save()
    np.save(path.with_suffix(".npy"), vectors)
    return path


def test_a_sound_file_passes_with_and_without_its_digest(saved: Path) -> None:
    """A file as hnswlib wrote it passes; its size is what the header implies."""
    assert check_hnsw_file(saved, DIM, None) == N
    assert check_hnsw_file(saved, DIM, digest_file(saved)) == N
    assert expected_size(saved.read_bytes()) == saved.stat().st_size
    assert stored_dimension(saved) == DIM


def test_wrong_dimension_and_digest_are_named(saved: Path, tmp_path: Path) -> None:
    """Another dimension, another digest and a cut file each fail with a reason."""
    with pytest.raises(HnswFileError, match="32-d vectors, not 16-d"):
        check_hnsw_file(saved, 16, None)
    other = tmp_path / "other.hnsw"
    data = bytearray(saved.read_bytes())
    data[-1] ^= 1
    other.write_bytes(bytes(data))
    with pytest.raises(HnswFileError, match="checksum"):
        check_hnsw_file(other, DIM, digest_file(saved))
    other.write_bytes(saved.read_bytes()[:-4])
    with pytest.raises(HnswFileError, match=r"ends early|bytes"):
        check_hnsw_file(other, DIM, None)


_LOAD_ALL = textwrap.dedent(
    """
    import sys
    from pathlib import Path
    import numpy as np
    from finder.store.vectors import VectorIndex

    vectors = np.load(sys.argv[1])
    def loader(ids):
        return ids, vectors[ids]
    for name in sys.argv[2:]:
        index = VectorIndex(Path(name), vectors.shape[1])
        index.load_and_sync(np.arange(len(vectors)), loader)
        found = [int(index.query(vectors[i], 5)[0][0]) for i in (0, 777, len(vectors) - 1)]
        print(name, found, flush=True)
    """
)


def test_garbled_files_without_a_digest_never_crash(saved: Path, tmp_path: Path) -> None:
    """An index saved before digests were recorded, with 1 KB garbled at 40 random offsets
    and cut at 10: loading and searching each never crashes the process (no SIGSEGV, no
    OverflowError), in a child process so a crash would show as its exit status."""
    good = saved.read_bytes()
    names = []
    rng = np.random.default_rng(0)
    for seed in range(40):
        data = bytearray(good)
        at = int(rng.integers(0, len(data) - 1024))
        data[at : at + 1024] = rng.integers(0, 256, 1024, dtype=np.uint8).tobytes()
        names.append(tmp_path / f"garbled-{seed}.hnsw")
        names[-1].write_bytes(bytes(data))
    for cut in range(10):
        names.append(tmp_path / f"cut-{cut}.hnsw")
        names[-1].write_bytes(good[: int(rng.integers(0, len(good)))])
    done = subprocess.run(
        [sys.executable, "-c", _LOAD_ALL, str(saved.with_suffix(".npy")), *map(str, names)],
        capture_output=True,
        text=True,
        timeout=300,
    )
    assert done.returncode == 0, done.stderr[-2000:]
    assert len(done.stdout.splitlines()) == len(names)


def test_an_unchanged_file_is_not_hashed_again(saved: Path) -> None:
    """A file still having the identity recorded when it was hashed is trusted on its
    header (a deliberately wrong checksum shows the hash is skipped); `check` hashes."""
    recorded = digest_file(saved)
    assert recorded.stamp is not None
    wrong = replace(recorded, sha256="0" * 64)
    assert check_hnsw_file(saved, DIM, wrong) == N
    with pytest.raises(HnswFileError, match="checksum"):
        check_hnsw_file(saved, DIM, wrong, trust_stamp=False)


def test_a_file_garbled_in_place_with_its_date_kept_is_caught(tmp_path: Path, saved: Path) -> None:
    """Writing into the file changes its ctime even when mtime is set back: hashed, caught."""
    path = tmp_path / "vectors.hnsw"
    path.write_bytes(saved.read_bytes())
    recorded = digest_file(path)
    st = path.stat()
    with open(path, "r+b") as f:
        f.seek(st.st_size // 2)
        f.write(b"\x01" * 64)
    os.utime(path, ns=(st.st_atime_ns, st.st_mtime_ns))
    with pytest.raises(HnswFileError, match="checksum"):
        check_hnsw_file(path, DIM, recorded)
