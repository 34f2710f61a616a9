"""The scanner on real folders: default skips, user rules, .gitignore, roots, stat facts."""

from __future__ import annotations

import json
import os
import shlex
import shutil
import subprocess
import sys
from collections.abc import Sequence
from pathlib import Path

import pytest

from finder.indexing.scanner import DiskFile, scan, scan_path
from finder.path_rules import ScanRules


def make(root: Path, *relpaths: str) -> None:
    """Create files (and their folders) under ``root``; a trailing / makes a folder."""
    for rel in relpaths:
        path = root / rel
        if rel.endswith("/"):
            path.mkdir(parents=True, exist_ok=True)
        else:
            path.parent.mkdir(parents=True, exist_ok=True)
            path.write_text(f"content of {rel}\n", encoding="utf-8")


def found(
    base: Path, roots: Sequence[Path] | None = None, rules: ScanRules | None = None
) -> list[str]:
    """Paths the scan yields, relative to ``base`` with / separators, in yield order."""
    files = scan([str(r) for r in (roots or [base])], rules or ScanRules())
    return [Path(f.path).relative_to(base).as_posix() for f in files]


def test_plain_files_are_listed_in_name_order(tmp_path: Path) -> None:
    """Every regular file under the root is found, folders walked in name order."""
    make(tmp_path, "b/two.txt", "a/one.txt", "top.md", "a/deeper/three.pdf")
    assert sorted(found(tmp_path)) == ["a/deeper/three.pdf", "a/one.txt", "b/two.txt", "top.md"]
    order = found(tmp_path)
    assert order.index("a/one.txt") < order.index("b/two.txt")


def test_hidden_files_and_folders_are_skipped_by_default(tmp_path: Path) -> None:
    """Names starting with a dot are left out unless include_hidden is set."""
    make(tmp_path, "seen.txt", ".secret.txt", ".config/app.ini", "docs/.draft.md")
    assert found(tmp_path) == ["seen.txt"]
    shown = found(tmp_path, rules=ScanRules(include_hidden=True))
    assert sorted(shown) == [".config/app.ini", ".secret.txt", "docs/.draft.md", "seen.txt"]


def test_git_folder_is_skipped_even_with_hidden_files_included(tmp_path: Path) -> None:
    """.git is a version-control folder: skipped even when hidden files are included."""
    make(tmp_path, "repo/.git/config", "repo/.git/objects/ab/cdef", "repo/code.py")
    assert found(tmp_path, rules=ScanRules(include_hidden=True)) == ["repo/code.py"]


@pytest.mark.parametrize("folder", ["node_modules", "__pycache__", "site-packages"])
def test_dependency_and_cache_folders_are_skipped(tmp_path: Path, folder: str) -> None:
    """Well-known dependency and cache folders are not entered, at any depth."""
    make(tmp_path, "app/main.js", f"app/{folder}/lib/index.js", f"{folder}/x.py")
    assert found(tmp_path) == ["app/main.js"]


def test_a_folder_holding_pyvenv_cfg_is_skipped(tmp_path: Path) -> None:
    """Any folder with a pyvenv.cfg is a virtualenv, whatever its name."""
    make(tmp_path, "project/my-env-3.11/pyvenv.cfg", "project/my-env-3.11/lib/mod.py")
    make(tmp_path, "project/src/mod.py", "project/pyvenv.cfg.txt")
    assert sorted(found(tmp_path)) == ["project/pyvenv.cfg.txt", "project/src/mod.py"]


def test_symlinks_are_skipped(tmp_path: Path) -> None:
    """Symlinks to files and to folders are not followed (no doubles, no loops)."""
    make(tmp_path, "real/a.txt")
    try:
        (tmp_path / "link.txt").symlink_to(tmp_path / "real" / "a.txt")
        (tmp_path / "linkdir").symlink_to(tmp_path / "real", target_is_directory=True)
        (tmp_path / "real" / "loop").symlink_to(tmp_path, target_is_directory=True)
    except OSError:
        pytest.skip("symlinks are not allowed here")
    assert found(tmp_path) == ["real/a.txt"]


