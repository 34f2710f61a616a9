"""``finder check [--repair]``: verify every file of a data dir against the others.

Checks, in order: the generation pointer, the catalog (``PRAGMA quick_check``), the
manifest (parses; its dimension matches the vectors the catalog stores), the vector
index file (structure and the manifest's checksum, :mod:`finder.store.hnsw_file`), the
settings file (parses) and the ONNX query export (checksums, :mod:`finder.embed.loader`).
Each gives :class:`Finding` lines: ``ok``, ``repaired`` or ``problem``.

Without ``repair`` nothing is written. With it the writer lock is taken (a running
service must be stopped first) and what can be fixed is: the pointer rewritten, the
manifest corrected, the vector index rebuilt from the catalog's stored vectors, a bad
settings file set aside, a damaged export removed and made again. A damaged catalog is
set aside and rebuilt by :func:`finder.store.salvage.rebuild_damaged_catalog`.

Thread: the caller's; touches no Qt. Imports heavy parts (hnswlib, onnx) only as needed.
"""

from __future__ import annotations

import json
from dataclasses import dataclass, replace
from pathlib import Path

import numpy as np

from finder.embed.loader import discard_export, ensure_query_export, export_dir_for
from finder.embed.shipped import shipped_export
from finder.paths import POINTER_NAME, DataPaths
from finder.settings import IndexSettings, read_settings_file, settings_file
from finder.store.catalog import Catalog, CatalogError
from finder.store.generations import current_generation
from finder.store.hnsw_file import HnswFileError, check_hnsw_file, digest_file
from finder.store.lock import WriterLock
from finder.store.manifest import (
    Manifest,
    read_manifest,
    record_digest,
    write_manifest,
)
from finder.store.salvage import catalog_problem, rebuild_damaged_catalog
from finder.store.vectors import VectorIndex

HINT = " (run `finder check --repair`)"


@dataclass(frozen=True, slots=True)
class Finding:
    """One line of the report: ``kind`` is "ok", "repaired" or "problem"."""

    kind: str
    text: str

    def __str__(self) -> str:
        return f"{self.kind}: {self.text}"


def check_data_dir(
    data_dir: Path, cache_dir: Path, config_dir: Path, *, repair: bool = False
) -> list[Finding]:
    """Every finding for the data dir, best effort; with ``repair`` fixes what it can.
    Raises ``WriterLockedError`` when repairing while another process writes."""
    lock = WriterLock(DataPaths(data_dir, cache_dir).writer_lock) if repair else None
    if lock is not None:
        data_dir.mkdir(parents=True, exist_ok=True)
        lock.acquire()
    try:
        return _Checker(data_dir, cache_dir, config_dir, repair).run()
    finally:
        if lock is not None:
            lock.release()


