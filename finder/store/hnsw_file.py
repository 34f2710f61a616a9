"""What a saved hnswlib index file must look like, checked before hnswlib reads it.

hnswlib trusts its file: a garbled header makes it allocate absurd sizes (OverflowError,
MemoryError) and a garbled neighbour id makes a search read outside its arrays (SIGSEGV).
The index is a cache of the catalog, so a file that fails these checks is rebuilt rather
than loaded. Two layers:

- structure: the header fields agree with each other, with the dimension and with the
  file size, and every neighbour link points at an element that exists on that level.
  This is what keeps hnswlib from crashing.
- content (when the writer recorded one): a digest of the whole file, kept in the
  manifest, catches garbled vectors or labels, which would load and answer wrongly.

Cost, for 100k 384-d vectors (168 MB) on this 2-core machine, with hnswlib's own load
taking 120-310 ms: reading the file 80-230 ms, SHA-256 84-225 ms (BLAKE2b 240-380 ms,
so SHA-256, which the CPU accelerates), structure 40-90 ms. Hashing alone is 30-95% of a
load, so a file is hashed only when it may have changed since the writer hashed it: the
manifest also keeps the file's identity then (inode, size, mtime, ctime; any write or
``touch`` changes ctime, which cannot be set back), and a file with the same identity
needs only its header checked. ``finder check`` always hashes.

Layout (hnswlib 0.8 ``saveIndex``): a 96-byte header, then ``cur_count`` level-0 records
of ``size_data_per_element`` bytes (a link list: uint32 count + ``maxM0`` uint32 ids; the
vector: ``dim`` float32; the label: uint64), then per element a uint32 byte size of its
upper-level link lists followed by those lists (``maxM`` + 1 uint32 each).

Thread: any (reads a file, changes nothing).
"""

from __future__ import annotations

import hashlib
import os
import struct
from dataclasses import dataclass, field, replace
from pathlib import Path

import numpy as np

HEADER = struct.Struct("<6QiI3QdQ")  # 96 bytes
_SIZE = struct.Struct("<I")
_NO_ENTRY = 0xFFFFFFFF  # enterpoint of an empty index (-1 as uint32)
_MAX_M = 4096  # far above any M finder or hnswlib users choose


class HnswFileError(ValueError):
    """The file is not a whole, consistent hnswlib index of the expected dimension."""


Stamp = tuple[int, int, int, int]  # inode, size, mtime_ns, ctime_ns


@dataclass(frozen=True, slots=True)
class FileDigest:
    """Size and SHA-256 of a file: what the manifest records after each save; ``stamp``
    is the file's identity when it was hashed (not part of equality)."""

    size: int
    sha256: str
    stamp: Stamp | None = field(default=None, compare=False)


def file_stamp(path: Path) -> Stamp:
    st = os.stat(path)
    return st.st_ino, st.st_size, st.st_mtime_ns, st.st_ctime_ns


def digest_bytes(data: bytes) -> FileDigest:
    return FileDigest(len(data), hashlib.sha256(data).hexdigest())


def digest_file(path: Path) -> FileDigest:
    """The file's digest, with its identity when it did not change while read."""
    before = file_stamp(path)
    digest = digest_bytes(path.read_bytes())
    return replace(digest, stamp=before) if file_stamp(path) == before else digest


def check_hnsw_file(
    path: Path, dimension: int, expected: FileDigest | None, *, trust_stamp: bool = True
) -> int:
    """Raise :class:`HnswFileError` saying what is wrong, else return the element count.

    ``expected`` None (an index saved before digests were recorded) checks structure
    only; a file whose identity is ``expected.stamp`` (``trust_stamp``), its header only.
    """
    try:
        if trust_stamp and expected and expected.stamp and file_stamp(path) == expected.stamp:
            with open(path, "rb") as f:
                return _check_header(f.read(HEADER.size), dimension)["cur_count"]
        data = path.read_bytes()  # once, for the digest and the structure alike
    except OSError as err:
        raise HnswFileError(f"cannot read it: {err}") from err
    if expected is not None:
        if len(data) != expected.size:
            raise HnswFileError(f"it is {len(data)} bytes, the manifest says {expected.size}")
        if digest_bytes(data).sha256 != expected.sha256:
            raise HnswFileError("its checksum does not match the manifest")
    return _check_structure(data, dimension)


def stored_dimension(path: Path) -> int | None:
    """The vector dimension in the file's header, or None if it has no readable header."""
    try:
        with open(path, "rb") as f:
            head = f.read(HEADER.size)
    except OSError:
        return None
    if len(head) < HEADER.size:
        return None
    _, _, _, _, label_offset, offset_data, *_ = HEADER.unpack(head)
    return (label_offset - offset_data) // 4 if label_offset > offset_data else None


