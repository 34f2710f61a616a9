"""Path rules: absolute and catalog forms, within-a-folder, and the scan's skips by name."""

from __future__ import annotations

import os
from pathlib import Path

import pytest

from finder.indexing.scanner import scan
from finder.path_rules import (
    ScanRules,
    catalog_path,
    excluded_by_globs,
    folder_prefix,
    hidden_left_out,
    is_below,
    is_skipped_folder_name,
    is_within,
    may_hold_indexed,
    user_path,
)

pytestmark = pytest.mark.skipif(os.sep != "/", reason="the cases are written with POSIX paths")


@pytest.mark.parametrize(
    ("path", "folder", "within"),
    [
        ("/a/b", "/a/b", True),
        ("/a/b/c.txt", "/a/b", True),
        ("/a/b/c/d", "/a/b", True),
        ("/a/bc", "/a/b", False),  # a prefix of the name is not the folder
        ("/a/bc/d", "/a/b", False),
        ("/a/b", "/a/bc", False),
        ("/a", "/a/b", False),  # the parent is not within the child
        ("/a/b", "/a/b/", True),  # trailing separators do not matter, on either side
        ("/a/b/", "/a/b", True),
        ("/a/b/c", "/a/b//", True),
        ("/", "/", True),  # the root holds itself and everything
        ("/a", "/", True),
        ("/", "/a", False),
    ],
)
def test_is_within_compares_whole_names(path: str, folder: str, within: bool) -> None:
    """A path is within a folder when it is the folder or below it, by whole names."""
    assert is_within(path, folder) is within


@pytest.mark.parametrize(
    ("path", "folder", "below"),
    [
        ("/a/b/c", "/a/b", True),
        ("/a/b/c", "/a/b/", True),
        ("/a/b", "/a/b", False),  # the folder itself is not below itself
        ("/a/b/", "/a/b", False),
        ("/a/bc", "/a/b", False),
        ("/a", "/", True),
        ("/", "/", False),
    ],
)
def test_is_below_excludes_the_folder_itself(path: str, folder: str, below: bool) -> None:
    """Strictly inside: what the query's in: filter and an absent root's files use."""
    assert is_below(path, folder) is below


def test_folder_prefix_ends_in_exactly_one_separator() -> None:
    """The prefix of /a/b, /a/b/ and /a/b// is /a/b/; of the root, /."""
    assert {folder_prefix(f) for f in ("/a/b", "/a/b/", "/a/b//")} == {"/a/b/"}
    assert folder_prefix("/") == "/"