class _Checker:
    """One run of the checks over one data dir, collecting findings in order."""

    def __init__(self, data_dir: Path, cache_dir: Path, config_dir: Path, repair: bool) -> None:
        self.base = DataPaths(data_dir, cache_dir)
        self.config_dir = config_dir
        self.repair = repair
        self.findings: list[Finding] = []

    def say(self, kind: str, text: str, *, hint: bool = True) -> None:
        """Add a finding; a problem says how to repair it unless ``hint`` is False."""
        self.findings.append(Finding(kind, text + (HINT if kind == "problem" and hint else "")))

    def fixed_or_problem(self, fixed: str, problem: str) -> None:
        """After a repair was attempted (``self.repair``) or not."""
        if self.repair:
            self.say("repaired", fixed)
        else:
            self.say("problem", problem)

    def run(self) -> list[Finding]:
        if not self.base.root.is_dir():
            self.say("ok", f"{self.base.root} holds no index yet")
            return self.findings
        paths = replace(self.base, generation=self.check_pointer())
        catalog = self.check_catalog(paths)
        self.check_settings()
        if catalog is None:
            return self.findings
        try:
            manifest = self.check_manifest(paths, catalog)
            if manifest is not None:
                self.check_vectors(paths, catalog, manifest)
                self.check_export(manifest.model)
        finally:
            catalog.close()
        return self.findings

    # --- pointer ----------------------------------------------------------------------
    def check_pointer(self) -> str:
        root = self.base.root
        try:
            raw: bytes | None = (root / POINTER_NAME).read_bytes()
        except FileNotFoundError:
            raw = None
        except OSError as err:
            self.say("problem", f"cannot read the index pointer {root / POINTER_NAME}: {err}")
            return ""
        chosen = current_generation(root, repair=self.repair)
        where = f"generation {chosen}" if chosen else "the data dir itself"
        named = raw.decode("utf-8", "replace").strip() if raw is not None else ""
        if (raw is None and not chosen) or (raw is not None and chosen and named == chosen):
            self.say("ok", f"the index in force is in {where}")
        else:
            self.fixed_or_problem(
                f"the index pointer was damaged: it now names {where}",
                f"the index pointer is damaged ({(raw or b'missing')[:40]!r}); "
                f"the index in {where} is used",
            )
        return chosen

    # --- catalog ----------------------------------------------------------------------
    def check_catalog(self, paths: DataPaths) -> Catalog | None:
        """The catalog, opened, when it is sound; None (with findings) otherwise."""
        if not paths.catalog.exists():
            self.say("ok", f"no index yet in {paths.index_dir}")
            return None
        problem = catalog_problem(paths.catalog)
        if problem is not None and not self.repair:
            self.say("problem", f"catalog {paths.catalog} is damaged ({problem})")
            return None
        if problem is not None:
            report = rebuild_damaged_catalog(paths, problem)
            self.say("repaired", f"{report.message()}; `finder index` reads your files again")
        else:
            self.say("ok", f"catalog {paths.catalog} passes SQLite's quick_check")
        try:
            return Catalog(paths.catalog, readonly=not self.repair)
        except CatalogError as err:
            self.say("problem", str(err))
            return None

    # --- manifest ---------------------------------------------------------------------
    def check_manifest(self, paths: DataPaths, catalog: Catalog) -> Manifest | None:
        stored = catalog.stored_dimension()
        manifest = read_manifest(paths.manifest)
        if manifest is None:
            if stored is None:
                self.say("ok", "no vectors stored yet")
                return None
            model = IndexSettings.from_json(catalog.get_meta("settings")).model
            manifest = Manifest(model=model, dimension=stored)
            if self.repair:
                write_manifest(paths.manifest, manifest)
            self.fixed_or_problem(
                f"manifest {paths.manifest} was missing or garbled: rewritten ({model}, "
                f"{stored}-d from the stored vectors)",
                f"manifest {paths.manifest} is missing or garbled",
            )
            return manifest
        if stored is not None and stored != manifest.dimension:
            fixed = replace(manifest, dimension=stored)
            if self.repair:
                write_manifest(paths.manifest, fixed)
            self.fixed_or_problem(
                f"manifest said {manifest.dimension}-d vectors, the catalog holds {stored}-d: "
                "corrected",
                f"manifest says {manifest.dimension}-d vectors, the catalog holds {stored}-d",
            )
            return fixed
        self.say("ok", f"manifest: {manifest.model}, {manifest.dimension}-d vectors")
        return manifest

    # --- vectors ----------------------------------------------------------------------
    def check_vectors(self, paths: DataPaths, catalog: Catalog, manifest: Manifest) -> None:
        live = catalog.live_vector_ids()
        digest = manifest.vectors_digest()
        try:
            count = check_hnsw_file(
                paths.vector_file, manifest.dimension, digest, trust_stamp=False
            )
        except HnswFileError as err:
            if not paths.vector_file.exists() and not len(live):
                self.say("ok", "no vector index file yet (no vectors)")
                return
            problem = "missing" if not paths.vector_file.exists() else f"damaged: {err}"
            if self.repair:
                self.rebuild_vectors(paths, catalog, manifest.dimension)
            self.fixed_or_problem(
                f"vector index {paths.vector_file} was {problem}: rebuilt from the catalog's "
                f"{len(live)} stored vectors",
                f"vector index {paths.vector_file} is {problem}",
            )
            return
        behind = "" if count == len(live) else f" ({count} in the file, {len(live)} live)"
        if digest is None:  # saved by an older finder: sound, but not yet checksummed
            if self.repair:
                record_digest(paths.manifest, digest_file(paths.vector_file))
                self.say(
                    "repaired", f"vector index {paths.vector_file} is sound; checksum recorded"
                )
            else:
                self.say(
                    "ok", f"vector index {paths.vector_file} is sound (no checksum yet){behind}"
                )
            return
        self.say("ok", f"vector index {paths.vector_file} matches its checksum{behind}")

    def rebuild_vectors(self, paths: DataPaths, catalog: Catalog, dimension: int) -> None:
        paths.vector_file.unlink(missing_ok=True)
        index = VectorIndex(
            paths.vector_file, dimension, on_saved=lambda d: record_digest(paths.manifest, d)
        )

        def load(ids: np.ndarray) -> tuple[np.ndarray, np.ndarray]:
            return catalog.vectors_by_ids(ids.tolist(), dimension)

        index.load_and_sync(catalog.live_vector_ids(), load)
        index.save()

    # --- settings and export ----------------------------------------------------------
    def check_settings(self) -> None:
        path = settings_file(self.config_dir, self.base.root)
        try:
            data = json.loads(path.read_text(encoding="utf-8"))
            IndexSettings.from_dict(data["index"])
            tuple(str(r) for r in data["roots"])
        except FileNotFoundError:
            self.say("ok", f"no settings file yet ({path}): written at the next index run")
            return
        except (OSError, ValueError, KeyError, TypeError) as err:
            if self.repair:
                read_settings_file(path)  # sets a bad file aside; the writer rewrites it
            self.fixed_or_problem(
                f"settings file {path} did not parse ({err}): set aside as "
                f"{path.name}.broken, rewritten from the index at the next run",
                f"settings file {path} does not parse ({err})",
            )
            return
        self.say("ok", f"settings file {path} parses")

    def check_export(self, model: str) -> None:
        from finder.embed.export_checksums import ExportDamagedError, verify_export

        shipped = shipped_export(model)
        if shipped is not None:  # the installed app's, read-only: its package checks it
            self.say("ok", f"{model} is the model shipped with finder ({shipped})")
            return
        target = export_dir_for(self.base.model_cache, model)
        if not target.is_dir():
            self.say("ok", f"no fast query model yet for {model} (made after indexing)")
            return
        try:
            verify_export(target)
        except (ExportDamagedError, OSError) as err:
            if self.repair:
                discard_export(target, str(err))
                remade = ensure_query_export(model, self.base.model_cache)
            self.fixed_or_problem(
                f"fast query model {target} was damaged ({err}): removed"
                + ("" if not self.repair or not remade else " and made again"),
                f"fast query model {target} is damaged ({err})",
            )
            return
        self.say("ok", f"fast query model {target} matches its checksums")
