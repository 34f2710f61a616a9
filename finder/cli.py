"""``finder`` on the command line: index, search, status, roots, similar, and the live
service's watch, pause and resume (in :mod:`finder.service.commands`).

Output for people goes to stdout, progress and errors to stderr; ``--json`` gives
machine-readable output whose field names are documented in README.md.
"""

from __future__ import annotations

import argparse
import io
import json
import logging
import os
import sys
from collections.abc import Sequence
from dataclasses import asdict, replace
from datetime import datetime
from pathlib import Path
from typing import Any

from finder import cli_topics
from finder.cli_checks import (
    REPORTED,
    check_data_dir,
    describe,
    exit_quietly_on_broken_pipe,
    finder_version,
    utf8_argument,
    utf8_text,
    whole_number,
)
from finder.domain import SearchHit
from finder.embed import resolve_model_path
from finder.engine import IndexReader, IndexWriter
from finder.errors import FinderError
from finder.path_rules import user_path
from finder.progress import ProgressBar
from finder.query import QueryError
from finder.service import commands as cli_service
from finder.service.live import LAST_RECONCILE_KEY
from finder.settings import MAX_MB, MAX_THREADS
from finder.store.catalog import CatalogDamagedError, CatalogError

MAX_LIMIT = 10_000  # results a search may list


def build_parser() -> argparse.ArgumentParser:
    parser = argparse.ArgumentParser(prog="finder", description="Find files by meaning.")
    parser.add_argument(
        "--data-dir",
        type=Path,
        default=None,
        help="where the index lives (default: $FINDER_DATA_DIR or the user data dir)",
    )
    parser.add_argument("-v", "--verbose", action="store_true", help="log what happens")
    parser.add_argument("--version", action="version", version=f"finder {finder_version()}")
    sub = parser.add_subparsers(dest="command", metavar="COMMAND")  # none: open the window

    p = sub.add_parser("index", help="add folders and bring the index up to date")
    p.add_argument("paths", nargs="*", help="folders to add to the indexed roots")
    p.add_argument(
        "--model", type=utf8_argument, help="sentence-transformers model name or local path"
    )
    p.add_argument(
        "--exclude",
        type=utf8_argument,
        action="append",
        default=[],
        help="glob to skip (repeatable)",
    )
    p.add_argument(
        "--threads",
        type=whole_number(1, MAX_THREADS),
        help="CPU threads for parsing and embedding",
    )
    p.add_argument(
        "--max-file-mb",
        type=whole_number(1, MAX_MB),
        help="larger files are indexed by name only",
    )
    p.add_argument(
        "--hidden",
        action=argparse.BooleanOptionalAction,
        default=None,
        help="also index hidden files and folders (saved for later runs)",
    )

    p = sub.add_parser("search", help="rank files by meaning and keywords")
    p.add_argument(
        "query", type=utf8_argument, help="the query, or - to read one query per line from stdin"
    )
    p.add_argument(
        "--limit", type=whole_number(1, MAX_LIMIT), default=10, help="files to show (default 10)"
    )
    p.add_argument("--json", action="store_true", help="print JSON (JSON Lines with -)")
    p.add_argument(
        "--legs", choices=("hybrid", "keyword", "meaning"), default="hybrid", help=argparse.SUPPRESS
    )  # for benchmarks

    p = sub.add_parser("status", help="what is indexed, pending and failed")
    p.add_argument("--json", action="store_true")

    p = sub.add_parser("watch", help="keep the index fresh as files change (foreground)")
    p.add_argument(
        "--poll", action="store_true", help="rescan now and then instead of OS change events"
    )
    sub.add_parser("pause", help="pause a running `finder watch` or app")
    sub.add_parser("resume", help="resume a paused `finder watch` or app")

    p = sub.add_parser("roots", help="list, add or remove indexed folders")
    p.add_argument("action", choices=("list", "add", "remove"))
    p.add_argument("paths", nargs="*")

    p = sub.add_parser("similar", help="files most like this one")
    p.add_argument("path")
    p.add_argument("--limit", type=whole_number(1, MAX_LIMIT), default=10)
    p.add_argument("--json", action="store_true")

    p = sub.add_parser("check", help="verify the index files against each other")
    p.add_argument("--repair", action="store_true", help="fix what can be fixed")
    cli_topics.add_parser(sub)
    return parser


