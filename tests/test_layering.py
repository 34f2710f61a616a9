"""The import contracts: the engine stays headless, the core never reaches up to the
service or the front ends, and no module imports from a layer above its own.

Imports are read with ``ast`` from every file of the package, those inside functions too
(a lazy import is still a dependency). A *unit* is a top-level name under ``finder``: a
module (``finder/search.py``) or a package (``finder/store/``), so ``finder.engine``
counts the same whether it is a module or a package.
"""

from __future__ import annotations

import ast
from pathlib import Path

import finder

PACKAGE = Path(finder.__file__).parent
ALLOWED = {PACKAGE / "app.py"}

# Lowest first; a unit may import its own layer and those below. Read from the import
# graph of the package (every edge below goes down or sideways).
LAYERS: list[tuple[str, set[str]]] = [
    (
        "foundation: values, errors, path rules, helpers",
        {"__init__", "errors", "domain", "paths", "path_rules", "privacy", "stopwords"}
        | {"child_process", "progress"},  # progress: the terminal's bar, domain values only
    ),
    (
        "the outside world: catalog and vector files, parsers, models, file events",
        {"store", "extract", "embed", "chunking", "settings", "watch"},
    ),
    (
        "thread-free work: the indexing pipeline, search and its parts",
        {"indexing", "search", "query", "keyword", "evidence", "snippets", "preview", "overview"}
        | {"variants", "explore"},
    ),
    ("the engine: reading and writing one data dir", {"engine"}),
    ("running services: the live indexer, the checker", {"service", "check"}),
    (
        "front ends: the command line, the window and its desktop integration",
        {"cli", "cli_checks", "cli_topics", "gui", "app", "__main__", "autostart"},
    ),
]
FRONT = {"service", "gui", "app", "cli", "cli_checks", "cli_topics", "__main__", "autostart"}
# The indexing pipeline belongs to the writer: only the engine builds it.
INDEXING_USERS = {"engine", "indexing"}


def unit_of(path: Path) -> str:
    """The unit a file belongs to: ``finder/store/catalog.py`` -> ``store``."""
    first = path.relative_to(PACKAGE).parts[0]
    return first.removesuffix(".py")


def finder_imports(path: Path) -> list[tuple[int, str]]:
    """(line, dotted module) of every import of finder in the file, anywhere in it;
    ``from finder import x`` counts as ``finder.x``, relative imports are resolved."""
    package = ["finder", *path.relative_to(PACKAGE).parent.parts]
    found = []
    for node in ast.walk(ast.parse(path.read_text(encoding="utf-8"))):
        if isinstance(node, ast.Import):
            found += [(node.lineno, a.name) for a in node.names]
        elif isinstance(node, ast.ImportFrom):
            base = ".".join(package[: len(package) - node.level + 1]) if node.level else ""
            module = ".".join(p for p in (base, node.module or "") if p)
            if module == "finder":
                found += [(node.lineno, f"finder.{a.name}") for a in node.names]
            else:
                found.append((node.lineno, module))
    return [(line, m) for line, m in found if m.split(".")[0] == "finder"]


def unit_edges() -> list[tuple[str, str, str]]:
    """(importing unit, imported unit, "file:line") for every import across units."""
    edges = []
    for path in sorted(PACKAGE.rglob("*.py")):
        source = unit_of(path)
        for line, module in finder_imports(path):
            target = module.split(".")[1] if "." in module else "__init__"
            if target != source:
                edges.append((source, target, f"{path.relative_to(PACKAGE.parent)}:{line}"))
    return edges


def qt_imports(path: Path) -> list[str]:
    tree = ast.parse(path.read_text(encoding="utf-8"))
    names = []
    for node in ast.walk(tree):
        if isinstance(node, ast.Import):
            names += [a.name for a in node.names]
        elif isinstance(node, ast.ImportFrom) and node.module:
            names.append(node.module)
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


def test_every_unit_has_a_layer() -> None:
    """Each module and package directly under finder/ is placed in exactly one layer
    (a new one must be placed: where it goes says who may use it)."""
    units = {unit_of(p) for p in PACKAGE.rglob("*.py")}
    placed = [u for _name, layer in LAYERS for u in layer]
    assert sorted(u for u in units if u not in placed) == []
    assert sorted(u for u in set(placed) if placed.count(u) > 1) == []


def test_the_core_never_imports_the_service_or_a_front_end() -> None:
    """Nothing below the front ends imports finder.service, finder.gui, finder.app or
    the CLI: they are built on the core, never the other way round."""
    offenders = [
        f"{where}: {source} imports {target}"
        for source, target, where in unit_edges()
        if source not in FRONT and target in FRONT
    ]
    assert not offenders, "\n".join(offenders)


def test_no_module_imports_from_a_layer_above_its_own() -> None:
    """Every import goes to the importer's layer or a lower one."""
    level = {u: i for i, (_name, layer) in enumerate(LAYERS) for u in layer}
    names = [name for name, _layer in LAYERS]
    offenders = [
        f"{where}: {source} ({names[level[source]]}) imports {target} ({names[level[target]]})"
        for source, target, where in unit_edges()
        if level.get(target, 0) > level.get(source, len(names))
    ]
    assert not offenders, "\n".join(offenders)


def test_only_the_engine_builds_the_indexing_pipeline() -> None:
    """finder.indexing is the writer's: no other unit imports it (the watcher takes its
    skip rules from finder.path_rules)."""
    offenders = [
        f"{where}: {source} imports indexing"
        for source, target, where in unit_edges()
        if target == "indexing" and source not in INDEXING_USERS
    ]
    assert not offenders, "\n".join(offenders)


def test_no_module_is_over_400_lines() -> None:
    """Small modules with one job: a file past 400 lines is split by role."""
    long = {
        str(p.relative_to(PACKAGE)): n
        for p in PACKAGE.rglob("*.py")
        if (n := len(p.read_text(encoding="utf-8").splitlines())) > 400
    }
    assert long == {}
