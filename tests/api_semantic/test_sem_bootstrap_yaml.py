"""Bootstrap proposes without writing, applies idempotently and never overwrites a person's edit;
YAML export and import (dry run shows the diff and changes nothing; a real one replaces)."""

from __future__ import annotations

from typing import Any

import pytest
import yaml

from nexatron.testing import Harness

from .sem_library import Library

pytestmark = pytest.mark.anyio

KINDS = ("metrics", "dimensions", "relationships")


async def layer_of(harness: Harness, cid: str) -> dict[str, list[dict[str, Any]]]:
    out = {}
    for plural in KINDS:
        response = await harness.as_(
            harness.tenant.viewer, "GET", f"/api/v1/semantic/{plural}?connection_id={cid}"
        )
        out[plural] = response.json()["data"]
    return out


def _names(layer: dict[str, list[dict[str, Any]]]) -> dict[str, set[str]]:
    return {
        k: {o.get("name") or f"{o['from_table']}.{o['from_columns'][0]}" for o in v}
        for k, v in layer.items()
    }


async def bootstrap(harness: Harness, cid: str, apply: bool) -> dict[str, Any]:
    response = await harness.as_(
        harness.tenant.admin,
        "POST",
        "/api/v1/semantic/bootstrap",
        json={"connection_id": cid, "apply": apply},
    )
    assert response.status_code == 200, response.text
    body: dict[str, Any] = response.json()
    return body


async def test_bootstrap_proposes_applies_once_and_keeps_edits(
    harness: Harness, library_conn: Library
) -> None:
    cid = library_conn.connection_id
    proposal = await bootstrap(harness, cid, apply=False)
    assert proposal["applied"] is False
    added = proposal["diff"]
    assert added["relationships"]["added"] and added["metrics"]["added"]
    assert added["dimensions"]["added"]
    assert all(not v["changed"] and not v["removed"] for v in added.values())
    assert len(added["relationships"]["added"]) == 4  # one per foreign key
    assert await layer_of(harness, cid) == {k: [] for k in KINDS}  # nothing written

    applied = await bootstrap(harness, cid, apply=True)
    assert applied["applied"] is True and applied["diff"] == proposal["diff"]
    layer = await layer_of(harness, cid)
    for kind in KINDS:
        assert len(layer[kind]) == len(added[kind]["added"]), kind
        assert {o["origin"] for o in layer[kind]} == {"bootstrap"}
    assert set(added["metrics"]["added"]) == {m["name"] for m in layer["metrics"]}

    again = await bootstrap(harness, cid, apply=True)
    assert all(v == {"added": [], "changed": [], "removed": []} for v in again["diff"].values())
    assert await layer_of(harness, cid) == layer

    # a person relabels a metric and a dimension; later bootstraps leave them alone
    metric, dim = layer["metrics"][0], layer["dimensions"][0]
    for plural, obj in (("metrics", metric), ("dimensions", dim)):
        url = f"/api/v1/semantic/{plural}/{obj['id']}"
        edit = await harness.as_(harness.tenant.admin, "PATCH", url, json={"label": "Mine"})
        assert edit.status_code == 200 and edit.json()["origin"] == "user"
    later = await bootstrap(harness, cid, apply=True)
    assert all(not v["added"] and not v["changed"] for v in later["diff"].values())
    after = await layer_of(harness, cid)
    for plural, obj in (("metrics", metric), ("dimensions", dim)):
        mine = next(o for o in after[plural] if o["id"] == obj["id"])
        assert mine["label"] == "Mine" and mine["origin"] == "user"
    assert _names(after) == _names(layer)

    # what bootstrap wrote answers questions
    count_name = next(
        m["name"] for m in layer["metrics"] if m["table"] == "loans" and m["agg"] == "count"
    )
    asked = await harness.as_(
        harness.tenant.analyst,
        "POST",
        "/api/v1/query",
        json={"question": count_name.replace("_", " "), "connection_id": cid},
    )
    assert asked.status_code == 200, asked.text
    [(n,)] = library_conn.sql("SELECT count(*) FROM loans")
    assert list(asked.json()["data"][0].values()) == [n]


async def test_viewer_cannot_bootstrap_or_import(harness: Harness, library: Library) -> None:
    cid = library.connection_id
    viewer = harness.tenant.viewer
    boot = await harness.as_(
        viewer, "POST", "/api/v1/semantic/bootstrap", json={"connection_id": cid, "apply": True}
    )
    assert boot.status_code == 403
    imp = await harness.as_(
        viewer, "POST", "/api/v1/semantic/import", json={"connection_id": cid, "yaml": "{}"}
    )
    assert imp.status_code == 403
    export = await harness.as_(viewer, "GET", f"/api/v1/semantic/export?connection_id={cid}")
    assert export.status_code == 200
    intruder = await harness.as_(
        harness.other.admin, "GET", f"/api/v1/semantic/export?connection_id={cid}"
    )
    assert intruder.status_code == 404