def _check_header(data: bytes, dimension: int) -> dict[str, int]:
    """The header's fields, checked against each other and the dimension."""
    h = _header(data)
    if h["offset_level0"] != 0 or h["max_m0"] != 2 * h["max_m"] or h["m"] != h["max_m"]:
        raise HnswFileError("its header is garbled (link sizes)")
    if not 2 <= h["m"] <= _MAX_M:
        raise HnswFileError(f"its header is garbled (M={h['m']})")
    if h["offset_data"] != 4 + 4 * h["max_m0"]:
        raise HnswFileError("its header is garbled (data offset)")
    if h["label_offset"] != h["offset_data"] + 4 * dimension:
        found = (h["label_offset"] - h["offset_data"]) // 4
        raise HnswFileError(f"it holds {found}-d vectors, not {dimension}-d")
    if h["size_data"] != h["label_offset"] + 8:
        raise HnswFileError("its header is garbled (record size)")
    count = h["cur_count"]
    if count > h["max_elements"] or count >= _NO_ENTRY or h["maxlevel"] < -1:
        raise HnswFileError("its header is garbled (element count)")
    return h


def _check_structure(data: bytes, dimension: int) -> int:
    h = _check_header(data, dimension)
    count = h["cur_count"]
    if HEADER.size + count * h["size_data"] + 4 * count > len(data):
        raise HnswFileError(f"it ends early ({len(data)} bytes for {count} elements)")
    levels, upper_rows, end = _upper_levels(data, h)
    if end != len(data):
        raise HnswFileError(f"it is {len(data)} bytes, its header says {end}")
    if count == 0:
        return 0
    entry, top = h["entrypoint"], h["maxlevel"]
    if entry >= count or top != int(levels.max()) or levels[entry] != top:
        raise HnswFileError("its entry point is garbled")
    # Every offset in the file is a multiple of 4: one uint32 view serves all checks.
    words = np.frombuffer(data, np.uint32, len(data) // 4)
    record = h["size_data"] // 4
    level0 = words[HEADER.size // 4 : HEADER.size // 4 + count * record].reshape(count, record)
    _check_links(level0[:, : h["offset_data"] // 4], h["max_m0"], count, levels, None)
    vectors = level0[:, h["offset_data"] // 4 : h["label_offset"] // 4].view(np.float32)
    if not np.isfinite(vectors).all():
        raise HnswFileError("it holds vectors that are not numbers")
    if len(upper_rows):
        starts, row_levels = upper_rows[:, 0], upper_rows[:, 1]
        lists = words[starts[:, None] + np.arange(h["max_m"] + 1)]
        _check_links(lists, h["max_m"], count, levels, row_levels)
    return count


def _header(data: bytes) -> dict[str, int]:
    if len(data) < HEADER.size:
        raise HnswFileError("it is too short to be an index")
    names = (
        "offset_level0 max_elements cur_count size_data label_offset offset_data "
        "maxlevel entrypoint max_m max_m0 m mult ef_construction"
    ).split()
    return dict(zip(names, HEADER.unpack_from(data, 0), strict=True))


def _upper_levels(data: bytes, h: dict[str, int]) -> tuple[np.ndarray, np.ndarray, int]:
    """Each element's top level; (word index, level) of every upper link list; the end.

    The upper lists are found by walking the per-element sizes in order (each size says
    where the next one is), which is also how hnswlib reads them.
    """
    count, per_level = h["cur_count"], 4 + 4 * h["max_m"]
    offset = HEADER.size + count * h["size_data"]
    levels = np.zeros(count, dtype=np.int64)
    rows: list[tuple[int, int]] = []
    unpack = _SIZE.unpack_from
    try:
        for i in range(count):
            (nbytes,) = unpack(data, offset)
            if nbytes:
                n = nbytes // per_level
                if nbytes % per_level or n > h["maxlevel"]:
                    raise HnswFileError(f"element {i}'s link lists are garbled")
                levels[i] = n
                rows.extend(((offset + 4 + k * per_level) // 4, k + 1) for k in range(n))
            offset += 4 + nbytes
    except struct.error:
        raise HnswFileError(f"it ends early ({len(data)} bytes)") from None
    return levels, np.asarray(rows, dtype=np.int64).reshape(-1, 2), offset


def expected_size(data: bytes) -> int:
    """The byte size the header and the link-list sizes say the file must have."""
    return _upper_levels(data, _header(data))[2]


def _check_links(
    lists: np.ndarray, width: int, count: int, levels: np.ndarray, level: np.ndarray | None
) -> None:
    """Rows of [size, id * width] on ``level`` (None: 0): sizes within width, every id an
    element that reaches that level (else hnswlib reads outside its arrays)."""
    sizes = lists[:, 0] & 0xFFFF  # the upper bytes hold hnswlib's "deleted" flag
    if (sizes > width).any():
        raise HnswFileError("a link list is garbled (too long)")
    used = np.arange(width) < sizes[:, None]
    targets = lists[:, 1 : width + 1]
    if (targets[used] >= count).any():
        raise HnswFileError("a link points at no element")
    if level is not None:
        reach = levels[np.minimum(targets, count - 1)] >= level[:, None]
        if not reach[used].all():
            raise HnswFileError("a link points at an element not on its level")
