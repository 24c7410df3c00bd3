"""Join paths between tables: shortest many-to-one paths over declared relationships.

Following a path from a metric's table must never repeat the metric's rows, so only many_to_one and
one_to_one edges are walked forward (a one_to_many edge walked backwards is many_to_one). Two
shortest paths are ambiguous and refused; a table reachable only through one_to_many is refused.
"""

from __future__ import annotations

from collections import deque
from dataclasses import dataclass

from nexatron.semantic.exprs import CompileError
from nexatron.semantic.model import Relationship, SemanticLayer

MAX_CANDIDATES = 5


@dataclass(frozen=True)
class Edge:
    """One traversable step: join `to_table` on from_columns = to_columns."""

    from_table: str
    from_columns: tuple[str, ...]
    to_table: str
    to_columns: tuple[str, ...]
    label: str

    def describe(self) -> str:
        left = ", ".join(f"{self.from_table}.{c}" for c in self.from_columns)
        right = ", ".join(f"{self.to_table}.{c}" for c in self.to_columns)
        return f"{left} -> {right}"


def table_key(ref: str) -> str:
    return ref.lower()


def join_graph(layer: SemanticLayer) -> JoinGraph:
    """The layer's join graph, built once per set of relationships (layers are reused)."""
    rels = layer.relationships
    return layer.derived(  # type: ignore[no-any-return]
        "join_graph", tuple(rels), lambda: JoinGraph(rels)
    )


class JoinGraph:
    """Adjacency over the layer's relationships; `safe` edges never multiply rows."""

    def __init__(self, relationships: list[Relationship]) -> None:
        self.safe: dict[str, list[Edge]] = {}
        self.any: dict[str, list[Edge]] = {}
        self._paths: dict[tuple[str, str], tuple[Edge, ...]] = {}  # found unique paths
        self.named: dict[str, Edge] = {}  # relationship name -> its forward edge (roles)
        for i, rel in enumerate(relationships):
            label = rel.name or f"relationship {i}"
            fwd = Edge(
                rel.from_table, tuple(rel.from_columns), rel.to_table, tuple(rel.to_columns), label
            )
            back = Edge(
                rel.to_table, tuple(rel.to_columns), rel.from_table, tuple(rel.from_columns), label
            )
            if rel.name:
                self.named[rel.name] = fwd
            self._add(self.any, fwd)
            self._add(self.any, back)
            if rel.cardinality in ("many_to_one", "one_to_one"):
                self._add(self.safe, fwd)
            if rel.cardinality in ("one_to_many", "one_to_one"):
                self._add(self.safe, back)

    @staticmethod
    def _add(adj: dict[str, list[Edge]], edge: Edge) -> None:
        edges = adj.setdefault(table_key(edge.from_table), [])
        same = (table_key(edge.to_table), edge.from_columns, edge.to_columns)
        if all((table_key(e.to_table), e.from_columns, e.to_columns) != same for e in edges):
            edges.append(edge)  # a relationship declared twice is one path, not two

    def role_path(self, start: str, via: str, goal: str, *, what: str) -> tuple[Edge, ...]:
        """The path from `start` through the relationship named `via`, then on to `goal`."""
        edge = self.named.get(via)
        if edge is None:
            raise CompileError(
                f"{what}: no relationship is named {via!r}.", code="unreachable", relationship=via
            )
        head = self.path(start, edge.from_table, what=what)
        if any(e.label == via for e in head):
            raise CompileError(f"{what}: {via!r} is already on the way.", code="unreachable")
        return (*head, edge, *self.path(edge.to_table, goal, what=what))

    def path(self, start: str, goal: str, *, what: str) -> tuple[Edge, ...]:
        """The unique shortest safe path from `start` to `goal`; `what` names the need in errors."""
        if table_key(start) == table_key(goal):
            return ()
        known = self._paths.get((start, goal))
        if known is not None:
            return known
        paths = self._shortest(self.safe, start, goal)
        if len(paths) == 1:
            self._paths[(start, goal)] = paths[0]
            return paths[0]
        if len(paths) > 1:
            listed = ["; ".join(e.describe() for e in p) for p in paths]
            raise CompileError(
                f"{what}: more than one shortest join path from {start} to {goal}; "
                "declare or remove relationships so only one remains. "
                f"Candidates: {' | '.join(listed)}",
                code="ambiguous_join",
                candidates=listed,
            )
        if self._shortest(self.any, start, goal):
            raise CompileError(
                f"{what}: {goal} is reachable from {start} only through one-to-many relationships, "
                "which would repeat rows and inflate the numbers.",
                code="fan_out",
            )
        raise CompileError(
            f"{what}: no relationship connects {start} to {goal}; add a relationship between them.",
            code="unreachable",
        )

    @staticmethod
    def _shortest(adj: dict[str, list[Edge]], start: str, goal: str) -> list[tuple[Edge, ...]]:
        """All shortest paths (at most MAX_CANDIDATES) by breadth-first search."""
        target = table_key(goal)
        dist: dict[str, int] = {table_key(start): 0}
        preds: dict[str, list[tuple[str, Edge]]] = {}
        queue = deque([table_key(start)])
        while queue:
            node = queue.popleft()
            if node == target:
                break
            for edge in adj.get(node, []):
                nxt = table_key(edge.to_table)
                if nxt not in dist:
                    dist[nxt] = dist[node] + 1
                    queue.append(nxt)
                if dist[nxt] == dist[node] + 1:
                    preds.setdefault(nxt, []).append((node, edge))
        if target not in dist:
            return []
        out: list[tuple[Edge, ...]] = []

        def walk(node: str, tail: tuple[Edge, ...]) -> None:
            if len(out) >= MAX_CANDIDATES:
                return
            if node == table_key(start):
                out.append(tail)
                return
            for prev, edge in preds.get(node, []):
                walk(prev, (edge, *tail))

        walk(target, ())
        return out