async def test_export_and_import(harness: Harness, library: Library) -> None:
    admin, cid = harness.tenant.admin, library.connection_id
    exported = await harness.as_(admin, "GET", f"/api/v1/semantic/export?connection_id={cid}")
    assert exported.status_code == 200
    assert exported.headers["content-type"].startswith("text/plain")
    doc = yaml.safe_load(exported.text)
    assert {m["name"] for m in doc["metrics"]} == {
        "loan_count",
        "late_fees",
        "borrowers",
        "fee_per_loan",
    }
    assert len(doc["dimensions"]) == 5 and len(doc["relationships"]) == 3
    before = await layer_of(harness, cid)

    # the same document back: no change at all
    same = await harness.as_(
        admin,
        "POST",
        "/api/v1/semantic/import",
        json={"connection_id": cid, "yaml": exported.text, "dry_run": True},
    )
    assert all(
        v == {"added": [], "changed": [], "removed": []} for v in same.json()["diff"].values()
    )

    # drop borrowers, relabel late_fees, add a new metric
    doc["metrics"] = [m for m in doc["metrics"] if m["name"] != "borrowers"]
    next(m for m in doc["metrics"] if m["name"] == "late_fees")["label"] = "Overdue charges"
    doc["metrics"].append(
        {
            "name": "books_lent",
            "label": "Books lent",
            "table": "loans",
            "agg": "count_distinct",
            "expr": "book_id",
        }
    )
    text = yaml.safe_dump(doc, sort_keys=False)
    dry = await harness.as_(
        admin,
        "POST",
        "/api/v1/semantic/import",
        json={"connection_id": cid, "yaml": text, "dry_run": True},
    )
    assert dry.status_code == 200, dry.text
    assert dry.json()["dry_run"] is True
    assert dry.json()["diff"]["metrics"] == {
        "added": ["books_lent"],
        "changed": ["late_fees"],
        "removed": ["borrowers"],
    }
    assert await layer_of(harness, cid) == before

    real = await harness.as_(
        admin,
        "POST",
        "/api/v1/semantic/import",
        json={"connection_id": cid, "yaml": text, "dry_run": False},
    )
    assert real.status_code == 200, real.text
    after = await layer_of(harness, cid)
    assert {m["name"] for m in after["metrics"]} == {
        "loan_count",
        "late_fees",
        "fee_per_loan",
        "books_lent",
    }
    assert next(m for m in after["metrics"] if m["name"] == "late_fees")["label"] == (
        "Overdue charges"
    )
    assert _names(after)["dimensions"] == _names(before)["dimensions"]
    reexport = await harness.as_(admin, "GET", f"/api/v1/semantic/export?connection_id={cid}")
    assert yaml.safe_load(reexport.text)["metrics"][-1]["name"] == "books_lent"
    asked = await harness.as_(
        harness.tenant.analyst,
        "POST",
        "/api/v1/query",
        json={"question": "books lent", "connection_id": cid},
    )
    assert asked.status_code == 200, asked.text
    [(n,)] = library.sql("SELECT count(DISTINCT book_id) FROM loans")
    assert list(asked.json()["data"][0].values()) == [n]


async def test_import_errors_have_locations(harness: Harness, library: Library) -> None:
    admin, cid = harness.tenant.admin, library.connection_id
    before = await layer_of(harness, cid)

    async def imp(text: str) -> Any:
        return await harness.as_(
            admin,
            "POST",
            "/api/v1/semantic/import",
            json={"connection_id": cid, "yaml": text, "dry_run": False},
        )

    broken = await imp("metrics:\n  - name: x\n    table: [unclosed\n")
    assert broken.status_code == 422
    [entry] = broken.json()["detail"]
    assert entry["loc"] == ["body", "yaml"] and "line" in entry["msg"]

    shape = await imp("metrics:\n  - name: ok\n    agg: sometimes\n    table: loans\n")
    assert [tuple(e["loc"]) for e in shape.json()["detail"]] == [("body", "metrics", 0, "agg")]

    semantic = yaml.safe_dump(
        {
            "dimensions": [{"name": "genre", "table": "books", "expr": "genre"}],
            "metrics": [
                {"name": "ok", "table": "loans", "agg": "count"},
                {"name": "bad", "table": "nowhere", "agg": "count"},
                {"name": "worse", "table": "loans", "agg": "sum", "expr": "ghost"},
            ],
        }
    )
    located = await imp(semantic)
    assert located.status_code == 422, located.text
    assert sorted(tuple(e["loc"]) for e in located.json()["detail"]) == [
        ("body", "metrics", 1, "table"),
        ("body", "metrics", 2, "expr"),
    ]
    not_a_mapping = await imp("- just\n- a list\n")
    assert not_a_mapping.status_code == 422

    # the same relationship twice is refused up front (a dry run says so too); nothing written
    rel = {
        "from_table": "loans",
        "from_columns": ["book_id"],
        "to_table": "books",
        "to_columns": ["id"],
    }
    twice = yaml.safe_dump({"relationships": [rel, rel]})
    clash = await imp(twice)
    assert [(e["loc"], e["type"]) for e in clash.json()["detail"]] == [
        (["body", "relationships", 1], "duplicate")
    ]
    dry = await harness.as_(
        admin,
        "POST",
        "/api/v1/semantic/import",
        json={"connection_id": cid, "yaml": twice, "dry_run": True},
    )
    assert dry.status_code == 422  # a dry run predicts the real one
    assert await layer_of(harness, cid) == before

    other_tenant = await harness.as_(
        harness.other.admin,
        "POST",
        "/api/v1/semantic/import",
        json={"connection_id": cid, "yaml": "{}", "dry_run": False},
    )
    assert other_tenant.status_code == 404
    assert await layer_of(harness, cid) == before
