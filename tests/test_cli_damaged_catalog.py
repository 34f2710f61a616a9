"""`finder` over a damaged catalog, as real subprocesses: readers say how, `index` heals."""

from __future__ import annotations

import json
import re
from pathlib import Path

from tests.store.test_salvage import QUERY, garble_page, write_corpus
from tests.test_cli import finder


def embedded(stderr: str) -> int:
    """The chunk count of `finder index`'s summary line."""
    found = re.search(r"(\d+) chunks embedded", stderr)
    assert found, stderr
    return int(found.group(1))


def test_search_and_status_refuse_a_damaged_catalog_and_index_heals_it(
    tmp_path: Path, cache_dir: Path
) -> None:
    """Garbled files and vectors pages: search and status exit 2 with the way out (no
    traceback), `index` warns, rebuilds embedding only the lost vectors, search works."""
    root, data = write_corpus(tmp_path / "files"), tmp_path / "data"
    first = finder(data, "index", str(root))
    assert first.returncode == 0, first.stderr
    total = embedded(first.stderr)
    garble_page(data / "catalog.sqlite3", "files")
    garble_page(data / "catalog.sqlite3", "vectors")

    for args in (("search", QUERY), ("status",), ("roots", "list")):
        done = finder(data, *args)
        assert done.returncode == 2, (args, done.stdout, done.stderr)
        assert "is damaged" in done.stderr and "`finder index`" in done.stderr, args
        assert "Traceback" not in done.stderr, args

    healed = finder(data, "index")
    assert healed.returncode == 0, healed.stderr
    assert "WARNING" in healed.stderr and "set it aside as" in healed.stderr
    assert 0 < embedded(healed.stderr) < total
    assert list(data.glob("catalog.sqlite3.damaged-*"))

    found = finder(data, "search", QUERY, "--json", "--limit", "1")
    assert found.returncode == 0, found.stderr
    assert json.loads(found.stdout)[0]["path"] == str(root / "garden/roses.md")
    assert finder(data, "status").returncode == 0
