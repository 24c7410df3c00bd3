"""GET /query/history, GET and DELETE /query/{id}: order, paging, filters, roles, tenancy."""

from __future__ import annotations

import pytest

from nexatron.query.service import query_service
from nexatron.testing import Actor, Harness

from .query_support import TOTAL_LAST_QUARTER, ask

pytestmark = pytest.mark.anyio
HISTORY = "/api/v1/query/history"


async def _asked(harness: Harness, actor: Actor, question: str, **body: str) -> dict[str, str]:
    response = await ask(harness, actor, question, **body)
    assert response.status_code == 200, response.text
    return response.json()  # type: ignore[no-any-return]


async def _history(harness: Harness, actor: Actor, **params: str | int) -> dict[str, object]:
    response = await harness.as_(actor, "GET", HISTORY, params=params)
    assert response.status_code == 200, response.text
    return response.json()  # type: ignore[no-any-return]


def _ids(page: dict[str, object]) -> list[str]:
    return [q["id"] for q in page["data"]]  # type: ignore[attr-defined]


async def test_newest_first_with_cursor_paging(harness: Harness, demo: str) -> None:
    analyst = harness.tenant.analyst
    asked = [
        await _asked(harness, analyst, question)
        for question in ("number of orders", "total sales by region", TOTAL_LAST_QUARTER)
    ]
    everything = await _history(harness, analyst)
    assert _ids(everything) == [a["id"] for a in reversed(asked)]
    assert everything["next_cursor"] is None
    seen: list[str] = []
    cursor: str | None = None
    while True:
        params: dict[str, str | int] = {"limit": 1} | ({"cursor": cursor} if cursor else {})
        page = await _history(harness, analyst, **params)
        assert len(page["data"]) <= 1  # type: ignore[arg-type]
        seen += _ids(page)
        cursor = page["next_cursor"]  # type: ignore[assignment]
        if cursor is None:
            break
        assert len(seen) <= 3
    assert seen == _ids(everything)


async def test_filters_by_connection_and_conversation(harness: Harness, demo: str) -> None:
    analyst = harness.tenant.analyst
    first = await _asked(harness, analyst, TOTAL_LAST_QUARTER)
    follow = await _asked(
        harness, analyst, "and by region?", conversation_id=first["conversation_id"]
    )
    other = await _asked(harness, analyst, "number of orders")
    assert other["conversation_id"] != first["conversation_id"]
    by_conv = await _history(harness, analyst, conversation_id=first["conversation_id"])
    assert _ids(by_conv) == [follow["id"], first["id"]]
    by_conn = await _history(harness, analyst, connection_id=demo)
    assert _ids(by_conn) == [other["id"], follow["id"], first["id"]]
    assert _ids(await _history(harness, analyst, connection_id="conn_doesnotexist")) == []


async def test_viewer_sees_own_admin_sees_tenant(harness: Harness, demo: str) -> None:
    tenant = harness.tenant
    mine = await _asked(harness, tenant.viewer, "number of orders")
    theirs = await _asked(harness, tenant.analyst, TOTAL_LAST_QUARTER)
    assert _ids(await _history(harness, tenant.viewer)) == [mine["id"]]
    assert _ids(await _history(harness, tenant.analyst)) == [theirs["id"]]
    assert _ids(await _history(harness, tenant.admin)) == [theirs["id"], mine["id"]]
    assert _ids(await _history(harness, harness.other.admin)) == []
    hidden = await harness.as_(tenant.viewer, "GET", f"/api/v1/query/{theirs['id']}")
    assert hidden.status_code == 404
    seen = await harness.as_(tenant.admin, "GET", f"/api/v1/query/{mine['id']}")
    assert seen.status_code == 200 and seen.json()["id"] == mine["id"]


async def test_get_returns_the_stored_answer_then_delete(harness: Harness, demo: str) -> None:
    analyst = harness.tenant.analyst
    asked = await _asked(harness, analyst, TOTAL_LAST_QUARTER)
    url = f"/api/v1/query/{asked['id']}"
    stored = await harness.as_(analyst, "GET", url)
    assert stored.status_code == 200, stored.text
    body = stored.json()
    for key in ("id", "question", "data", "summary", "conversation_id", "connection_id", "sql"):
        assert body[key] == asked[key], key
    assert body["plan"]["query"] == asked["plan"]["query"]  # type: ignore[index]
    assert body["columns"] == asked["columns"]
    assert body["row_count"] == 1

    other = harness.other.admin
    assert (await harness.as_(other, "GET", url)).status_code == 404
    assert (await harness.as_(other, "DELETE", url)).status_code == 404
    assert (await harness.as_(analyst, "GET", url)).status_code == 200

    deleted = await harness.as_(analyst, "DELETE", url)
    assert deleted.status_code == 204
    assert (await harness.as_(analyst, "GET", url)).status_code == 404
    assert (await harness.as_(analyst, "DELETE", url)).status_code == 404
    assert _ids(await _history(harness, analyst)) == []