def test_user_path_expands_home_and_makes_relative_paths_absolute(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    """~ is the home folder, a relative path starts at the current folder, .. and / fold."""
    monkeypatch.setenv("HOME", str(tmp_path / "home"))
    monkeypatch.chdir(tmp_path)
    assert user_path("~/Documents/") == str(tmp_path / "home" / "Documents")
    assert user_path("notes/../drafts") == str(tmp_path / "drafts")
    assert user_path(Path("drafts")) == str(tmp_path / "drafts")
    assert user_path("/") == "/"


def test_user_path_does_not_resolve_symlinks(tmp_path: Path) -> None:
    """A root given through a symlink keeps the name the person gave."""
    (tmp_path / "real").mkdir()
    (tmp_path / "link").symlink_to(tmp_path / "real")
    assert user_path(tmp_path / "link") == str(tmp_path / "link")


def test_catalog_path_keeps_valid_names_unchanged() -> None:
    """A UTF-8 name (accents, CJK, spaces, a backslash) is stored exactly as it is."""
    for name in ("/home/ann/café.txt", "/srv/報告 2024.pdf", "/tmp/a\\xe9"):
        assert catalog_path(name) == name


def test_catalog_path_escapes_a_real_non_utf8_name(tmp_path: Path) -> None:
    """A file named with Latin-1 bytes is stored with a \\x escape, and stays so."""
    raw = os.fsencode(tmp_path) + b"/caf\xe9.txt"
    with open(raw, "wb") as f:
        f.write(b"x")
    (listed,) = os.listdir(tmp_path)  # as Python hands it over: a surrogate escape
    path = os.path.join(str(tmp_path), listed)
    stored = catalog_path(path)
    assert stored == f"{tmp_path}/caf\\xe9.txt"
    assert stored != path  # how the engine tells that a root cannot be stored
    assert catalog_path(stored) == stored  # the stored form is a fixed point
    stored.encode("utf-8")  # SQLite accepts it


def test_hidden_names_are_left_out_unless_asked_for() -> None:
    """A dot-name is left out by default and kept with include_hidden."""
    assert hidden_left_out(".config", ScanRules())
    assert not hidden_left_out(".config", ScanRules(include_hidden=True))
    assert not hidden_left_out("notes.txt", ScanRules())


def test_skipped_folder_names_are_exact() -> None:
    """node_modules and .git are skipped; names that merely contain them are not."""
    assert is_skipped_folder_name("node_modules") and is_skipped_folder_name(".git")
    assert not is_skipped_folder_name("node_modules_notes")
    assert not is_skipped_folder_name("Build")  # case matters, as on disk


def test_globs_match_the_name_or_the_whole_path() -> None:
    """*.bak matches by name; a glob with a folder in it matches the whole path."""
    rules = ScanRules(exclude_globs=("*.bak", "/srv/tmp/*"))
    assert excluded_by_globs("/home/a/x.bak", "x.bak", rules)
    assert excluded_by_globs("/srv/tmp/report.pdf", "report.pdf", rules)
    assert not excluded_by_globs("/srv/tmpx/report.pdf", "report.pdf", rules)
    assert not excluded_by_globs("/home/a/x.bak", "x.bak", ScanRules())


@pytest.mark.parametrize(
    ("path", "may"),
    [
        ("/r", True),  # the root itself
        ("/r/notes.txt", True),
        ("/r/build", True),  # a file (or folder) may itself be called "build"
        ("/r/build/out.txt", False),  # but nothing inside it is indexed
        ("/r/x/node_modules/pkg/index.js", False),
        ("/r/.cache/a.txt", False),
        ("/r/.hidden", False),
        ("/r/finder-data/catalog.sqlite3", False),  # in a never_enter folder
        ("/r/finder-data", False),
        ("/r/finder-data2/a.txt", True),  # a sibling whose name starts alike
        ("/rx/a.txt", False),  # outside the root, though its name starts alike
        ("/", False),
    ],
)
def test_may_hold_indexed_by_names_alone(path: str, may: bool) -> None:
    """The watcher's hint: outside the root, never_enter, skipped folders and dot-names."""
    assert may_hold_indexed(path, "/r", never_enter=("/r/finder-data",)) is may


def test_may_hold_indexed_keeps_dot_names_when_hidden_files_are_indexed() -> None:
    """With include_hidden a dot-name may hold files; a skipped folder still may not."""
    assert may_hold_indexed("/r/.config/app.ini", "/r", include_hidden=True)
    assert not may_hold_indexed("/r/.git/config", "/r", include_hidden=True)


def test_every_scanned_file_passes_the_watchers_hint(tmp_path: Path) -> None:
    """What the scanner indexes, the hint never drops: both read the same rules."""
    for rel in ("a.txt", "build", "docs/b.md", ".hidden/c.txt", "node_modules/d.js", "x/y/z.txt"):
        (tmp_path / rel).parent.mkdir(parents=True, exist_ok=True)
        (tmp_path / rel).write_text("x", encoding="utf-8")
    for include_hidden in (False, True):
        rules = ScanRules(include_hidden=include_hidden)
        found = [f.path for f in scan([str(tmp_path)], rules)]
        assert len(found) == (5 if include_hidden else 4)
        hint = [
            p for p in found if may_hold_indexed(p, str(tmp_path), include_hidden=include_hidden)
        ]
        assert hint == found
