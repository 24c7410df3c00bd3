"""The LLM planner inside POST /query, end to end: real app, demo DuckDB, fake provider servers
(OpenAI and Anthropic protocols through the official SDKs)."""

from __future__ import annotations

import time
from pathlib import Path
from typing import Any

import pytest

from .app_support import (
    REFUSED,
    Lab,
    cannot,
    data_section,
    semantic,
    sql_reply,
)
from .conftest import API_KEY
from .conftest import Harness as LLM
from .fakes import Scripted

pytestmark = pytest.mark.anyio

SIGNUPS = (
    "SELECT CAST(EXTRACT(year FROM signup_date) AS INTEGER) AS signup_year, "
    "COUNT(*) AS customers FROM customers GROUP BY 1 ORDER BY 1"
)
SIGNUPS_Q = "how many customers signed up each year"


async def _configured(lab: Lab, llm: LLM, **over: Any) -> None:
    """Warm the connection's context (value index) with no LLM, then configure the fake one."""
    assert (await lab.ask(REFUSED)).status_code == 422
    assert llm.server.requests == []
    put = await lab.configure(llm, **over)
    assert put.status_code == 200, put.text
    lab.executed.clear()


def _sorted(rows: list[dict[str, object]]) -> list[list[object]]:
    return sorted([list(r.values()) for r in rows], key=repr)


# -- without an LLM nothing changes -----------------------------------------------------------


async def test_without_an_llm_the_refusal_is_422_and_no_provider_is_called(
    lab: Lab, llm: LLM
) -> None:
    r = await lab.ask(REFUSED)
    assert r.status_code == 422
    assert {"favourite", "colour"} <= set(r.json()["detail"]["unmatched"])
    assert llm.server.requests == []
    assert lab.executed == []


async def test_a_write_request_is_refused_without_asking_the_llm(lab: Lab, llm: LLM) -> None:
    await _configured(lab, llm)
    r = await lab.ask("delete all orders from last year")
    assert r.status_code == 422 and r.json()["detail"]["verb"] == "delete"
    assert llm.server.requests == [] and lab.executed == []


# -- a semantic plan from the LLM ---------------------------------------------------------------


async def test_semantic_plan_is_answered_like_the_deterministic_question(
    lab: Lab, llm: LLM
) -> None:
    await _configured(lab, llm)
    llm.script(semantic(metrics=["total_sales"], dimensions=["region"]))
    r = await lab.ask(REFUSED)
    assert r.status_code == 200, r.text
    body = r.json()
    assert body["plan"]["planner"] == "llm"
    assert body["plan"]["query"]["metrics"] == ["total_sales"]
    assert body["plan"]["llm_usage"]["tokens_in"] == 321
    assert body["plan"]["llm_usage"]["tokens_out"] == 45
    assert any("LLM" in w for w in body["warnings"])

    (req,) = llm.server.requests
    assert REFUSED in req.last_user()
    if llm.provider == "openai":
        assert req.headers["authorization"] == f"Bearer {API_KEY}"
    else:
        bearer = req.headers.get("authorization", "").removeprefix("Bearer ")
        assert API_KEY in (req.headers.get("x-api-key"), bearer)

    det = await lab.ask("total sales by region")
    assert det.status_code == 200 and det.json()["plan"]["planner"] == "deterministic"
    assert det.json()["data"] and _sorted(body["data"]) == _sorted(det.json()["data"])
    assert len(llm.server.requests) == 1  # the deterministic question never reaches the LLM

    stored = await lab.h.as_(lab.admin, "GET", f"/api/v1/query/{body['id']}")
    assert stored.status_code == 200
    assert stored.json()["plan"]["planner"] == "llm"
    assert stored.json()["plan"]["llm_usage"]["tokens_in"] == 321
    row = lab.query_row(body["id"])
    assert (row.planner, row.tokens_in, row.tokens_out) == ("llm", 321, 45)
    assert row.llm_ms is not None and row.llm_ms > 0
    det_row = lab.query_row(det.json()["id"])
    assert (det_row.planner, det_row.tokens_in, det_row.llm_ms) == ("deterministic", None, None)


