"""Network syscalls: ``finder index`` and ``finder search`` run under ``strace -f``, and
every connect/sendto/sendmsg to an address that is not loopback is counted (the
dedicated privacy test lives elsewhere; this only puts the count in the report)."""

from __future__ import annotations

import random
import re
import shutil
from pathlib import Path

from tests.faults.faultkit import INDEX_TIMEOUT, Case, Kit

FAMILY = "network syscalls"
_INET = re.compile(
    r'sa_family=AF_INET6?,.*?(?:inet_addr\("([^"]+)"\)|inet_pton\(AF_INET6, "([^"]+)")'
)


def cases(kit: Kit, quick: bool, rng: random.Random) -> tuple[list[Case], int, str]:
    """(cases, connections to non-local addresses, "" or why it was skipped)."""
    if shutil.which("strace") is None:
        return [], 0, "skipped: strace is not installed"
    kit.reference("A")
    kit.set_state("A")
    trial = kit.trial_dir("network")
    total = 0
    out: list[Case] = []
    runs = [("search", ("search", "molten rock eruption"))]
    if not quick:
        runs.insert(0, ("index, fresh", ("index", str(kit.root))))
    data = trial / "data" if not quick else kit.copy_index("A", trial / "data")
    for name, args in runs:
        log = trial / f"strace-{len(out)}.log"
        wrap = ["strace", "-f", "-qq", "-e", "trace=connect,sendto,sendmsg", "-o", str(log)]
        case = Case(FAMILY, f"{name} under strace")
        case.step(name, kit.cli(data, *args, timeout=INDEX_TIMEOUT * 2, wrap=wrap))
        remote = non_local(log)
        total += len(remote)
        case.note = (
            f"{len(remote)} non-local: {', '.join(sorted(set(remote)))[:80]}"
            if remote
            else "0 non-local"
        )
        out.append(case)
    return out, total, ""


def non_local(log: Path) -> list[str]:
    """Addresses of the logged network syscalls that leave the machine."""
    found = []
    for line in log.read_text(errors="replace").splitlines():
        match = _INET.search(line)
        if not match:
            continue
        address = match.group(1) or match.group(2)
        if not (address.startswith("127.") or address in ("::1", "0.0.0.0", "::")):
            found.append(address)
    return found
