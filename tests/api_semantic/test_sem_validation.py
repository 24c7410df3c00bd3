"""Metrics, dimensions and relationships are validated against the schema and the layer on
create and on update (422, one entry per bad field); CRUD per kind; listing by connection."""

from __future__ import annotations

from typing import Any

import pytest

from nexatron.testing import Harness

from .sem_library import Library

pytestmark = pytest.mark.anyio


async def post(harness: Harness, plural: str, body: dict[str, Any]) -> Any:
    return await harness.as_(harness.tenant.admin, "POST", f"/api/v1/semantic/{plural}", json=body)


def entries(response: Any) -> dict[tuple[Any, ...], str]:
    """loc -> type of each 422 entry (locations are unique: one entry per bad field)."""
    assert response.status_code == 422, response.text
    detail = response.json()["detail"]
    found = {tuple(e["loc"]): e["type"] for e in detail}
    assert len(found) == len(detail), detail
    return found


STORED_METRICS = ["borrowers", "fee_per_loan", "late_fees", "loan_count"]

# (kind, body without connection_id, the 422's entries: location -> type)
BAD_OBJECTS = [
    pytest.param(
        "metrics",
        {"name": "m1", "table": "nope", "agg": "count"},
        {("body", "table"): "not_found"},
        id="unknown-table",
    ),
    pytest.param(
        "metrics",
        {
            "name": "m2",
            "table": "loans",
            "agg": "sum",
            "expr": "no_such_column",
            "time_dimension": "genre",
            "filter": [{"field": "zzz", "op": "=", "values": [1]}],
        },
        {
            ("body", "expr"): "not_found",
            ("body", "time_dimension"): "type_error",
            ("body", "filter", 0, "field"): "not_found",
        },
        id="three-bad-fields",
    ),
    pytest.param(
        "dimensions",
        {"name": "d1", "table": "books", "expr": "genre +* ("},
        {("body", "expr"): "syntax_error"},
        id="unparseable-expression",
    ),
    pytest.param(
        "metrics",
        {"name": "r1", "type": "ratio", "numerator": "late_fees", "denominator": "ghost_metric"},
        {("body", "denominator"): "not_found"},
        id="ratio-of-unknown-metric",
    ),
    pytest.param(
        "metrics",
        {"name": "m3", "table": "loans", "agg": "count", "time_dimension": "nope"},
        {("body", "time_dimension"): "not_found"},
        id="unknown-time-dimension",
    ),
    pytest.param(
        "metrics",
        {"name": "loop", "type": "derived", "expression": "loop + 1"},
        {("body", "expression"): "cycle"},
        id="derived-self-cycle",
    ),
    pytest.param(
        "relationships",
        {
            "from_table": "loans",
            "from_columns": ["nope"],
            "to_table": "ghosts",
            "to_columns": ["id"],
        },
        {("body", "from_columns", 0): "not_found", ("body", "to_table"): "not_found"},
        id="relationship-unknown-column-and-table",
    ),
]


async def _metric_names(harness: Harness, cid: str) -> list[str]:
    listing = await harness.as_(
        harness.tenant.admin, "GET", f"/api/v1/semantic/metrics?connection_id={cid}"
    )
    return sorted(m["name"] for m in listing.json()["data"])


@pytest.mark.parametrize(("kind", "body", "expected"), BAD_OBJECTS)
async def test_bad_object_is_422_per_field_and_not_stored(
    harness: Harness,
    library: Library,
    kind: str,
    body: dict[str, Any],
    expected: dict[tuple[Any, ...], str],
) -> None:
    cid = library.connection_id
    assert entries(await post(harness, kind, {"connection_id": cid, **body})) == expected
    assert await _metric_names(harness, cid) == STORED_METRICS


async def test_bad_shape_is_one_entry_per_field(harness: Harness, library: Library) -> None:
    body = {"connection_id": library.connection_id, "name": "bad name!", "agg": "often", "x": 1}
    shape = await post(harness, "metrics", body)
    assert set(entries(shape)) == {("body", "name"), ("body", "agg"), ("body", "x")}
    no_conn = await post(harness, "metrics", {"name": "m4", "table": "loans", "agg": "count"})
    assert ("body", "connection_id") in entries(no_conn)