async def test_dimension_values_named_in_the_question_reach_the_prompt(lab: Lab, llm: LLM) -> None:
    await _configured(lab, llm)
    llm.script(
        semantic(
            metrics=["customer_count"],
            filters=[{"field": "segment", "op": "=", "values": ["Consumer"]}],
        )
    )
    r = await lab.ask("favourite colour of customers in the Consumer segment")
    assert r.status_code == 200, r.text
    (req,) = llm.server.requests
    assert data_section(req.last_user())["dimension_values"] == {"segment": ["Consumer"]}


async def test_malformed_json_is_repaired_and_answered(lab: Lab, llm: LLM) -> None:
    await _configured(lab, llm)
    llm.script(
        Scripted('{"kind": "semantic", "query": {"metrics": ["total_sales",]}'),
        semantic(metrics=["total_sales"]),
    )
    r = await lab.ask(REFUSED)
    assert r.status_code == 200, r.text
    assert r.json()["plan"]["planner"] == "llm" and len(r.json()["data"]) == 1
    assert len(llm.server.requests) == 2
    assert "not valid" in llm.server.requests[1].last_user()
    assert lab.query_row(r.json()["id"]).tokens_in == 100 + 321


async def test_prose_refusal_is_422_with_the_llms_reason(lab: Lab, llm: LLM) -> None:
    await _configured(lab, llm)
    llm.script(Scripted("Sorry, this data records no colour preferences for customers."))
    history = lab.history_count()
    r = await lab.ask(REFUSED)
    assert r.status_code == 422
    detail = r.json()["detail"]
    assert "no colour preferences" in detail["llm"]
    assert "colour" in detail["unmatched"]  # the parser's explanation is kept
    assert lab.executed == [] and lab.history_count() == history


# -- SQL written by the LLM ---------------------------------------------------------------------


async def test_valid_llm_sql_is_answered_capped_and_shown(lab: Lab, llm: LLM) -> None:
    await _configured(lab, llm)
    llm.script(cannot("no signup measure"), sql_reply(SIGNUPS))
    r = await lab.ask(SIGNUPS_Q)
    assert r.status_code == 200, r.text
    body = r.json()
    assert body["plan"]["planner"] == "llm"
    assert "signup_date" in body["sql"] and "LIMIT" in body["sql"].upper()
    assert [c["name"] for c in body["columns"]] == ["signup_year", "customers"]
    assert lab.executed == [body["sql"]]
    assert [list(d.values()) for d in body["data"]] == lab.run_sql(SIGNUPS)
    assert "no signup measure" in llm.server.requests[1].last_user()
    row = lab.query_row(body["id"])
    assert (row.sql, row.tokens_in) == (body["sql"], 200)


MALICIOUS = [
    "DROP TABLE orders",
    "SELECT 1; DROP TABLE x",
    "SELECT * FROM orders; DELETE FROM orders",
    "SELECT pg_read_file('/etc/passwd')",
    "SELECT * FROM read_csv_auto('/etc/passwd')",
    "SELECT * FROM staff_salaries",
    "COPY orders TO '/tmp/nexatron-exfil.csv'",
    "ATTACH '/tmp/nexatron-evil.duckdb' AS evil",
    "WITH x AS (DELETE FROM orders RETURNING *) SELECT * FROM x",
]


async def test_malicious_llm_sql_is_rejected_by_the_guard_and_never_runs(
    lab: Lab, llm: LLM
) -> None:
    await _configured(lab, llm)
    counts = lab.table_counts()
    history = lab.history_count()
    assert set(counts) >= {"orders", "customers"}
    for bad in MALICIOUS:
        lab.executed.clear()
        llm.script(cannot(), sql_reply(bad))
        r = await lab.ask(SIGNUPS_Q)
        assert r.status_code == 400, (bad, r.text)
        assert isinstance(r.json()["detail"], str) and r.json()["detail"]
        assert lab.executed == [], bad
        assert len(llm.server.requests) == 2 and not llm.server.replies
    assert lab.table_counts() == counts
    assert lab.history_count() == history
    assert not Path("/tmp/nexatron-exfil.csv").exists()


# -- one correction round after a database error -----------------------------------------------

BROKEN = "SELECT signup_year, COUNT(*) AS customers FROM customers GROUP BY 1"