def main(argv: Sequence[str] | None = None) -> int:
    os.umask(0o077)  # what finder writes is private to the user (README: Privacy)
    args = build_parser().parse_args(argv)
    logging.basicConfig(
        level=logging.INFO if args.verbose else logging.WARNING,
        format="finder: %(levelname)s: %(message)s",
    )
    if args.command is None:
        from finder.app import run  # Qt is imported only for the window

        return run(args.data_dir)
    data_dir = cli_service.data_dir_of(args)
    try:
        check_data_dir(data_dir)
        code = _COMMANDS[args.command](args)
        sys.stdout.flush()  # a reader that went away (`| head -1`) shows here, not at exit
        return code
    except BrokenPipeError:
        return exit_quietly_on_broken_pipe()
    except REPORTED as err:
        print(f"finder: {describe(err, data_dir)}", file=sys.stderr)
        return 2
    except KeyboardInterrupt:
        print("finder: interrupted; what was committed is kept", file=sys.stderr)
        return 130


def _index(args: argparse.Namespace) -> int:
    if cli_service.forward_index(args):
        return 0
    with IndexWriter.open(args.data_dir) as writer:
        writer.add_roots(args.paths)
        settings = writer.settings
        changes: dict[str, Any] = {}
        if args.model:
            resolve_model_path(args.model)  # refuse an unavailable model before saving it
            changes["model"] = args.model
        if args.exclude:
            changes["exclude_globs"] = tuple(
                dict.fromkeys([*settings.exclude_globs, *args.exclude])
            )
        if args.threads:
            changes["threads"] = args.threads
        if args.max_file_mb:
            changes["max_file_mb"] = args.max_file_mb
        if args.hidden is not None:
            changes["include_hidden"] = args.hidden
        if changes:
            writer.update_settings(replace(settings, **changes))
        if not writer.roots():
            print("finder: no folders to index: run `finder index FOLDER`", file=sys.stderr)
            return 2
        bar = ProgressBar(sys.stderr)
        report = writer.index(bar.update)
        bar.finish()
        print(
            f"{report.added} added, {report.updated} updated, {report.renamed} moved, "
            f"{report.removed} removed, {report.unchanged} unchanged, {report.failed} failed; "
            f"{report.chunks_embedded} chunks embedded in {report.seconds:.1f} s",
            file=sys.stderr,
        )
    return 0


def _search(args: argparse.Namespace) -> int:
    with IndexReader.open(args.data_dir) as reader:
        if args.query != "-":
            _print_hits(reader.search(args.query, args.limit, legs=args.legs), args.json)
            return 0
        return _search_stream(reader, args)


def _search_stream(reader: IndexReader, args: argparse.Namespace) -> int:
    """Answer each stdin line; a bad query is answered with its error and the stream goes
    on (exit 2 at the end if any was bad)."""
    if isinstance(sys.stdin, io.TextIOWrapper):  # a line that is not UTF-8 is one error
        sys.stdin.reconfigure(errors="surrogateescape")
    failed = False
    for line in sys.stdin:
        query = line.strip()
        try:
            hits = reader.search(utf8_text(query), args.limit, legs=args.legs) if query else []
        except (QueryError, FinderError) as err:
            failed = True
            if args.json:
                print(json.dumps({"error": str(err)}, ensure_ascii=False), flush=True)
            else:
                print(f"# {query}", flush=True)
                print(f"finder: {err}", file=sys.stderr, flush=True)
            continue
        if args.json:
            print(json.dumps([hit_json(h) for h in hits], ensure_ascii=False), flush=True)
        else:
            print(f"# {query}")
            _print_hits(hits, False)
    return 2 if failed else 0


def _similar(args: argparse.Namespace) -> int:
    with IndexReader.open(args.data_dir) as reader:
        _print_hits(reader.similar(args.path, args.limit), args.json)
    return 0


def hit_json(hit: SearchHit) -> dict[str, Any]:
    """The documented JSON shape of one result (README: "JSON output")."""
    return {
        "path": hit.path,
        "score": hit.score,
        "snippet": hit.snippet,
        "page": hit.page,
        "modified": datetime.fromtimestamp(hit.modified_ns / 1e9).astimezone().isoformat(),
        "matched_by": list(hit.matched_by),
        "confidence": hit.confidence,
    }


