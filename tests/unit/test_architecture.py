"""The dependency rule of docs/architecture.md, checked on the source: layers, views, cycles."""

from __future__ import annotations

import ast
from collections import defaultdict
from collections.abc import Iterator
from pathlib import Path

import pytest

ENGINE = Path(__file__).resolve().parents[2] / "engine"

# spec <- runtime <- platform <- features <- entry points: a package imports only its own layer
# or those to its left.
CORE = {"spec": 0, "runtime": 1}
PLATFORM = 2
FEATURE = 3
ENTRY = {"wiring": 4, "cli": 4}
# Libraries the pure core never imports: it knows no web framework and no database session.
NOT_IN_CORE = ("flask", "flask_login", "flask_wtf", "werkzeug", "sqlalchemy", "alembic", "psycopg")


def _modules() -> Iterator[tuple[str, Path]]:
    for path in sorted(ENGINE.rglob("*.py")):
        parts = path.relative_to(ENGINE.parent).with_suffix("").parts
        if parts[-1] == "__init__":
            parts = parts[:-1]
        yield ".".join(parts), path


def _imports(path: Path) -> Iterator[str]:
    for node in ast.walk(ast.parse(path.read_text())):
        if isinstance(node, ast.ImportFrom) and node.module and node.level == 0:
            yield node.module
            yield from (f"{node.module}.{alias.name}" for alias in node.names)
        elif isinstance(node, ast.Import):
            yield from (alias.name for alias in node.names)


def _package(module: str) -> str:
    """Return the package a module belongs to: engine.X, or engine.X.views for a view."""
    parts = module.split(".")
    if len(parts) >= 3 and parts[2] == "views":
        return ".".join(parts[:3])
    return ".".join(parts[:2])


def _top(module: str) -> str:
    return module.split(".")[1] if module.count(".") else ""


def _layer(module: str) -> int:
    top = _top(module)
    if top in CORE:
        return CORE[top]
    if top == "platform":
        return PLATFORM
    return ENTRY.get(top, FEATURE)


def _engine_imports() -> Iterator[tuple[str, str]]:
    modules = dict(_modules())
    for module, path in modules.items():
        for target in _imports(path):
            if target.startswith("engine.") and (target in modules or _package(target) in modules):
                yield module, target


def test_every_package_is_in_a_layer() -> None:
    tops = {_top(module) for module, _ in _modules()} - {""}
    assert "platform" in tops and "applications" in tops
    features = tops - set(CORE) - set(ENTRY) - {"platform"}
    # A new top-level package is a feature unless it is named here; each has an __init__.
    for name in features | {"platform"}:
        assert (ENGINE / name / "__init__.py").exists(), name


def test_no_package_imports_a_later_layer() -> None:
    wrong = [
        f"{module} imports {target}"
        for module, target in _engine_imports()
        if _layer(target) > _layer(module)
    ]
    assert wrong == []


def test_the_core_imports_no_web_framework_and_no_database() -> None:
    wrong = [
        f"{module} imports {target}"
        for module, path in _modules()
        if _top(module) in CORE
        for target in _imports(path)
        if target.split(".")[0] in NOT_IN_CORE
    ]
    assert wrong == []


def test_features_use_each_other_only_through_services_not_views() -> None:
    wrong = [
        f"{module} imports {target}"
        for module, target in _engine_imports()
        if ".views" in _package(target)
        and _layer(module) < max(ENTRY.values())
        and _top(module) != _top(target)
    ]
    assert wrong == []


def _cycles(edges: dict[str, set[str]]) -> list[list[str]]:
    """Return the strongly connected components of more than one package (Tarjan)."""
    index: dict[str, int] = {}
    low: dict[str, int] = {}
    stack: list[str] = []
    found: list[list[str]] = []

    def visit(node: str) -> None:
        index[node] = low[node] = len(index)
        stack.append(node)
        for nxt in sorted(edges.get(node, ())):
            if nxt not in index:
                visit(nxt)
                low[node] = min(low[node], low[nxt])
            elif nxt in stack:
                low[node] = min(low[node], index[nxt])
        if low[node] == index[node]:
            component = [stack.pop()]
            while component[-1] != node:
                component.append(stack.pop())
            if len(component) > 1:
                found.append(sorted(component))

    for node in sorted(edges):
        if node not in index:
            visit(node)
    return found


def test_no_package_cycles() -> None:
    edges: dict[str, set[str]] = defaultdict(set)
    for module, target in _engine_imports():
        source, dest = _package(module), _package(target)
        if source != dest:
            edges[source].add(dest)
    assert _cycles(edges) == []


@pytest.mark.parametrize(
    ("edges", "expected"),
    [
        ({"a": {"b"}, "b": {"c"}}, []),
        ({"a": {"b"}, "b": {"a"}, "c": {"a"}}, [["a", "b"]]),
        ({"a": {"b"}, "b": {"c"}, "c": {"a"}}, [["a", "b", "c"]]),
    ],
)
def test_the_cycle_check_finds_cycles(
    edges: dict[str, set[str]], expected: list[list[str]]
) -> None:
    assert _cycles(edges) == expected


def test_the_layer_check_sees_a_wrong_import() -> None:
    # The rule check itself can fail: a runtime module importing platform is a later layer.
    assert _layer("engine.platform.db") > _layer("engine.runtime.machine")
    assert _package("engine.review.views.queue") == "engine.review.views"
    assert _package("engine.review.queue") == "engine.review"
