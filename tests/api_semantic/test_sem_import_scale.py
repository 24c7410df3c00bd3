"""POST /semantic/import at scale: one validation pass for the whole layer, and a cap per kind.

Regression: a dry run checked every object against a fresh copy of the layer without it, so its
cost grew faster than quadratically (2,000 dimensions 4.2 s, 4,000 20.6 s). The figures are
printed by bench/bench_import.py; this asserts the shape (one checker, few schema lookups),
never a time.
"""

from __future__ import annotations

from typing import Any

import pytest
import yaml

from nexatron.semantic import validate
from nexatron.testing import Harness
from nexatron.warehouse.types import SchemaSnapshot

from .sem_library import Library

pytestmark = pytest.mark.anyio
IMPORT = "/api/v1/semantic/import"


def _layer(dimensions: int) -> str:
    dims = [
        {"name": f"genre_{i}", "label": f"Genre {i}", "table": "books", "expr": "genre"}
        for i in range(dimensions)
    ]
    metrics = [
        {"name": "loans", "table": "loans", "agg": "count"},
        {"name": "fees", "table": "loans", "agg": "sum", "expr": "late_fee"},
        {"name": "fee_per_loan", "type": "ratio", "numerator": "fees", "denominator": "loans"},
    ]
    return yaml.safe_dump({"dimensions": dims, "metrics": metrics}, sort_keys=False)


async def test_one_validation_pass_for_the_whole_layer(
    harness: Harness, library_conn: Library, monkeypatch: pytest.MonkeyPatch
) -> None:
    checkers: list[int] = []
    lookups: list[str] = []
    real_init, real_table = validate._Checker.__init__, SchemaSnapshot.table

    def counting_init(self: Any, *args: Any, **kwargs: Any) -> None:
        checkers.append(1)
        real_init(self, *args, **kwargs)

    def counting_table(self: SchemaSnapshot, ref: str) -> Any:
        lookups.append(ref)
        return real_table(self, ref)

    monkeypatch.setattr(validate._Checker, "__init__", counting_init)
    monkeypatch.setattr(SchemaSnapshot, "table", counting_table)
    body = {"connection_id": library_conn.connection_id, "yaml": _layer(300), "dry_run": True}
    r = await harness.as_(harness.tenant.admin, "POST", IMPORT, json=body)
    assert r.status_code == 200, r.text
    assert len(r.json()["diff"]["dimensions"]["added"]) == 300
    assert len(checkers) == 1  # was one per object (303), each copying the whole layer
    assert sorted(set(lookups)) == ["books", "loans"] and len(lookups) == 2  # once per table

    r = await harness.as_(harness.tenant.admin, "POST", IMPORT, json={**body, "dry_run": False})
    assert r.status_code == 200, r.text
    exported = await harness.as_(
        harness.tenant.admin,
        "GET",
        f"/api/v1/semantic/export?connection_id={library_conn.connection_id}",
    )
    names = [d["name"] for d in yaml.safe_load(exported.text)["dimensions"]]
    assert names == [f"genre_{i}" for i in range(300)]  # written in the document's order


async def test_duplicates_and_errors_keep_their_locations(
    harness: Harness, library_conn: Library
) -> None:
    doc = yaml.safe_load(_layer(3))
    doc["dimensions"].append({"name": "genre_1", "table": "books", "expr": "genre"})
    doc["dimensions"].append({"name": "ghost", "table": "books", "expr": "nope"})
    doc["metrics"].append({"name": "genre_0", "table": "loans", "agg": "count"})
    body = {"connection_id": library_conn.connection_id, "yaml": yaml.safe_dump(doc)}
    r = await harness.as_(harness.tenant.admin, "POST", IMPORT, json=body)
    assert r.status_code == 422
    assert sorted((tuple(e["loc"]), e["type"]) for e in r.json()["detail"]) == [
        (("body", "dimensions", 0, "name"), "duplicate"),  # genre_0 is also a metric's name
        (("body", "dimensions", 1, "name"), "duplicate"),  # both genre_1 are reported
        (("body", "dimensions", 3, "name"), "duplicate"),
        (("body", "dimensions", 4, "expr"), "not_found"),
        (("body", "metrics", 3, "name"), "duplicate"),
    ]


async def test_object_counts_are_capped_per_kind(harness: Harness, library_conn: Library) -> None:
    services = harness.services
    services.settings = services.settings.model_copy(update={"semantic_max_objects": 5})
    admin, cid = harness.tenant.admin, library_conn.connection_id
    r = await harness.as_(admin, "POST", IMPORT, json={"connection_id": cid, "yaml": _layer(6)})
    assert r.status_code == 422, r.text
    [entry] = r.json()["detail"]
    assert entry["loc"] == ["body", "yaml", "dimensions"] and entry["type"] == "too_many"
    assert "6 dimensions" in entry["msg"] and "the 5 allowed" in entry["msg"]
    assert "NEXATRON_SEMANTIC_MAX_OBJECTS" in entry["msg"]
    body = {"connection_id": cid, "yaml": _layer(5), "dry_run": False}
    assert (await harness.as_(admin, "POST", IMPORT, json=body)).status_code == 200
    one_more = {"connection_id": cid, "name": "sixth", "table": "books", "expr": "genre"}
    r = await harness.as_(admin, "POST", "/api/v1/semantic/dimensions", json=one_more)
    assert r.status_code == 422 and "the 5 allowed" in r.json()["detail"][0]["msg"]


def test_dependency_cycles_are_found_once_not_per_metric(monkeypatch: pytest.MonkeyPatch) -> None:
    """A chain of 1,500 derived metrics was searched from every metric, copying the path at each
    step (cubic); a 1,500-metric cycle printed 1,500 names in each of its 1,500 errors."""
    from nexatron.semantic.model import SemanticLayer

    searches: list[str] = []
    real = validate._Checker._search_cycle

    def counting(self: Any, start: str) -> Any:
        searches.append(start)
        return real(self, start)

    monkeypatch.setattr(validate._Checker, "_search_cycle", counting)
    n = 1500
    chain = [{"name": "m0", "table": "loans", "agg": "count"}] + [
        {"name": f"m{i}", "type": "derived", "expression": f"m{i - 1} + 1"} for i in range(1, n)
    ]
    assert validate.validate_import(SemanticLayer.model_validate({"metrics": chain}), None) == []
    assert searches == []  # nothing on a cycle: no search at all

    ring = [{**chain[1], "name": "m0", "expression": f"m{n - 1} * 2"}, *chain[1:]]
    ring.append({"name": "self", "type": "ratio", "numerator": "m1", "denominator": "self"})
    errors = validate.validate_import(SemanticLayer.model_validate({"metrics": ring}), None)
    assert len(errors) == n + 1 and {e["type"] for e in errors} == {"cycle"}
    assert sorted(searches) == ["m0", "self"]  # one search per cycle, reused by its members
    assert errors[0]["msg"] == (
        "Metrics depend on each other in a cycle: m0 -> m1499 -> m1498 -> m1497 -> m1496 -> "
        "m1495 -> m1494 -> m1493 -> (1492 more) -> m0."
    )
    assert errors[5]["msg"].startswith("Metrics depend on each other in a cycle: m5 -> m4 -> ")
    assert errors[-1]["msg"] == "Metrics depend on each other in a cycle: self -> self."
