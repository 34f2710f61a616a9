"""Which folders are system (pseudo) filesystems that hold no files to index.

``/proc``, ``/sys``, ``/dev`` and their kind are views of the kernel: reading
``/proc/kmsg`` blocks for ever, ``/sys`` has millions of entries, device nodes are not
documents. They are recognised by filesystem type, not by path, so a bind mount of one
inside a root (or a root of ``/``) is never walked either: on Linux each mount's type and
device number come from ``/proc/self/mountinfo``, and a folder is on a pseudo filesystem
when its ``st_dev`` is one of theirs (the scanner already has that ``lstat`` result, so
the check costs no system call). On macOS ``/dev`` (devfs) is the one such mount.

Thread: any. The mount table is read at most every few seconds (a watcher's batch asks
once per changed path; mounts change far less often).
"""

from __future__ import annotations

import os
import sys
import time

from finder.errors import FinderError

PSEUDO_FILESYSTEMS = frozenset(
    {
        "autofs",
        "binfmt_misc",
        "bpf",
        "cgroup",
        "cgroup2",
        "configfs",
        "debugfs",
        "devfs",
        "devpts",
        "devtmpfs",
        "efivarfs",
        "fusectl",
        "hugetlbfs",
        "mqueue",
        "nsfs",
        "proc",
        "pstore",
        "rpc_pipefs",
        "securityfs",
        "selinuxfs",
        "sysfs",
        "tracefs",
    }
)
"""Filesystem types whose files are kernel interfaces, never documents."""

_MOUNTINFO = "/proc/self/mountinfo"
_FRESH_S = 5.0
_cache: tuple[float, dict[int, str]] | None = None  # (monotonic time read, devices)


class SystemFolderError(FinderError, NotADirectoryError):
    """A folder to index is on a system filesystem (``/proc``, ``/sys``, ``/dev``...)."""

    def __init__(self, folder: str, fs_type: str) -> None:
        super().__init__(f"{folder} is a system folder ({fs_type}), not files to index")
        self.folder = folder
        self.fs_type = fs_type


def pseudo_devices() -> dict[int, str]:
    """``st_dev`` -> filesystem type of every pseudo filesystem mounted (as of at most
    a few seconds ago). The caller must not change the dict."""
    global _cache
    now = time.monotonic()
    if _cache is None or now - _cache[0] > _FRESH_S:
        _cache = (now, _read_mount_table())
    return _cache[1]


def _read_mount_table() -> dict[int, str]:
    try:
        with open(_MOUNTINFO, encoding="utf-8", errors="replace") as f:
            lines = f.read().splitlines()
    except OSError:
        return _fallback_devices()
    devices: dict[int, str] = {}
    for line in lines:
        # "36 35 98:0 /mnt1 /mnt2 rw,noatime master:1 - ext3 /dev/root rw": the fields
        # after the " - " separator start with the type; field 3 is major:minor.
        head, sep, tail = line.partition(" - ")
        fields, rest = head.split(), tail.split()
        if not sep or len(fields) < 3 or not rest:
            continue
        fs_type = rest[0]
        if fs_type not in PSEUDO_FILESYSTEMS:
            continue
        major, _, minor = fields[2].partition(":")
        try:
            devices[os.makedev(int(major), int(minor))] = fs_type
        except ValueError:
            continue
    return devices


def system_filesystem(path: str, devices: dict[int, str] | None = None) -> str | None:
    """The pseudo filesystem type ``path`` is on, or ``None`` for an ordinary folder (or
    one that cannot be looked at: the scan says so later)."""
    try:
        st_dev = os.stat(path).st_dev
    except OSError:
        return None
    return (pseudo_devices() if devices is None else devices).get(st_dev)


def refuse_system_folder(path: str) -> None:
    """Raise :class:`SystemFolderError` if ``path`` is on a pseudo filesystem."""
    fs_type = system_filesystem(path)
    if fs_type is not None:
        raise SystemFolderError(path, fs_type)


def _fallback_devices() -> dict[int, str]:
    """Without a mount table (macOS, BSD): ``/dev`` is the one pseudo filesystem known."""
    if sys.platform == "win32":
        return {}
    try:
        return {os.stat("/dev").st_dev: "devfs"}
    except OSError:
        return {}
