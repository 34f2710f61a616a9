"""Checksums of an ONNX query export, so a garbled file in it is never used.

The exporter writes ``finder-checksums.json`` (size and SHA-256 of every other file)
into the export as its last file. Before a process uses the export, :func:`verify_export`
hashes the small files (tokenizer.json, finder-onnx.json: < 1 ms) every time. model.onnx
(90 MB for MiniLM) is hashed in full only when it is not the very file last verified:
hashing it took 190 ms against 640 ms for building the onnxruntime session from it (30%,
on a busy 2-core machine), so a stamp of the file's identity (inode, size, mtime, ctime;
ctime changes with any write or ``touch``, and cannot be set back) is kept in
``finder-verified.json`` after a full check and a matching stamp skips the hash.

An export without checksums (made by an older finder) is treated as damaged: it is
made again, once.

Thread: any; the stamp is replaced atomically, so concurrent processes are safe.
"""

from __future__ import annotations

import contextlib
import hashlib
import json
import os
from pathlib import Path

CHECKSUMS_FILE = "finder-checksums.json"
VERIFIED_FILE = "finder-verified.json"
_LARGE = 8 * 1024 * 1024  # files above this are hashed once per identity


class ExportDamagedError(ValueError):
    """A file of the export does not match the checksum recorded when it was made."""


def write_checksums(export_dir: Path, names: tuple[str, ...]) -> None:
    """Record size and SHA-256 of ``names`` in ``export_dir`` (the exporter, last)."""
    files = {name: _describe(export_dir / name) for name in names}
    (export_dir / CHECKSUMS_FILE).write_text(json.dumps({"files": files}, indent=2) + "\n")


def verify_export(export_dir: Path) -> None:
    """Raise :class:`ExportDamagedError` naming the first file that does not match;
    ``FileNotFoundError`` (an ``OSError``) when a file is missing."""
    try:
        recorded = json.loads((export_dir / CHECKSUMS_FILE).read_text(encoding="utf-8"))
        files = {str(k): (int(v["bytes"]), str(v["sha256"])) for k, v in recorded["files"].items()}
    except FileNotFoundError:
        raise ExportDamagedError("it has no checksums (made by an older finder)") from None
    except (ValueError, KeyError, TypeError, AttributeError) as err:
        raise ExportDamagedError(f"its checksums file is garbled ({err})") from err
    stamps = _read_stamps(export_dir)
    verified = dict(stamps)
    for name, (size, sha) in files.items():
        path = export_dir / name
        st = path.stat()
        if st.st_size != size:
            raise ExportDamagedError(f"{name} is {st.st_size} bytes, not {size}")
        stamp = [st.st_ino, st.st_size, st.st_mtime_ns, st.st_ctime_ns]
        if size > _LARGE and stamps.get(name) == stamp:
            continue  # this very file was hashed in full before
        if _sha256(path) != sha:
            raise ExportDamagedError(f"{name} does not match its checksum")
        if size > _LARGE:
            verified[name] = stamp
    if verified != stamps:
        _write_stamps(export_dir, verified)


def _describe(path: Path) -> dict[str, object]:
    return {"bytes": path.stat().st_size, "sha256": _sha256(path)}


def _sha256(path: Path) -> str:
    digest = hashlib.sha256()
    with open(path, "rb") as f:
        while block := f.read(1 << 20):
            digest.update(block)
    return digest.hexdigest()


def _read_stamps(export_dir: Path) -> dict[str, list[int]]:
    try:
        raw = json.loads((export_dir / VERIFIED_FILE).read_text(encoding="utf-8"))
        return {str(k): [int(x) for x in v] for k, v in raw.items()}
    except (OSError, ValueError, TypeError, AttributeError):
        return {}  # none yet or garbled: hash in full again


def _write_stamps(export_dir: Path, stamps: dict[str, list[int]]) -> None:
    tmp = export_dir / f"{VERIFIED_FILE}.{os.getpid()}.tmp"
    with contextlib.suppress(OSError):  # a read-only cache: verify in full next time too
        tmp.write_text(json.dumps(stamps), encoding="utf-8")
        os.replace(tmp, export_dir / VERIFIED_FILE)
    with contextlib.suppress(OSError):
        tmp.unlink(missing_ok=True)
