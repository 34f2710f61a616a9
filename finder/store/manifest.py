"""``manifest.json``: which model and dimension the stored vectors belong to, and the
size and checksum of the vector index file last saved for them.

Read by every process before it trusts the vector index; written atomically (temp file,
fsync, rename) by the writer when the model is chosen or changed and after every save of
the vector index. The checksum fields are optional: an index saved by an older finder
has none, and its file is then checked for structure only (:mod:`.hnsw_file`).
"""

from __future__ import annotations

import json
import logging
from dataclasses import asdict, dataclass, replace
from pathlib import Path

from finder.store.atomic import write_text_atomically
from finder.store.catalog import Catalog
from finder.store.hnsw_file import FileDigest
from finder.store.schema import SCHEMA_VERSION

log = logging.getLogger(__name__)


@dataclass(frozen=True, slots=True)
class Manifest:
    """What the data dir's vectors were made with."""

    model: str
    dimension: int
    schema_version: int = SCHEMA_VERSION
    vectors_bytes: int | None = None
    vectors_sha256: str | None = None
    vectors_stamp: tuple[int, int, int, int] | None = None  # see hnsw_file.FileDigest

    def vectors_digest(self) -> FileDigest | None:
        """What the last saved vector index file must hash to; None if not recorded."""
        if self.vectors_bytes is None or self.vectors_sha256 is None:
            return None
        return FileDigest(self.vectors_bytes, self.vectors_sha256, self.vectors_stamp)

    def with_vectors(self, digest: FileDigest | None) -> Manifest:
        if digest is None:
            return replace(self, vectors_bytes=None, vectors_sha256=None, vectors_stamp=None)
        return replace(
            self,
            vectors_bytes=digest.size,
            vectors_sha256=digest.sha256,
            vectors_stamp=digest.stamp,
        )


def read_manifest(path: Path) -> Manifest | None:
    """The manifest, or None when there is none or it cannot be parsed (treated as new)."""
    try:
        data = json.loads(path.read_text(encoding="utf-8"))
        size, sha = data.get("vectors_bytes"), data.get("vectors_sha256")
        manifest = Manifest(
            model=str(data["model"]),
            dimension=int(data["dimension"]),
            schema_version=int(data.get("schema_version", SCHEMA_VERSION)),
        )
    except (OSError, ValueError, KeyError, TypeError, AttributeError):
        return None
    if isinstance(size, int) and isinstance(sha, str) and len(sha) == 64:
        stamp = data.get("vectors_stamp")
        ok = isinstance(stamp, list) and len(stamp) == 4 and all(type(x) is int for x in stamp)
        manifest = manifest.with_vectors(FileDigest(size, sha, tuple(stamp) if ok else None))
    return manifest if manifest.dimension > 0 and manifest.model else None


def write_manifest(path: Path, manifest: Manifest) -> None:
    write_text_atomically(path, json.dumps(asdict(manifest), indent=2))


def recorded_digest(path: Path) -> FileDigest | None:
    """The vector index digest the manifest at ``path`` records, if any."""
    manifest = read_manifest(path)
    return manifest.vectors_digest() if manifest is not None else None


def record_digest(path: Path, digest: FileDigest | None) -> None:
    """Record the digest of the vector index file just saved (writer only)."""
    manifest = read_manifest(path)
    if manifest is not None and manifest.with_vectors(digest) != manifest:
        write_manifest(path, manifest.with_vectors(digest))


def checked_dimension(path: Path, catalog: Catalog, *, repair: bool) -> int | None:
    """The manifest's dimension, or the catalog's when the two disagree (the stored
    vectors are the truth; the manifest is fixed when ``repair``) or the manifest is
    missing or unreadable (the writer writes a new one at its next run). None: neither
    a manifest nor stored vectors."""
    manifest = read_manifest(path)
    stored = catalog.stored_dimension()
    if manifest is None:
        if stored is not None:
            log.warning("%s is missing or unreadable: using the stored %d-d vectors", path, stored)
        return stored
    if stored is None or stored == manifest.dimension:
        return manifest.dimension
    done = "fixed the manifest" if repair else "run `finder check --repair` to fix it"
    log.warning(
        "%s says %d-d vectors but the catalog holds %d-d ones: using %d-d; %s",
        path,
        manifest.dimension,
        stored,
        stored,
        done,
    )
    if repair:
        write_manifest(path, replace(manifest, dimension=stored))
    return stored