def test_never_enter_folder_is_skipped_inside_a_root(tmp_path: Path) -> None:
    """A never_enter folder (finder's data dir) is skipped even under a scanned root."""
    make(tmp_path, "home/notes.txt", "home/.local/finder/catalog.sqlite3")
    make(tmp_path, "home/finder-data/catalog.sqlite3", "home/finder-data/vectors.hnsw")
    rules = ScanRules(never_enter=(str(tmp_path / "home" / "finder-data") + os.sep,))
    assert found(tmp_path, rules=rules) == ["home/notes.txt"]
    # A root that is itself a never_enter folder yields nothing.
    assert found(tmp_path, [tmp_path / "home" / "finder-data"], rules) == []


def test_exclude_globs_match_names(tmp_path: Path) -> None:
    """A user glob matches file and folder names."""
    make(tmp_path, "keep.txt", "scratch.tmp", "sub/also.tmp", "drafts/d.txt", "sub/drafts/e.txt")
    rules = ScanRules(exclude_globs=("*.tmp", "drafts"))
    assert found(tmp_path, rules=rules) == ["keep.txt"]


def test_exclude_globs_match_full_paths(tmp_path: Path) -> None:
    """A user glob with a folder part matches against the whole path."""
    make(tmp_path, "work/private/plan.txt", "work/public/plan.txt", "other/private/x.txt")
    rules = ScanRules(exclude_globs=(str(tmp_path / "work" / "private"),))
    assert sorted(found(tmp_path, rules=rules)) == ["other/private/x.txt", "work/public/plan.txt"]
    rules = ScanRules(exclude_globs=("*/private/*.txt",))
    assert found(tmp_path, rules=rules) == ["work/public/plan.txt"]


def test_gitignore_is_honoured_inside_a_repository(tmp_path: Path) -> None:
    """Inside a git repo, .gitignore rules (files, folders, negations) leave files out."""
    make(tmp_path, "repo/.git/", "repo/main.py", "repo/debug.log", "repo/keep.log")
    make(tmp_path, "repo/generated/out.txt", "repo/docs/guide.md")
    (tmp_path / "repo" / ".gitignore").write_text("*.log\n!keep.log\ngenerated/\n")
    assert sorted(found(tmp_path)) == ["repo/docs/guide.md", "repo/keep.log", "repo/main.py"]


def test_nested_gitignore_applies_to_its_subfolder(tmp_path: Path) -> None:
    """A .gitignore in a subfolder adds rules relative to that subfolder only."""
    make(tmp_path, "repo/.git/", "repo/notes.bak", "repo/sub/data.bak", "repo/sub/code.py")
    make(tmp_path, "repo/sub/cache.json", "repo/cache.json")
    (tmp_path / "repo" / "sub" / ".gitignore").write_text("*.bak\n/cache.json\n")
    assert sorted(found(tmp_path)) == ["repo/cache.json", "repo/notes.bak", "repo/sub/code.py"]


def test_nested_gitignore_negation_overrides_the_parent(tmp_path: Path) -> None:
    """As in git, sub/.gitignore's !important.log re-includes a file the root ignores."""
    make(tmp_path, "repo/.git/", "repo/a.log", "repo/sub/important.log", "repo/sub/b.log")
    (tmp_path / "repo" / ".gitignore").write_text("*.log\n")
    (tmp_path / "repo" / "sub" / ".gitignore").write_text("!important.log\n")
    assert found(tmp_path) == ["repo/sub/important.log"]


def test_root_inside_a_repository_inherits_its_gitignore(tmp_path: Path) -> None:
    """Scanning a subfolder of a repo still obeys the repo's .gitignore above it."""
    make(tmp_path, "repo/.git/", "repo/src/app.py", "repo/src/app.log")
    (tmp_path / "repo" / ".gitignore").write_text("*.log\n")
    assert found(tmp_path, [tmp_path / "repo" / "src"]) == ["repo/src/app.py"]


