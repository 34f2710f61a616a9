"""Family "control socket": malformed requests to a running ``finder watch`` (an empty
list, a JSON string, broken JSON, bytes that are not UTF-8, paths as a string, a client
that sends nothing); after each, a status request must be answered within 3 s and a
letter of a string must never become a root."""

from __future__ import annotations

import contextlib
import json
import random
import socket
import subprocess
import time
from pathlib import Path

from tests.faults.fault_kill import start_watch
from tests.faults.faultkit import HANG, INDEX_TIMEOUT, UNCLEAR, Case, Kit
from tests.faults.procs import Result, kill_group

FAMILY = "control socket"
ANSWER_WITHIN = 3.0
REQUESTS: list[tuple[str, bytes | None]] = [
    ("empty list", b"[]\n"),
    ("a JSON string", b'"x"\n'),
    ("invalid JSON", b"{command: status\n"),
    ("not UTF-8", b'{"command": "\xff\xfe"}\n'),
    ("paths as a string", b'{"command": "add_roots", "paths": "abc"}\n'),
    ("paths of numbers", b'{"command": "remove_roots", "paths": [1, 2]}\n'),
    ("command as a number", b'{"command": 5}\n'),
    ("a silent client", None),
]


def cases(kit: Kit, quick: bool, rng: random.Random, limit: int | None = None) -> list[Case]:
    """Each request to a running ``finder watch`` (quick: three of them); a watch left
    deaf by one request is replaced, so each case is judged on its own."""
    trial = kit.trial_dir("socket")
    data = kit.copy_index("A", trial / "data")
    kit.set_state("A")
    kit.cli(data, "roots", "add", str(kit.root), timeout=INDEX_TIMEOUT)
    plan = [REQUESTS[0], REQUESTS[7], REQUESTS[4]] if quick else REQUESTS
    out: list[Case] = []
    watch = start_watch(kit, data)
    try:
        for name, request in plan[:limit]:
            if _ask_status(data / "control.sock").hung:
                _stop_watch(watch)
                watch = start_watch(kit, data)
            out.append(_case(kit, data / "control.sock", data, name, request))
    finally:
        out.append(_stop_watch(watch))
    # Roots asked for over the socket are added by the writer later: judged once it stopped.
    roots = kit.cli(data, "roots", "list").stdout.split()
    letters = [r for r in roots if len(Path(r).name) == 1]
    for case in out:
        if case.name == "paths as a string" and letters:
            case.silent = f"letters became roots: {', '.join(letters)}"
    return out


def _stop_watch(proc: subprocess.Popen) -> Case:
    """SIGTERM the watch: it must stop within 30 s."""
    proc.terminate()
    stopped = Case(FAMILY, "SIGTERM after the requests")
    try:
        proc.wait(30)
        stopped.steps.append(("watch stops", "ok" if proc.returncode == 0 else UNCLEAR, ""))
    except subprocess.TimeoutExpired:
        stopped.steps.append(("watch stops", HANG, "not stopped in 30 s"))
        kill_group(proc)
        proc.wait()
    return stopped


def _case(kit: Kit, path: Path, data: Path, name: str, request: bytes | None) -> Case:
    case = Case(FAMILY, name)
    with contextlib.ExitStack() as stack:
        client = stack.enter_context(socket.socket(socket.AF_UNIX, socket.SOCK_STREAM))
        client.settimeout(ANSWER_WITHIN)
        client.connect(str(path))
        if request is not None:
            client.sendall(request)
            reply = _read_line(client)
            case.note = f"reply: {reply[:80]!r}" if reply is not None else "no reply"
            if reply is None or b'"error"' not in reply:  # every request here is malformed
                case.silent = f"answered without an error: {case.note}"
        # The service must go on answering, even while the silent client holds on.
        case.step("status over the socket", _ask_status(path))
    result = kit.cli(data, "status", "--json", timeout=30)
    case.step("finder status", result)
    try:
        roots = json.loads(result.stdout)["roots"]
    except (ValueError, KeyError, TypeError):
        roots = []
    if any(len(r.rsplit("/", 1)[-1]) == 1 for r in roots):
        case.silent = f"letters became roots: {roots}"
    return case


def _read_line(sock: socket.socket) -> bytes | None:
    data = b""
    with contextlib.suppress(OSError):
        while not data.endswith(b"\n"):
            chunk = sock.recv(4096)
            if not chunk:
                break
            data += chunk
    return data or None


def _ask_status(path: Path) -> Result:
    """A status request of our own; hung when no answer comes within 3 s."""
    start = time.monotonic()
    with socket.socket(socket.AF_UNIX, socket.SOCK_STREAM) as sock:
        sock.settimeout(ANSWER_WITHIN)
        try:
            sock.connect(str(path))
            sock.sendall(b'{"command": "status"}\n')
            reply = _read_line(sock)
        except OSError as err:
            return Result(["status"], 2, "", f"finder: {err}", time.monotonic() - start)
    seconds = time.monotonic() - start
    if reply is None or seconds >= ANSWER_WITHIN:
        return Result(["status"], 1, "", "no answer", seconds, hung=True)
    try:
        state = json.loads(reply)
    except ValueError:
        return Result(["status"], 1, "", f"bad answer {reply[:60]!r}", seconds)
    ok = isinstance(state, dict) and "pid" in state
    return Result(
        ["status"],
        0 if ok else 1,
        reply.decode("utf-8", "replace"),
        "" if ok else "no pid",
        seconds,
    )
