"""``finder duplicates [--json]``: groups of files that are the same document (identical
copies, the same text in another format, edited versions), from
:mod:`finder.explore.duplicates`. Reads the index only; runs on the calling thread.

Text output: one block per group, its newest file first (marked ``*`` and ``new``), each
file with its similarity to the newest (``same`` for identical content), size, date, path.
JSON: a list of groups ``{"similarity", "identical", "files": [{"path", "folder",
"size", "modified", "similarity", "identical", "newest"}]}``, largest group first.
"""

from __future__ import annotations

import argparse
import json
import os
from datetime import datetime
from typing import Any

from finder.engine import IndexReader
from finder.explore.duplicates import DuplicateFile, DuplicateGroup, find_duplicates


def add_parser(sub: Any) -> None:
    """Register the subcommand on ``sub`` (argparse sub-parsers), handled by :func:`run`."""
    p = sub.add_parser("duplicates", help="files that are the same document (copies, versions)")
    p.add_argument("--json", action="store_true")


def run(args: argparse.Namespace) -> int:
    with IndexReader.open(args.data_dir) as reader:
        groups = find_duplicates(reader.catalog)
    if args.json:
        print(json.dumps([group_json(g) for g in groups], ensure_ascii=False, indent=1))
        return 0
    for n, group in enumerate(groups):
        kind = "identical" if group.identical else f"similarity {group.similarity:.2f}"
        print(f"{'' if n == 0 else chr(10)}# {len(group.files)} files, {kind}")
        for f in group.files:
            mark = "*" if f is group.newest else " "
            score = "new" if f is group.newest else "same" if f.identical else f"{f.similarity:.2f}"
            print(f"{mark} {score:>4}  {_size(f.size):>8}  {_date(f)}  {f.path}")
    if not groups:
        print("no duplicates found")
    return 0


def group_json(group: DuplicateGroup) -> dict[str, Any]:
    """The documented JSON shape of one group (module docstring)."""
    return {
        "similarity": group.similarity,
        "identical": group.identical,
        "files": [
            {
                "path": f.path,
                "folder": os.path.dirname(f.path),
                "size": f.size,
                "modified": datetime.fromtimestamp(f.mtime_ns / 1e9).astimezone().isoformat(),
                "similarity": f.similarity,
                "identical": f.identical,
                "newest": f is group.newest,
            }
            for f in group.files
        ],
    }


def _date(f: DuplicateFile) -> str:
    return datetime.fromtimestamp(f.mtime_ns / 1e9).strftime("%Y-%m-%d %H:%M")


def _size(size: int) -> str:
    for unit in ("B", "KB", "MB"):
        if size < 1024:
            return f"{size} {unit}"
        size //= 1024
    return f"{size} GB"