def test_gitignore_outside_a_repository_is_ignored(tmp_path: Path) -> None:
    """A .gitignore without a .git folder above it means nothing."""
    make(tmp_path, "folder/a.log", "folder/b.txt")
    (tmp_path / "folder" / ".gitignore").write_text("*.log\n")
    assert sorted(found(tmp_path)) == ["folder/a.log", "folder/b.txt"]


def test_gitignore_can_be_turned_off(tmp_path: Path) -> None:
    """honour_gitignore=False lists files a repo's .gitignore would hide."""
    make(tmp_path, "repo/.git/", "repo/a.log")
    (tmp_path / "repo" / ".gitignore").write_text("*.log\n")
    assert found(tmp_path, rules=ScanRules(honour_gitignore=False)) == ["repo/a.log"]


def test_nested_root_listed_after_its_parent_is_scanned_once(tmp_path: Path) -> None:
    """A root inside another root (given later) adds no duplicates."""
    make(tmp_path, "top/a.txt", "top/inner/b.txt")
    roots = [tmp_path / "top", tmp_path / "top" / "inner", tmp_path / "top" / "."]
    assert found(tmp_path, roots) == ["top/a.txt", "top/inner/b.txt"]


def test_nested_root_listed_before_its_parent_is_scanned_once(tmp_path: Path) -> None:
    """Root order does not matter: the inner root's files are still listed once."""
    make(tmp_path, "top/a.txt", "top/inner/b.txt")
    roots = [tmp_path / "top" / "inner", tmp_path / "top"]
    assert sorted(found(tmp_path, roots)) == ["top/a.txt", "top/inner/b.txt"]


def test_sibling_with_common_prefix_is_not_nested(tmp_path: Path) -> None:
    """/x/top and /x/top2 are separate roots: both are scanned."""
    make(tmp_path, "top/a.txt", "top2/b.txt")
    assert found(tmp_path, [tmp_path / "top", tmp_path / "top2"]) == ["top/a.txt", "top2/b.txt"]


def test_size_and_mtime_are_reported(tmp_path: Path) -> None:
    """Each DiskFile carries the file's byte size and mtime in nanoseconds."""
    path = tmp_path / "data.bin"
    path.write_bytes(b"x" * 1234)
    mtime_ns = 1_700_000_000_123_456_789
    os.utime(path, ns=(mtime_ns, mtime_ns))
    [disk] = list(scan([str(tmp_path)], ScanRules()))
    assert disk == DiskFile(str(path), 1234, os.stat(path).st_mtime_ns)
    assert abs(disk.mtime_ns - mtime_ns) < 1_000_000  # filesystems may round below 1 ms


def test_missing_root_yields_nothing(tmp_path: Path) -> None:
    """A root that does not exist (unplugged drive) is skipped without an error."""
    assert found(tmp_path, [tmp_path / "gone"]) == []


def _every_path(root: Path) -> list[Path]:
    return [root, *sorted(root.rglob("*"))]


@pytest.mark.parametrize("include_hidden", [False, True])
def test_scan_path_agrees_with_a_full_scan_for_every_path(
    tmp_path: Path, include_hidden: bool
) -> None:
    """scan_path judges any file or folder exactly as the full scan of its root does."""
    root = tmp_path / "root"
    make(
        root,
        "notes/a.txt",
        "notes/.hidden/b.txt",
        ".dot.md",
        "app/node_modules/pkg/index.js",
        "app/env/pyvenv.cfg",
        "app/env/lib.py",
        "app/main.py",
        "repo/.git/HEAD",
        "repo/.gitignore",
        "repo/src/keep.py",
        "repo/logs/run.log",
        "repo/logs/.gitignore",
        "repo/logs/important.log",
        "tmp/skip.bak",
    )
    (root / "repo/.gitignore").write_text("logs/*.log\n", encoding="utf-8")
    (root / "repo/logs/.gitignore").write_text("!important.log\n", encoding="utf-8")
    rules = ScanRules(exclude_globs=("*.bak",), include_hidden=include_hidden)
    everything = list(scan([str(root)], rules))
    for path in _every_path(root):
        expected = [f for f in everything if f.path == str(path) or _inside(f.path, path)]
        assert scan_path(str(root), str(path), rules) == expected, path


