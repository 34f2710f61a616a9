"""``finder topics [--json]``: the topics of the files' map, their label words, sizes
and files (the same list as the window's map legend; ``topic:N`` filters a search).

The map is read from the index (the live service keeps it); when there is none yet, or
with ``--refresh``, it is made here from the stored vectors and saved, which takes
seconds for thousands of files. ``finder index`` does not make it: a one-off index stays
as fast as before, and the first ``finder topics`` pays for the map once.
"""

from __future__ import annotations

import argparse
import json
import sys
from typing import Any

import numpy as np

from finder.cli_checks import whole_number
from finder.engine import IndexReader
from finder.explore.build import build_map
from finder.explore.file_map import FileMap
from finder.explore.map_file import save_map


def add_parser(sub: Any) -> None:
    """Register the subcommand on the CLI's subparsers."""
    p = sub.add_parser("topics", help="groups of files about the same thing")
    p.add_argument("--json", action="store_true")
    p.add_argument(
        "--files", type=whole_number(0, 1_000_000), default=5, help="files listed per topic"
    )
    p.add_argument("--refresh", action="store_true", help="make the map again first")


def run(args: argparse.Namespace) -> int:
    with IndexReader.open(args.data_dir) as reader:
        file_map = None if args.refresh else reader.file_map()
        if file_map is None:
            file_map = make_map(reader)
    if args.json:
        print(json.dumps(topics_json(file_map), ensure_ascii=False, indent=2))
        return 0
    if not file_map.topics:
        print("no topics: nothing with meaning is indexed yet")
    for topic in topics_json(file_map, args.files):
        print(f"{topic['id']:3}. {', '.join(topic['words'])}  ({topic['size']} files)")
        for path in topic["files"]:
            print(f"       {path}")
    return 0


def make_map(reader: IndexReader) -> FileMap:
    """Lay out and group the indexed files now, and save the map with the index."""
    dimension = reader.catalog.stored_dimension()
    if dimension is None:
        return FileMap((), np.zeros((0, 2), np.float32), np.zeros(0, np.int32), ())
    print(f"finder: making the map of {reader.catalog.count_files()} files...", file=sys.stderr)
    file_map, _ = build_map(reader.catalog, dimension, None)
    save_map(reader.paths.file_map, file_map)
    return file_map


def topics_json(file_map: FileMap, files: int | None = None) -> list[dict[str, Any]]:
    """Each topic (largest first) with its label words, size and files (all, or the
    first ``files`` by nearness to the topic's middle on the map)."""
    out = []
    for topic in file_map.topics:
        rows = [i for i, t in enumerate(file_map.topic) if t == topic.id]
        if rows:
            middle = file_map.xy[rows].mean(axis=0)
            rows.sort(key=lambda i: float(((file_map.xy[i] - middle) ** 2).sum()))
        chosen = rows if files is None else rows[:files]
        out.append(
            {
                "id": topic.id,
                "words": list(topic.words),
                "size": topic.size,
                "files": [file_map.paths[i] for i in chosen],
            }
        )
    return out
