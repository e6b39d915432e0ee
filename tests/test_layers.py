"""The package's layers: every import points down the list, so no circle can form.

Read top to bottom: a package may import from its own layer's packages (never in a circle)
and from any layer below, never from one above. docs/architecture.md explains the order.
"""

from __future__ import annotations

import ast
from collections import defaultdict
from pathlib import Path

PACKAGE = Path(__file__).resolve().parents[1] / "otree_async"

# Top to bottom. "__init__" is otree_async/__init__.py (the version string).
LAYERS: list[set[str]] = [
    {"api", "cli", "cli_progress", "__main__"},  # what authors import; the command line
    {"bots"},  # bot runner and pytest plugin: drive the app through its adapters
    {"web", "live"},  # adapters: HTTP routes, websockets and the group layer
    {"flow"},  # the core: each step in one unit of work, notices published after commit
    {"project"},  # loading and checking an author's project
    {"models", "templating"},  # tables and the unit of work; the template dialect
    {"engine"},  # pure decisions over plain data
    {"money", "i18n", "errors", "pages", "__init__"},  # leaves: amounts, translations, errors
]
LEVEL = {name: depth for depth, names in enumerate(LAYERS) for name in names}
AUTHOR_TEMPLATES = PACKAGE / "project_template"


def _module_name(path: Path) -> list[str]:
    parts = list(path.relative_to(PACKAGE.parent).with_suffix("").parts)
    return parts[:-1] if parts[-1] == "__init__" else parts


def _unit(module: list[str]) -> str:
    """The first-level name under otree_async that a module (or a name in it) belongs to."""
    if len(module) == 1 or not _exists(module[:2]):
        return "__init__"  # otree_async itself, or a name defined in its __init__.py
    return module[1]


def _exists(module: list[str]) -> bool:
    path = PACKAGE.parent.joinpath(*module)
    return path.with_suffix(".py").is_file() or (path / "__init__.py").is_file()


def _imported_modules(path: Path) -> list[tuple[list[str], int]]:
    """Every otree_async module the file imports (at module level or inside a function)."""
    module = _module_name(path)
    is_package_file = path.name == "__init__.py"
    found = []
    for node in ast.walk(ast.parse(path.read_text(), str(path))):
        if isinstance(node, ast.ImportFrom) and node.level:
            base = module if is_package_file else module[:-1]
            base = base[: len(base) - node.level + 1]
            target = base + (node.module.split(".") if node.module else [])
            if node.module:
                found.append((target, node.lineno))
            else:
                found.extend(([*target, alias.name], node.lineno) for alias in node.names)
        elif isinstance(node, ast.ImportFrom) and (node.module or "").startswith("otree_async"):
            found.append((node.module.split("."), node.lineno))  # type: ignore[union-attr]
        elif isinstance(node, ast.Import):
            found.extend(
                (alias.name.split("."), node.lineno)
                for alias in node.names
                if alias.name.startswith("otree_async")
            )
    return found


def _edges() -> dict[tuple[str, str], list[str]]:
    edges: dict[tuple[str, str], list[str]] = defaultdict(list)
    for path in sorted(PACKAGE.rglob("*.py")):
        if AUTHOR_TEMPLATES in path.parents:
            continue
        source = _unit(_module_name(path))
        for target, line in _imported_modules(path):
            target_unit = _unit(target)
            if target_unit != source:
                where = f"{path.relative_to(PACKAGE.parent)}:{line} imports {'.'.join(target)}"
                edges[(source, target_unit)].append(where)
    return edges


def test_every_package_has_a_layer() -> None:
    units = {_unit(_module_name(p)) for p in PACKAGE.rglob("*.py")}
    units -= {"project_template"}
    assert sorted(units - set(LEVEL)) == [], "add each new package or module to LAYERS"


def test_no_import_points_up() -> None:
    upward = [
        where
        for (source, target), places in _edges().items()
        if LEVEL.get(target, -1) < LEVEL.get(source, -1)
        for where in places
    ]
    assert upward == []


def test_no_circle_between_packages() -> None:
    graph: dict[str, set[str]] = defaultdict(set)
    for source, target in _edges():
        graph[source].add(target)

    def reaches(start: str, goal: str, seen: set[str]) -> bool:
        return any(
            nxt == goal or (nxt not in seen and reaches(nxt, goal, seen | {nxt}))
            for nxt in graph[start]
        )

    circles = sorted(f"{a} <-> {b}" for a, b in _edges() if reaches(b, a, {b}))
    assert circles == []


def test_no_import_hides_inside_a_function() -> None:
    hidden = []
    for path in sorted(PACKAGE.rglob("*.py")):
        if AUTHOR_TEMPLATES in path.parents:
            continue
        for function in ast.walk(ast.parse(path.read_text(), str(path))):
            if not isinstance(function, ast.FunctionDef | ast.AsyncFunctionDef):
                continue
            hidden.extend(
                f"{path.relative_to(PACKAGE.parent)}:{node.lineno}"
                for node in ast.walk(function)
                if isinstance(node, ast.ImportFrom)
                and (node.level or (node.module or "").startswith("otree_async"))
            )
    assert hidden == []


def test_module_names_are_unique() -> None:
    """A reader never has to guess which `wait_pages.py` is meant."""
    names: dict[str, list[str]] = defaultdict(list)
    for path in PACKAGE.rglob("*.py"):
        if AUTHOR_TEMPLATES not in path.parents and path.stem not in ("__init__", "__main__"):
            names[path.stem].append(str(path.relative_to(PACKAGE.parent)))
    assert {name: places for name, places in names.items() if len(places) > 1} == {}