def test_scan_path_is_empty_for_gone_and_outside_paths(tmp_path: Path) -> None:
    """A path that does not exist, or lies outside the root, has no files."""
    make(tmp_path, "root/a.txt", "other/b.txt")
    root = str(tmp_path / "root")
    assert scan_path(root, str(tmp_path / "root/missing.txt"), ScanRules()) == []
    assert scan_path(root, str(tmp_path / "other/b.txt"), ScanRules()) == []


def test_scan_path_never_enters_the_apps_own_folder(tmp_path: Path) -> None:
    """A file inside a never-enter folder (finder's data dir) is not indexable."""
    make(tmp_path, "data/catalog.txt", "a.txt")
    rules = ScanRules(never_enter=(str(tmp_path / "data"),))
    assert scan_path(str(tmp_path), str(tmp_path / "data/catalog.txt"), rules) == []
    assert scan_path(str(tmp_path), str(tmp_path / "data"), rules) == []


def _inside(path: str, folder: Path) -> bool:
    return path.startswith(str(folder) + os.sep)


# Scans that need a mount namespace or fewer privileges run in a child python.
SCAN_SCRIPT = (
    "import json, sys\n"
    "from finder.indexing.scanner import scan\n"
    "from finder.path_rules import ScanRules\n"
    "folders = {}\n"
    "paths = [f.path for f in scan([sys.argv[1]], ScanRules(), folders)]\n"
    "print(json.dumps({'files': paths, 'unreadable': folders}))\n"
)


def scan_in_child(prefix: list[str], root: Path, *, setup: str = "") -> dict:
    """Run SCAN_SCRIPT on ``root`` under ``prefix`` (unshare, setpriv), after ``setup``."""
    python = f"{sys.executable} -c {shlex.quote(SCAN_SCRIPT)} {shlex.quote(str(root))}"
    command = f"{setup} && {python}" if setup else python
    done = subprocess.run(
        [*prefix, "sh", "-c", command], capture_output=True, text=True, timeout=120
    )
    if done.returncode != 0 and "Operation not permitted" in done.stderr:
        pytest.skip(f"not allowed here: {done.stderr.strip()}")
    assert done.returncode == 0, done.stderr
    return json.loads(done.stdout)


@pytest.mark.skipif(not shutil.which("unshare"), reason="needs util-linux unshare")
def test_a_bind_mount_of_proc_inside_a_root_is_not_walked(tmp_path: Path) -> None:
    """/proc mounted inside a root (as under a root of /) is never entered: by type."""
    make(tmp_path, "notes.txt", "kernel/")
    mount = f"mount --bind /proc {shlex.quote(str(tmp_path / 'kernel'))}"
    result = scan_in_child(
        ["unshare", "--mount", "--propagation", "private"], tmp_path, setup=mount
    )
    assert result == {"files": [str(tmp_path / "notes.txt")], "unreadable": {}}


def test_a_root_on_proc_yields_nothing(tmp_path: Path) -> None:
    """A root on a system filesystem (a hand-edited settings file) is skipped whole."""
    if not os.path.isdir("/proc/self"):
        pytest.skip("no /proc here")
    assert list(scan(["/proc"], ScanRules())) == []


@pytest.mark.skipif(not shutil.which("setpriv"), reason="needs util-linux setpriv")
def test_an_unreadable_folder_is_reported_with_its_reason(tmp_path: Path) -> None:
    """A folder that cannot be listed (permission denied, even for root without its
    override capabilities) is skipped and named with the reason; its siblings are found."""
    make(tmp_path, "open/a.txt", "locked/secret.txt")
    (tmp_path / "locked").chmod(0)
    try:
        without_override = ["setpriv", "--bounding-set", "-dac_override,-dac_read_search"]
        if os.geteuid() != 0:
            without_override = []  # permissions already apply to a normal user
        result = scan_in_child(without_override, tmp_path)
    finally:
        (tmp_path / "locked").chmod(0o755)
    assert result == {
        "files": [str(tmp_path / "open/a.txt")],
        "unreadable": {str(tmp_path / "locked"): "Permission denied"},
    }
