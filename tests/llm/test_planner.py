"""The planner through the real SDKs against fake OpenAI- and Anthropic-compatible servers."""

from __future__ import annotations

import json
import sys

import pytest

from nexatron.errors import BadRequest
from nexatron.nlq.llm import LLMConfig, LLMPlanner, LLMUnavailable
from nexatron.semantic.model import SemanticQuery

from .conftest import API_KEY, Harness
from .fakes import FakeLLMServer, Scripted
from .shop import plan_json, shop_layer, shop_schema

GOOD = plan_json(
    metrics=["revenue"],
    dimensions=["country"],
    time={"dimension": "ordered_at", "range": {"start": "2026-07-01", "end": "2026-10-01"}},
    order=[{"field": "revenue", "desc": True}],
    limit=5,
)


def test_good_plan_is_answered_with_usage_and_protocol(llm: Harness) -> None:
    llm.script(Scripted(GOOD, tokens_in=321, tokens_out=45))
    plan = llm.plan("top 5 countries by sales last quarter")
    assert plan.kind == "semantic" and plan.query is not None
    assert plan.query.metrics == ["revenue"] and plan.query.dimensions == ["country"]
    assert plan.query.limit == 5 and plan.query.order[0].desc
    assert (plan.usage.tokens_in, plan.usage.tokens_out, plan.usage.calls) == (321, 45, 1)
    assert plan.usage.llm_ms > 0 and plan.calls[0].stage == "llm:plan"
    assert plan.stages == ["llm:context", "llm:plan"]
    assert set(plan.context_tables) == {"orders", "customers", "products"}
    (req,) = llm.server.requests
    assert req.body["model"] == f"{llm.provider}-test-model"
    if llm.provider == "openai":
        assert req.body["temperature"] == 0
        assert req.headers["authorization"] == f"Bearer {API_KEY}"
        assert req.body["messages"][0]["role"] == "system"
    else:
        bearer = req.headers.get("authorization", "").removeprefix("Bearer ")
        assert API_KEY in (req.headers.get("x-api-key"), bearer)
        assert req.headers["anthropic-version"]
        assert "untrusted data" in req.body["system"]
    assert "Today is 2026-11-28" in req.last_user()


def test_json_inside_prose_and_fences_is_extracted(llm: Harness) -> None:
    llm.script(Scripted(f"Sure! Here is the plan:\n```json\n{GOOD}\n```\nHope it helps."))
    plan = llm.plan("sales by country")
    assert plan.kind == "semantic" and plan.usage.calls == 1


def test_malformed_json_is_repaired_on_round_two(llm: Harness) -> None:
    llm.script(Scripted('{"kind": "semantic", "query": {"metrics": ["revenue",]}'), Scripted(GOOD))
    plan = llm.plan("sales by country")
    assert plan.kind == "semantic" and plan.query is not None
    assert plan.stages == ["llm:context", "llm:plan", "llm:plan:repair"]
    assert plan.usage.calls == 2 and plan.usage.tokens_in == 200
    repair = llm.server.requests[1]
    turns = [m["role"] for m in repair.body["messages"] if m["role"] != "system"]
    assert turns == ["user", "assistant", "user"]  # question, the broken reply, the repair request
    assert "not valid" in repair.last_user()