async def test_database_error_gets_one_correction_round(lab: Lab, llm: LLM) -> None:
    await _configured(lab, llm)
    llm.script(cannot(), sql_reply(BROKEN), sql_reply(SIGNUPS, tokens_in=50))
    r = await lab.ask(SIGNUPS_Q)
    assert r.status_code == 200, r.text
    body = r.json()
    assert len(lab.executed) == 2 and lab.executed[0].startswith(BROKEN)
    assert lab.executed[1] == body["sql"] and "signup_date" in body["sql"]
    assert [list(d.values()) for d in body["data"]] == lab.run_sql(SIGNUPS)
    assert any("corrected" in w for w in body["warnings"])
    assert len(llm.server.requests) == 3
    fix = llm.server.requests[2].prompt_text()
    assert "signup_year" in fix and "database_error" in fix
    assert "signup_year" in fix.split('"database_error"', 1)[1]  # the error names the column
    row = lab.query_row(body["id"])
    assert row.tokens_in == 100 + 100 + 50 and row.sql == body["sql"]


@pytest.mark.parametrize(
    "second",
    [
        sql_reply("SELECT signup_month FROM customers"),
        Scripted('{"kind": "refusal", "reason": "cannot fix it"}'),
        sql_reply("DROP TABLE customers"),
    ],
    ids=["still-broken", "refused", "malicious"],
)
async def test_failed_correction_is_a_clean_4xx(lab: Lab, llm: LLM, second: Scripted) -> None:
    await _configured(lab, llm)
    counts = lab.table_counts()
    lab.executed.clear()
    llm.script(cannot(), sql_reply(BROKEN), second)
    r = await lab.ask(SIGNUPS_Q)
    assert 400 <= r.status_code < 500, r.text
    assert r.status_code == 400 and isinstance(r.json()["detail"], str)
    assert len(llm.server.requests) == 3  # exactly one correction round
    assert not any("DROP" in s for s in lab.executed) and len(lab.executed) <= 2
    assert lab.table_counts() == counts


# -- an unavailable provider ---------------------------------------------------------------------


async def test_slow_provider_is_503_within_the_timeout(lab: Lab, llm: LLM) -> None:
    await _configured(lab, llm, timeout_s=0.5, max_retries=0)
    llm.script(Scripted(semantic(metrics=["total_sales"]).text, delay_s=3.0))
    started = time.perf_counter()
    r = await lab.ask(REFUSED)
    elapsed = time.perf_counter() - started
    assert r.status_code == 503, r.text
    assert "timed out" in r.json()["detail"] and API_KEY not in r.text
    assert elapsed < 2.5
    assert lab.executed == []


async def test_provider_errors_are_503_after_bounded_retries(lab: Lab, llm: LLM) -> None:
    await _configured(lab, llm, max_retries=1)
    llm.script(Scripted(status=500), Scripted(status=500))
    r = await lab.ask(REFUSED)
    assert r.status_code == 503, r.text
    assert "500" in r.json()["detail"] and API_KEY not in r.text
    assert len(llm.server.requests) == 2


async def test_rejected_credentials_are_503_naming_the_key(lab: Lab, llm: LLM) -> None:
    await _configured(lab, llm)
    llm.script(Scripted(status=401))
    r = await lab.ask(REFUSED)
    assert r.status_code == 503 and "API key" in r.json()["detail"]
    assert API_KEY not in r.text


async def test_the_context_index_is_built_once_per_layer_and_schema(
    lab: Lab, llm: LLM, monkeypatch: pytest.MonkeyPatch
) -> None:
    from nexatron.nlq.llm import ContextIndex
    from nexatron.query import llm_path

    built: list[ContextIndex] = []

    class Counting(ContextIndex):
        def __init__(self, *args: Any) -> None:
            super().__init__(*args)
            built.append(self)

    monkeypatch.setattr(llm_path, "ContextIndex", Counting)
    await _configured(lab, llm)
    for metric in ("total_sales", "order_count"):
        llm.script(semantic(metrics=[metric]))
        r = await lab.ask(REFUSED)
        assert r.status_code == 200 and r.json()["plan"]["query"]["metrics"] == [metric]
    assert len(built) == 1