def _print_hits(hits: list[SearchHit], as_json: bool) -> None:
    if as_json:
        print(json.dumps([hit_json(h) for h in hits], ensure_ascii=False, indent=2))
        return
    if not hits:
        print("no matches")
    for n, hit in enumerate(hits, 1):
        page = f" (page {hit.page})" if hit.page else ""
        print(f"{n:2}. {hit.path}{page}  [{', '.join(hit.matched_by)}]")
        if hit.snippet:
            print(f"    {hit.snippet}")


def _status(args: argparse.Namespace) -> int:
    with IndexReader.open(args.data_dir) as reader:
        st = reader.status()
        stamp = reader.catalog.get_meta(LAST_RECONCILE_KEY)
    last_reconcile = float(stamp) if stamp else None
    service = cli_service.service_status(cli_service.data_dir_of(args))
    if args.json:
        data = asdict(st)
        data["failures"] = [{"path": p, "reason": r} for p, r in st.failures]
        data["unreadable_folders"] = [{"path": p, "reason": r} for p, r in st.unreadable_folders]
        data["service"] = service
        data["last_reconcile"] = (service or {}).get("last_reconcile") or last_reconcile
        print(json.dumps(data, indent=2, ensure_ascii=False))
        return 0
    print(f"data dir:   {st.data_dir}")
    print(f"model:      {st.model}")
    if st.model_pending:
        print(f"            switching to {st.model_pending}: a new index is being built")
    roots = [
        r if os.path.isdir(r) else f"{r} (not available now: its files are kept)" for r in st.roots
    ]
    print("roots:      " + ("\n            ".join(roots) if roots else "(none)"))
    print(
        f"files:      {st.files_indexed} indexed, {st.files_pending} pending meaning, "
        f"{st.files_failed} failed, {st.files_name_only} by name only"
    )
    print(f"chunks:     {st.chunks} ({st.vectors} distinct vectors)")
    print(f"index size: {st.index_bytes / 1e6:.1f} MB on disk")
    for line in cli_service.service_lines(service, last_reconcile):
        print(line)
    for path, reason in st.unreadable_folders:
        print(f"  unreadable folder: {path}: {reason}")
    for path, reason in st.failures[:20]:
        print(f"  failed: {path}: {reason}")
    if len(st.failures) > 20:
        print(f"  ... and {len(st.failures) - 20} more (finder status --json lists all)")
    return 0


def _roots(args: argparse.Namespace) -> int:
    if args.action == "list":
        try:
            with IndexReader.open(args.data_dir) as reader:
                roots = reader.roots()
        except CatalogDamagedError:
            raise  # not "no folders": the person must learn that the index is damaged
        except CatalogError:
            roots = []
        print("\n".join(roots) if roots else "(no folders)")
        return 0
    if not args.paths:
        raise FinderError(f"name one or more folders: finder roots {args.action} FOLDER...")
    if args.action == "remove":  # one that is not a root: nothing is removed
        _refuse_non_roots(args.paths, _indexed_roots(args))
    if cli_service.forward_roots(args):
        return 0
    with IndexWriter.open(args.data_dir) as writer:
        if args.action == "add":
            for root in writer.add_roots(args.paths):
                print(f"added {root} (run `finder index` to index it)")
            return 0
        removed = writer.remove_roots(args.paths)
    for root in removed:
        print(f"removed {root} (run `finder index` to drop its files from the index)")
    return 0


def _refuse_non_roots(paths: list[str], roots: list[str]) -> None:
    """Raise naming the first of ``paths`` that is not among ``roots``."""
    for path in paths:
        if user_path(path) not in roots:
            raise FinderError(f"not an indexed folder: {path} (`finder roots list` shows them)")


def _indexed_roots(args: argparse.Namespace) -> list[str]:
    try:
        with IndexReader.open(args.data_dir) as reader:
            return reader.roots()
    except CatalogError:
        return []


def _check(args: argparse.Namespace) -> int:
    from finder.check import check_data_dir
    from finder.paths import default_cache_dir, default_config_dir

    data_dir = cli_service.data_dir_of(args)
    findings = check_data_dir(
        data_dir, default_cache_dir(), default_config_dir(), repair=args.repair
    )
    for finding in findings:
        print(finding)
    return 1 if any(f.kind == "problem" for f in findings) else 0


_COMMANDS = {
    "topics": cli_topics.run,
    "index": _index,
    "search": _search,
    "status": _status,
    "roots": _roots,
    "similar": _similar,
    "watch": cli_service.watch,
    "pause": cli_service.pause_or_resume,
    "resume": cli_service.pause_or_resume,
    "check": _check,
}