async def test_unknown_query_is_404(harness: Harness, demo: str) -> None:
    response = await harness.as_(harness.tenant.admin, "GET", "/api/v1/query/qry_nope")
    assert response.status_code == 404
    assert "detail" in response.json()


async def test_a_row_still_on_its_way_from_another_process_is_waited_for(
    harness: Harness, demo: str
) -> None:
    """Another worker answers, the client asks this one at once: GET waits briefly for the row
    (here it is taken out and written back 40 ms later, as that worker's writer would)."""
    import threading

    from sqlalchemy import insert, select

    from nexatron.query.service import query_service
    from nexatron.store.tables import queries

    analyst = harness.tenant.analyst
    asked = await _asked(harness, analyst, "number of orders")
    db = harness.services.db
    query_service(harness.services).recorder.flush()  # written behind the answer
    with db.begin() as conn:
        row = conn.execute(select(queries).where(queries.c.id == asked["id"])).one()
        conn.execute(queries.delete().where(queries.c.id == asked["id"]))

    def write_back() -> None:
        with db.begin() as conn:
            conn.execute(insert(queries).values(**row._mapping))

    threading.Timer(0.04, write_back).start()
    got = await harness.as_(analyst, "GET", f"/api/v1/query/{asked['id']}")
    assert got.status_code == 200, got.text
    assert got.json()["sql"] == asked["sql"]
    missing = await harness.as_(analyst, "GET", "/api/v1/query/qry_0000000000000000")
    assert missing.status_code == 404  # after the bounded wait


async def test_a_forged_or_edited_cursor_is_a_400(harness: Harness, demo: str) -> None:
    """Regression: a cursor holding a timezone-less date was a 500 (naive datetime bound)."""
    import base64
    import json

    analyst = harness.tenant.analyst
    for question in ("number of orders", "total sales by region"):
        await _asked(harness, analyst, question)
    issued = (await _history(harness, analyst, limit=1))["next_cursor"]
    assert isinstance(issued, str)
    naive = base64.urlsafe_b64encode(json.dumps(["2026-01-01T00:00:00", "qry_x"]).encode())
    body, _, signature = issued.partition(".")
    edited = base64.urlsafe_b64encode(
        json.dumps(["2099-01-01T00:00:00+00:00", "qry_zzz"]).encode()
    ).decode()
    for bad in (
        naive.decode(),  # the reported one: unsigned, naive date
        naive.decode().rstrip("=") + "." + signature,  # someone else's signature
        f"{edited.rstrip('=')}.{signature}",  # an edited position
        body,  # signature stripped
        issued + "x",
        "%%%",
        "a" * 600,
    ):
        response = await harness.as_(analyst, "GET", HISTORY, params={"cursor": bad})
        assert response.status_code == 400, (bad, response.text)
        assert "next_cursor" in response.json()["detail"]
    # the cursor as issued still pages
    assert (
        await harness.as_(analyst, "GET", HISTORY, params={"cursor": issued})
    ).status_code == 200


async def test_history_reads_wait_for_the_writer_it_holds_back(
    harness: Harness, demo: str, monkeypatch: pytest.MonkeyPatch
) -> None:
    """The history writer is held back: a question is being answered throughout (the mark) and it
    would wait a minute for that to end, so it writes only when a read waits for it. The list, one
    query and a follow-up's conversation still find the answer just given (HistoryReads)."""
    recorder = query_service(harness.services).recorder
    monkeypatch.setattr(recorder, "_linger_s", 60.0)
    analyst = harness.tenant.analyst
    with recorder.answering():
        first = await _asked(harness, analyst, "number of orders")
        assert recorder.pending()  # not written yet
        assert _ids(await _history(harness, analyst)) == [first["id"]]

        second = await _asked(harness, analyst, TOTAL_LAST_QUARTER)
        assert recorder.pending()
        one = await harness.as_(analyst, "GET", f"/api/v1/query/{second['id']}")
        assert one.status_code == 200, one.text

        third = await _asked(harness, analyst, "number of orders by region")
        assert recorder.pending()  # its conversation is not written yet either
        follow = await _asked(
            harness, analyst, "and last quarter?", conversation_id=third["conversation_id"]
        )
        assert follow["conversation_id"] == third["conversation_id"]
