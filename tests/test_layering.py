"""Import rules: only finder/gui and the composition root import Qt; the watcher does not
import the indexing pipeline."""

from __future__ import annotations

import ast
from pathlib import Path

import finder

PACKAGE = Path(finder.__file__).parent
ALLOWED = {PACKAGE / "app.py"}


def imported_modules(path: Path) -> list[str]:
    tree = ast.parse(path.read_text(encoding="utf-8"))
    names = []
    for node in ast.walk(tree):
        if isinstance(node, ast.Import):
            names += [a.name for a in node.names]
        elif isinstance(node, ast.ImportFrom) and node.module:
            names.append(node.module)
    return names


def qt_imports(path: Path) -> list[str]:
    names = imported_modules(path)
    return [n for n in names if n.split(".")[0] in ("PySide6", "shiboken6", "PyQt5", "PyQt6")]


def test_only_the_gui_and_the_composition_root_import_qt() -> None:
    """No module outside finder/gui (and finder/app.py) imports a Qt binding."""
    offenders = {
        str(path.relative_to(PACKAGE)): qt_imports(path)
        for path in PACKAGE.rglob("*.py")
        if path not in ALLOWED and "gui" not in path.relative_to(PACKAGE).parts
    }
    assert {p: names for p, names in offenders.items() if names} == {}


def test_the_cli_imports_qt_only_to_open_the_window() -> None:
    """The CLI's Qt use is one lazy import of finder.app (searches never load Qt)."""
    source = (PACKAGE / "cli.py").read_text(encoding="utf-8")
    assert "from finder.app import run" in source
    assert not qt_imports(PACKAGE / "cli.py")


def test_the_watcher_does_not_import_the_indexing_pipeline() -> None:
    """finder/watch reads the skip rules from finder.path_rules, not finder.indexing."""
    offenders = {
        path.name: name
        for path in (PACKAGE / "watch").glob("*.py")
        for name in imported_modules(path)
        if name == "finder.indexing" or name.startswith("finder.indexing.")
    }
    assert offenders == {}
