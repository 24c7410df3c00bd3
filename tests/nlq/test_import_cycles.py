"""The parser's modules form no import cycle: not at run time, not through type hints, not
through imports inside functions."""

from __future__ import annotations

import ast
from pathlib import Path

import nexatron.nlq

PACKAGE = "nexatron.nlq"


def _module_graph() -> dict[str, set[str]]:
    """Module -> the package modules it imports anywhere (top level, TYPE_CHECKING, functions)."""
    root = Path(nexatron.nlq.__file__).parent
    graph: dict[str, set[str]] = {}
    sources: dict[str, ast.Module] = {}
    for path in root.rglob("*.py"):
        rel = path.relative_to(root).with_suffix("")
        parts = [p for p in rel.parts if p != "__init__"]
        name = ".".join([PACKAGE, *parts])
        graph[name] = set()
        sources[name] = ast.parse(path.read_text())
    for name, tree in sources.items():
        for node in ast.walk(tree):
            if isinstance(node, ast.ImportFrom) and node.module:
                # 'from package import submodule' depends on the submodule, not on the package
                subs = {f"{node.module}.{alias.name}" for alias in node.names} & graph.keys()
                graph[name] |= subs or {node.module}
            elif isinstance(node, ast.Import):
                graph[name] |= {alias.name for alias in node.names}
    return {name: {t for t in edges if t in graph and t != name} for name, edges in graph.items()}


def _cycles(graph: dict[str, set[str]]) -> list[list[str]]:
    """Strongly connected components with more than one module (Tarjan)."""
    index: dict[str, int] = {}
    low: dict[str, int] = {}
    stack: list[str] = []
    on_stack: set[str] = set()
    found: list[list[str]] = []

    def visit(node: str) -> None:
        index[node] = low[node] = len(index)
        stack.append(node)
        on_stack.add(node)
        for nxt in sorted(graph[node]):
            if nxt not in index:
                visit(nxt)
                low[node] = min(low[node], low[nxt])
            elif nxt in on_stack:
                low[node] = min(low[node], index[nxt])
        if low[node] == index[node]:
            component: list[str] = []
            while True:
                member = stack.pop()
                on_stack.discard(member)
                component.append(member)
                if member == node:
                    break
            if len(component) > 1:
                found.append(sorted(component))

    for node in sorted(graph):
        if node not in index:
            visit(node)
    return found


def test_the_parser_modules_form_no_import_cycle() -> None:
    graph = _module_graph()
    assert f"{PACKAGE}.passes" in graph and f"{PACKAGE}.state" in graph
    assert _cycles(graph) == []


def test_the_cycle_check_finds_a_cycle() -> None:
    graph = {"a": {"b"}, "b": {"c"}, "c": {"a"}, "d": {"a"}}
    assert _cycles(graph) == [["a", "b", "c"]]
