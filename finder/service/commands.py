"""The commands around the live service: ``watch``, ``pause``, ``resume``, the
service's lines in ``status``, and handing ``index`` and ``roots`` to a running service.

``finder watch`` runs :class:`~finder.service.live.IndexService` in the foreground;
the other commands reach a running one over its control socket.
"""

from __future__ import annotations

import argparse
import os
import signal
import sys
import time
from datetime import datetime
from pathlib import Path
from typing import Any

from finder.domain import IndexReport, Progress
from finder.path_rules import user_path
from finder.paths import default_data_dir
from finder.progress import ProgressBar
from finder.service.control import send_command
from finder.service.live import IndexService
from finder.service.state import BatchReport, ServiceOptions
from finder.store.lock import WriterLockedError
from finder.watch.watcher import RootWatch

BAR_FROM = 50  # files or chunks: smaller updates print one line when done, no bar


def data_dir_of(args: argparse.Namespace) -> Path:
    return Path(args.data_dir) if args.data_dir else default_data_dir()


def watch(args: argparse.Namespace) -> int:
    """Run the service until Ctrl+C or SIGTERM; prints what it indexes."""
    bar = ProgressBar(sys.stderr)

    def on_batch(batch: BatchReport) -> None:
        bar.finish()
        line = describe_batch(batch)
        if line:
            print(f"{time.strftime('%H:%M:%S')} {line}", flush=True)

    def on_watch(roots: list[RootWatch]) -> None:
        bar.finish()
        for root in roots:
            how = "polling" if root.polling else "watching"
            detail = root.reason if root.polling else f"{root.mode} events"
            print(f"finder: {how} {root.root} ({detail})", file=sys.stderr, flush=True)
        if not roots:
            print("finder: no folders yet: `finder roots add FOLDER` adds one", file=sys.stderr)

    def on_progress(progress: Progress) -> None:
        if progress.total >= BAR_FROM or progress.phase == "scanning":
            bar.update(progress)  # a bar for long runs; a saved file is just its line

    options = ServiceOptions(force_polling=args.poll)
    service = IndexService(
        args.data_dir,
        options=options,
        on_progress=on_progress,
        on_batch=on_batch,
        on_watch=on_watch,
    )
    service.start()  # WriterLockedError: main() prints it
    for signum in (signal.SIGTERM, signal.SIGINT):
        signal.signal(signum, lambda *_: service.request_stop())
    print("finder: indexing in the background; Ctrl+C stops", file=sys.stderr, flush=True)
    while not service.join(0.5):  # the main thread must stay free to run signal handlers
        pass
    bar.finish()
    if service.error is not None:
        print(f"finder: the index service failed: {service.error}", file=sys.stderr)
        return 1
    print("finder: stopped; the index is saved", file=sys.stderr)
    return 0


def describe_batch(batch: BatchReport) -> str:
    """One line for a batch that changed something, "" for one that did not."""
    r: IndexReport = batch.report
    parts = [
        f"{n} {label}"
        for n, label in (
            (r.added, "added"),
            (r.updated, "updated"),
            (r.renamed, "moved"),
            (r.removed, "removed"),
            (r.failed, "failed"),
        )
        if n
    ]
    if r.chunks_embedded:
        parts.append(f"{r.chunks_embedded} chunks embedded")
    if not parts:
        return ""
    where = {"reconcile": "full rescan", "poll": "rescan of polled folders"}.get(batch.kind, "")
    shown = ", ".join(r.paths[:3]) + (" ..." if len(r.paths) > 3 else "")
    return f"{', '.join(parts)} ({r.seconds:.1f} s){' in ' + where if where else ''}: {shown}"


def pause_or_resume(args: argparse.Namespace) -> int:
    reply = send_command(data_dir_of(args), args.command)
    if reply is None:
        print(f"finder: no finder service is running for {data_dir_of(args)}", file=sys.stderr)
        return 1
    print("paused: changes are collected and indexed on resume" if reply["paused"] else "resumed")
    return 0


def service_status(data_dir: Path) -> dict[str, Any] | None:
    """The running service's state as JSON, or None when none runs."""
    return send_command(data_dir, "status")


def service_lines(service: dict[str, Any] | None, last_reconcile: float | None) -> list[str]:
    """The service part of ``finder status`` for people."""
    if service is None:
        lines = ["service:    not running (`finder watch` or the app keeps the index fresh)"]
    else:
        phase = "paused" if service["paused"] else service["phase"]
        lines = [f"service:    {phase} (pid {service['pid']}), {service['queued']} changes queued"]
        if service.get("problem"):
            lines.append(f"  held up: {service['problem']}")
        for r in service["roots"]:
            how = "watching" if r["mode"] != "polling" else "polling"
            detail = r["mode"] if how == "watching" else r["reason"]
            lines.append(f"  {how}: {r['root']} ({detail})")
        last_reconcile = service["last_reconcile"] or last_reconcile
    when = (
        datetime.fromtimestamp(last_reconcile).strftime("%Y-%m-%d %H:%M:%S")
        if last_reconcile
        else "never"
    )
    lines.append(f"last full scan: {when}")
    return lines


def forward_index(args: argparse.Namespace) -> bool:
    """With a service running, `finder index` asks it to add folders or rescan."""
    data_dir = data_dir_of(args)
    if service_status(data_dir) is None:
        return False
    if args.model or args.exclude or args.threads or args.max_file_mb or args.hidden is not None:
        raise WriterLockedError(
            "a finder service is indexing this data dir: stop it to change index settings"
        )
    if args.paths:
        args.action = "add"
        return forward_roots(args)
    send_command(data_dir, "rescan")
    print("the running finder service is rescanning every folder (`finder status` shows it)")
    return True


def forward_roots(args: argparse.Namespace) -> bool:
    """Hand a roots change to a running service (it holds the writer lock); False if none."""
    paths = [user_path(p) for p in args.paths]
    if args.action == "add":
        for path in paths:
            if not os.path.isdir(path):
                raise NotADirectoryError(f"not a folder: {path}")
    command = "add_roots" if args.action == "add" else "remove_roots"
    if send_command(data_dir_of(args), command, paths=paths) is None:
        return False
    verb = "indexing" if args.action == "add" else "dropping"
    print(f"the running finder service is {verb} {', '.join(paths)}")
    return True