async def test_unknown_or_foreign_connection_is_404(harness: Harness, library: Library) -> None:
    body = {"name": "m5", "table": "loans", "agg": "count"}
    ghost = await post(harness, "metrics", {"connection_id": "conn_nope", **body})
    assert ghost.status_code == 404
    foreign = await harness.as_(
        harness.other.admin,
        "POST",
        "/api/v1/semantic/metrics",
        json={"connection_id": library.connection_id, **body},
    )
    assert foreign.status_code == 404
    assert await _metric_names(harness, library.connection_id) == STORED_METRICS


async def test_duplicates_and_cycles(harness: Harness, library: Library) -> None:
    cid = library.connection_id
    same = await post(
        harness,
        "metrics",
        {"connection_id": cid, "name": "late_fees", "table": "loans", "agg": "count"},
    )
    assert entries(same) == {("body", "name"): "duplicate"}
    clash = await post(
        harness,
        "metrics",
        {"connection_id": cid, "name": "genre", "table": "loans", "agg": "count"},
    )
    assert entries(clash) == {("body", "name"): "duplicate"}
    dim_clash = await post(
        harness,
        "dimensions",
        {"connection_id": cid, "name": "loan_count", "table": "loans", "expr": "loan_date"},
    )
    assert entries(dim_clash) == {("body", "name"): "duplicate"}
    rel_again = await post(
        harness,
        "relationships",
        {
            "connection_id": cid,
            "from_table": "loans",
            "from_columns": ["book_id"],
            "to_table": "books",
            "to_columns": ["id"],
        },
    )
    assert rel_again.status_code == 409, rel_again.text

    # a -> b, then b -> a on update is a cycle; nothing changes
    a = await post(
        harness,
        "metrics",
        {"connection_id": cid, "name": "a_m", "type": "derived", "expression": "loan_count + 0"},
    )
    assert a.status_code == 201, a.text
    b = await post(
        harness,
        "metrics",
        {"connection_id": cid, "name": "b_m", "type": "derived", "expression": "a_m * 2"},
    )
    assert b.status_code == 201, b.text
    url = f"/api/v1/semantic/metrics/{a.json()['id']}"
    cyc = await harness.as_(harness.tenant.admin, "PATCH", url, json={"expression": "b_m + 1"})
    assert entries(cyc) == {("body", "expression"): "cycle"}
    assert (await harness.as_(harness.tenant.admin, "GET", url)).json()["expression"] == (
        "loan_count + 0"
    )
    # a rename onto another metric's name
    rename = await harness.as_(harness.tenant.admin, "PATCH", url, json={"name": "b_m"})
    assert entries(rename) == {("body", "name"): "duplicate"}


async def test_crud_per_kind_and_patch_revalidates(harness: Harness, library: Library) -> None:
    admin, viewer = harness.tenant.admin, harness.tenant.viewer
    cases = [
        (
            "metrics",
            library.ids["borrowers"],
            {"label": "Distinct borrowers"},
            {"expr": "nope"},
            ("body", "expr"),
        ),
        (
            "dimensions",
            library.ids["city"],
            {"label": "Town", "synonyms": ["town"]},
            {"table": "nowhere"},
            ("body", "table"),
        ),
        (
            "relationships",
            library.ids["rel:books.branch_id"],
            {"name": "book_branch"},
            {"to_columns": ["nope"]},
            ("body", "to_columns", 0),
        ),
    ]
    for plural, object_id, good, bad, bad_loc in cases:
        url = f"/api/v1/semantic/{plural}/{object_id}"
        before = (await harness.as_(viewer, "GET", url)).json()
        assert before["id"] == object_id and before["connection_id"] == library.connection_id
        refused = await harness.as_(admin, "PATCH", url, json=bad)
        assert bad_loc in entries(refused), refused.text
        assert (await harness.as_(viewer, "GET", url)).json() == before
        assert (await harness.as_(viewer, "PATCH", url, json=good)).status_code == 403
        frozen = await harness.as_(admin, "PATCH", url, json={"connection_id": "conn_other"})
        assert ("body", "connection_id") in entries(frozen)
        patched = await harness.as_(admin, "PATCH", url, json=good)
        assert patched.status_code == 200, patched.text
        body = patched.json()
        assert {k: body[k] for k in good} == good and body["origin"] == "user"
        assert body["updated_at"] >= before["updated_at"]
        assert (await harness.as_(viewer, "GET", url)).json() == body
        assert (await harness.as_(viewer, "DELETE", url)).status_code == 403
        assert (await harness.as_(admin, "DELETE", url)).status_code == 204
        assert (await harness.as_(admin, "GET", url)).status_code == 404
        assert (await harness.as_(admin, "PATCH", url, json=good)).status_code == 404
        assert (await harness.as_(admin, "DELETE", url)).status_code == 404
        intruder = await harness.as_(harness.other.admin, "GET", f"/api/v1/semantic/{plural}")
        assert intruder.json()["data"] == []