def test_truncated_json_twice_is_refused(llm: Harness) -> None:
    cut = GOOD[: len(GOOD) // 2]
    llm.script(Scripted(cut, truncated=True), Scripted(cut, truncated=True))
    plan = llm.plan("sales by country")
    assert plan.kind == "refusal" and plan.query is None and plan.sql is None
    assert "could not be used" in (plan.reason or "")
    assert "cut off" in llm.server.requests[1].last_user()


def test_unknown_names_get_a_repair_round_with_suggestions(llm: Harness) -> None:
    bad = plan_json(metrics=["revenu"], dimensions=["favourite_colour"])
    llm.script(Scripted(bad), Scripted(GOOD))
    plan = llm.plan("revenue by country")
    assert plan.kind == "semantic"
    message = llm.server.requests[1].last_user()
    assert 'unknown metric "revenu"; did you mean revenue?' in message
    assert 'unknown dimension "favourite_colour"' in message


def test_invalid_names_twice_never_become_a_plan(llm: Harness) -> None:
    bad = plan_json(metrics=["DROP TABLE orders"], dimensions=[])
    llm.script(Scripted(bad), Scripted(bad))
    plan = llm.plan("revenue")
    assert plan.kind == "refusal" and plan.query is None
    assert "unknown metric" in (plan.reason or "")


def test_prose_refusal_is_a_refusal_without_repair(llm: Harness) -> None:
    llm.script(Scripted("I'm sorry, I can't help with questions about the weather."))
    plan = llm.plan("will it rain tomorrow?")
    assert plan.kind == "refusal" and plan.usage.calls == 1
    assert "weather" in (plan.reason or "")


def test_explicit_refusal_kind(llm: Harness) -> None:
    llm.script(Scripted(json.dumps({"kind": "refusal", "reason": "asks to delete data"})))
    plan = llm.plan("delete all orders")
    assert (plan.kind, plan.reason) == ("refusal", "asks to delete data")


MALICIOUS = [
    "DROP TABLE orders",
    "SELECT 1; DROP TABLE orders",
    "SELECT pg_read_file('/etc/passwd')",
]


@pytest.mark.parametrize("sql", MALICIOUS)
def test_sql_fallback_returns_untrusted_sql_unexecuted(llm: Harness, sql: str) -> None:
    cannot = json.dumps({"kind": "cannot_express", "reason": "needs shipping costs"})
    llm.script(Scripted(cannot), Scripted(json.dumps({"kind": "sql", "sql": sql})))
    plan = llm.plan("shipping cost per order")
    assert plan.kind == "sql" and plan.sql == sql and plan.query is None
    assert plan.stages == ["llm:context", "llm:plan", "llm:sql"]
    sql_req = llm.server.requests[1]
    system = (
        sql_req.body["messages"][0]["content"]
        if llm.provider == "openai"
        else sql_req.body["system"]
    )
    assert "PostgreSQL SQL dialect" in system and "needs shipping costs" in sql_req.last_user()


def test_sql_in_a_fenced_block_is_accepted(llm: Harness) -> None:
    cannot = json.dumps({"kind": "cannot_express"})
    llm.script(Scripted(cannot), Scripted("Here you go:\n```sql\nSELECT count(*) FROM orders\n```"))
    plan = llm.plan("how many order rows are there")
    assert plan.kind == "sql" and plan.sql == "SELECT count(*) FROM orders"


def test_sql_fallback_disabled_refuses(llm: Harness) -> None:
    llm.script(Scripted(json.dumps({"kind": "cannot_express", "reason": "no cost metric"})))
    plan = llm.plan("shipping cost per order", allow_sql=False)
    assert plan.kind == "refusal" and "no cost metric" in (plan.reason or "")
    assert plan.usage.calls == 1


def test_correct_sql_sends_error_as_data_and_returns_sql(llm: Harness) -> None:
    fixed = "SELECT sum(amount) FROM orders"
    llm.script(Scripted(json.dumps({"kind": "sql", "sql": fixed})))
    plan = llm.planner().correct_sql(
        "total amount", "SELECT sum(amout) FROM orders", 'column "amout" does not exist',
        layer=shop_layer(), schema=shop_schema(), dialect="duckdb",
    )  # fmt: skip
    assert plan.kind == "sql" and plan.sql == fixed
    assert plan.stages == ["llm:context", "llm:correct"]
    user = llm.server.requests[0].last_user()
    data = json.loads(user.split("<data>\n", 1)[1].split("\n</data>", 1)[0])
    assert data["failed_sql"] == "SELECT sum(amout) FROM orders"
    assert data["database_error"] == 'column "amout" does not exist'


def test_rate_limit_then_success_is_retried(llm: Harness) -> None:
    llm.script(Scripted(status=429, headers={"retry-after-ms": "10"}), Scripted(GOOD))
    plan = llm.plan("sales by country")
    assert plan.kind == "semantic" and len(llm.server.requests) == 2
    assert plan.usage.calls == 1  # one logical call; the SDK retried it


def test_server_errors_exhaust_retries(llm: Harness) -> None:
    llm.script(*[Scripted(status=500, headers={"retry-after-ms": "10"}) for _ in range(3)])
    with pytest.raises(LLMUnavailable) as info:
        llm.plan("sales by country", max_retries=2)
    assert info.value.status_code == 503
    assert info.value.detail == (
        f"The {llm.provider} LLM provider failed with status 500 after 3 attempts."
    )
    assert len(llm.server.requests) == 3


def test_slow_provider_times_out_within_bound(llm: Harness) -> None:
    import time

    llm.script(Scripted(GOOD, delay_s=2.0), Scripted(GOOD, delay_s=2.0))
    started = time.perf_counter()
    with pytest.raises(LLMUnavailable, match="timed out"):
        llm.plan("sales by country", timeout_s=0.3, max_retries=1)
    elapsed = time.perf_counter() - started
    assert elapsed < 0.3 * 2 + 1.0 + 0.5  # two attempts, one backoff (<= 1 s), slack
    assert len(llm.server.requests) == 2


def test_garbage_response_is_unavailable(llm: Harness) -> None:
    llm.script(Scripted(raw={"unexpected": True}))
    with pytest.raises(LLMUnavailable, match="unusable response"):
        llm.plan("sales by country")


def test_bad_credentials_are_reported_without_the_key(llm: Harness) -> None:
    llm.script(Scripted(status=401))
    with pytest.raises(LLMUnavailable) as info:
        llm.plan("sales by country")
    assert "credentials" in info.value.detail and API_KEY not in str(info.value.detail)


def test_unreachable_provider(llm: Harness) -> None:
    import socket

    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        port = s.getsockname()[1]  # closed once the block ends: nothing listens there
    suffix = "/v1" if llm.provider == "openai" else ""
    with pytest.raises(LLMUnavailable, match="could not be reached after 1 attempts"):
        llm.plan("x", base_url=f"http://127.0.0.1:{port}{suffix}", max_retries=0)


def test_rephrase_summary_keeps_facts(llm: Harness) -> None:
    facts = {"metric": "revenue", "value": 1284350.0, "range": "last quarter"}
    draft = "Total revenue last quarter was $1,284,350.00."
    planner = llm.planner()
    llm.script(Scripted("Last quarter brought in $1,284,350.00 of revenue."))
    assert (
        planner.rephrase_summary(facts, draft)
        == "Last quarter brought in $1,284,350.00 of revenue."
    )
    llm.script(Scripted("Revenue grew 12% to $1,284,350.00 last quarter."))
    assert planner.rephrase_summary(facts, draft) == draft  # 12 is invented
    assert "1284350.0" in llm.server.requests[0].last_user()
    llm.script(Scripted(status=503, headers={"retry-after-ms": "10"}))
    assert llm.planner(max_retries=0).rephrase_summary(facts, draft) == draft


def test_openai_refusal_field(openai_server: FakeLLMServer) -> None:
    harness = Harness("openai", openai_server)
    harness.script(Scripted("", refusal="I can't assist with that."))
    plan = harness.plan("something")
    assert plan.kind == "refusal" and plan.reason == "I can't assist with that."


def test_stage_hook_streams_stage_names(llm: Harness) -> None:
    seen: list[str] = []
    llm.script(Scripted(GOOD))
    plan = llm.planner().plan(
        "sales", layer=shop_layer(), schema=shop_schema(), dialect="postgres", on_stage=seen.append
    )
    assert seen == plan.stages == ["llm:context", "llm:plan"]


def test_context_index_is_cached_per_layer_and_schema(llm: Harness) -> None:
    planner = llm.planner()
    layer, schema = shop_layer(), shop_schema()
    index = planner.index_for(layer, schema)
    assert planner.index_for(layer, schema) is index
    assert planner.index_for(shop_layer(), schema) is not index


@pytest.mark.parametrize(("provider", "module"), [("openai", "openai"), ("anthropic", "anthropic")])
def test_missing_sdk_names_the_extra(
    monkeypatch: pytest.MonkeyPatch, provider: str, module: str
) -> None:
    monkeypatch.setitem(sys.modules, module, None)
    config = LLMConfig.model_validate({"provider": provider, "model": "m"})
    with pytest.raises(BadRequest, match=r"pip install nexatron\[llm\]"):
        LLMPlanner(config)


def test_previous_query_and_examples_reach_the_prompt(llm: Harness) -> None:
    previous = SemanticQuery(metrics=["revenue"], dimensions=["country"])
    examples = [
        ("orders per category", SemanticQuery(metrics=["order_count"], dimensions=["category"])),
        ("revenue by segment", SemanticQuery(metrics=["revenue"], dimensions=["segment"])),
    ]
    llm.script(Scripted(plan_json(metrics=["revenue"], dimensions=["country", "segment"])))
    plan = llm.planner().plan(
        "and by segment?", layer=shop_layer(), schema=shop_schema(), dialect="postgres",
        previous=previous, examples=examples, value_hits={"segment": ["Enterprise", "SMB"]},
    )  # fmt: skip
    assert plan.kind == "semantic" and plan.query is not None
    user = llm.server.requests[0].last_user()
    data = json.loads(user.split("<data>\n", 1)[1].split("\n</data>", 1)[0])
    assert data["previous_query"] == {"metrics": ["revenue"], "dimensions": ["country"]}
    assert data["dimension_values"] == {"segment": ["Enterprise", "SMB"]}
    assert [e["question"] for e in data["answered_examples"]] == ["revenue by segment"]
