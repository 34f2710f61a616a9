"""What ``finder status`` and the window's status bar say about one generation.

Thread: the generation's.
"""

from __future__ import annotations

from finder.domain import Status
from finder.engine.generation import Generation
from finder.store.meta import unreadable_folders


def generation_status(generation: Generation, failures: int = 1000) -> Status:
    """Counts, sizes and the first ``failures`` failed files with their reasons."""
    catalog, paths = generation.catalog, generation.paths
    by_status = catalog.count_files_by_status()
    wal = paths.catalog.with_name(paths.catalog.name + "-wal")
    size = sum(p.stat().st_size for p in (paths.catalog, paths.vector_file, wal) if p.exists())
    return Status(
        data_dir=str(paths.root),
        roots=tuple(catalog.roots()),
        model=generation.model_in_use(),
        model_pending=generation.rebuild_pending(),
        files_indexed=by_status.get("ok", 0),
        files_pending=catalog.count_files_pending_vectors(),
        files_failed=by_status.get("failed", 0),
        files_name_only=by_status.get("name_only", 0),
        chunks=catalog.count_chunks(),
        vectors=catalog.count_vectors(),
        index_bytes=size,
        failures=tuple(catalog.failed_files(failures)),
        unreadable_folders=unreadable_folders(catalog),
    )