async def test_list_is_filtered_by_connection(
    harness: Harness, library: Library, library_file: Any, tmp_path_factory: Any
) -> None:
    import shutil

    other_file = tmp_path_factory.mktemp("sem_other") / "other.duckdb"
    shutil.copyfile(library_file, other_file)
    other = await harness.as_(
        harness.tenant.admin,
        "POST",
        "/api/v1/connections",
        json={"name": "Other", "type": "duckdb", "config": {"path": str(other_file)}},
    )
    oid = other.json()["id"]
    made = await post(
        harness,
        "dimensions",
        {"connection_id": oid, "name": "genre", "table": "books", "expr": "genre"},
    )
    assert made.status_code == 201, made.text  # the same name on another connection is fine
    viewer = harness.tenant.viewer
    mine = await harness.as_(
        viewer, "GET", f"/api/v1/semantic/dimensions?connection_id={library.connection_id}"
    )
    theirs = await harness.as_(viewer, "GET", f"/api/v1/semantic/dimensions?connection_id={oid}")
    everything = await harness.as_(viewer, "GET", "/api/v1/semantic/dimensions")
    assert {d["connection_id"] for d in mine.json()["data"]} == {library.connection_id}
    assert len(mine.json()["data"]) == 5
    assert [d["id"] for d in theirs.json()["data"]] == [made.json()["id"]]
    assert len(everything.json()["data"]) == 6
    for plural in ("metrics", "relationships"):
        only = await harness.as_(viewer, "GET", f"/api/v1/semantic/{plural}?connection_id={oid}")
        assert only.json()["data"] == []


async def test_changes_that_break_other_objects_are_refused(
    harness: Harness, library: Library
) -> None:
    admin, cid = harness.tenant.admin, library.connection_id
    base = "/api/v1/semantic"
    export = f"{base}/export?connection_id={cid}"
    before = (await harness.as_(admin, "GET", export)).text

    used = await harness.as_(admin, "DELETE", f"{base}/metrics/{library.ids['late_fees']}")
    assert used.status_code == 409, used.text
    assert "fee_per_loan" in used.json()["detail"]
    time_dim = await harness.as_(admin, "DELETE", f"{base}/dimensions/{library.ids['loan_date']}")
    assert time_dim.status_code == 409 and "loan_count" in time_dim.json()["detail"]
    rename = await harness.as_(
        admin, "PATCH", f"{base}/metrics/{library.ids['loan_count']}", json={"name": "loans_n"}
    )
    assert rename.status_code == 422 and "fee_per_loan" in rename.text
    retype = await harness.as_(
        admin, "PATCH", f"{base}/dimensions/{library.ids['loan_date']}", json={"type": "string"}
    )
    assert retype.status_code == 422 and "time_dimension" in retype.text
    assert (await harness.as_(admin, "GET", export)).text == before

    # once nothing refers to it, it may go; the layer stays importable all along
    ratio = f"{base}/metrics/{library.ids['fee_per_loan']}"
    assert (await harness.as_(admin, "DELETE", ratio)).status_code == 204
    freed = await harness.as_(admin, "DELETE", f"{base}/metrics/{library.ids['late_fees']}")
    assert freed.status_code == 204
    text = (await harness.as_(admin, "GET", export)).text
    again = await harness.as_(
        admin, "POST", f"{base}/import", json={"connection_id": cid, "yaml": text}
    )
    assert again.status_code == 200, again.text
