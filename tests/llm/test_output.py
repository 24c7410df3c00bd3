"""Reply parsing, name validation, config secrets and the summary guard, without a server."""

from __future__ import annotations

import json

from hypothesis import given, settings
from hypothesis import strategies as st

from nexatron.nlq.llm import LLMConfig
from nexatron.nlq.llm.output import check_names, extract_json, parse_reply
from nexatron.nlq.llm.providers import Completion
from nexatron.nlq.llm.summary import checked_rephrasing
from nexatron.semantic.model import SemanticQuery

from .shop import shop_layer


def done(text: str, truncated: bool = False) -> Completion:
    return Completion(text=text, tokens_in=1, tokens_out=1, ms=1.0, truncated=truncated)


def test_extract_json_variants() -> None:
    obj = {"kind": "refusal", "reason": "a {brace} in a string"}
    text = json.dumps(obj)
    assert extract_json(text)[0] == obj
    assert extract_json(f"```\n{text}\n```")[0] == obj
    assert extract_json(f"Thinking... {{not json}} then {text} and {{}}")[0] == obj
    assert extract_json("[1, 2]")[0] is None
    assert extract_json('{"a": ')[1] == "the JSON object is not valid (Expecting value at char 6)"


def test_bare_query_object_is_accepted() -> None:
    reply = parse_reply(done('{"metrics": ["revenue"]}'), layer=shop_layer(), allow_sql=True)
    assert reply.kind == "semantic" and reply.query == SemanticQuery(metrics=["revenue"])


def test_pydantic_errors_are_reported_for_repair() -> None:
    text = json.dumps({"kind": "semantic", "query": {"metrics": ["revenue"], "limit": 0, "x": 1}})
    reply = parse_reply(done(text), layer=shop_layer(), allow_sql=True)
    assert reply.kind == "invalid"
    assert any(e.startswith("query.limit:") for e in reply.errors)
    assert any(e.startswith("query.x:") for e in reply.errors)


def test_unknown_kind_and_sql_when_disallowed() -> None:
    text = json.dumps({"kind": "sql", "sql": "SELECT 1"})
    reply = parse_reply(done(text), layer=shop_layer(), allow_sql=False)
    assert reply.kind == "invalid" and "semantic, cannot_express, refusal" in reply.errors[0]


def test_check_names_roles_and_values() -> None:
    q = SemanticQuery.model_validate(
        {
            "metrics": ["revenue"],
            "dimensions": ["country"],
            "time": {"dimension": "country", "grain": "month"},
            "filters": [{"field": "segment", "op": "between", "values": ["a"]},
                        {"field": "revenue", "op": "=", "values": [1]}],
            "metric_filters": [{"field": "country", "op": ">", "values": [{"x": 1}]}],
            "order": [{"field": "order_count"}],
        }
    )  # fmt: skip
    errors = check_names(q, shop_layer())
    assert errors == [
        'time.dimension "country" is not a time dimension',
        "filter on segment: between takes exactly two values",
        'unknown dimension "revenue" Use only dimension names listed in DATA.',
        'unknown metric "country" Use only metric names listed in DATA.',
        "metric filter on country: values must be plain strings, numbers or booleans",
        'order field "order_count" is not a selected metric or dimension',
    ]
    backwards = {
        "metrics": ["revenue"],
        "time": {"range": {"start": "2026-05-01", "end": "2026-04-01"}},
    }
    assert check_names(SemanticQuery.model_validate(backwards), shop_layer()) == [
        "time.range.start must be before time.range.end (half-open range)"
    ]
    mixed = {
        "metrics": ["revenue"],
        "time": {"range": {"start": "2026-03-01", "end": "2026-04-01T00:00:00"}},
    }
    assert check_names(SemanticQuery.model_validate(mixed), shop_layer()) == []
    assert check_names(SemanticQuery(), shop_layer()) == [
        "the query needs at least one metric or dimension"
    ]


@settings(max_examples=300, deadline=None)
@given(st.text())
def test_parsing_never_crashes_on_any_text(text: str) -> None:
    for layer in (shop_layer(), None):
        reply = parse_reply(done(text), layer=layer, allow_sql=True)
        assert reply.kind in {"semantic", "cannot_express", "sql", "refusal", "invalid"}


@settings(max_examples=200, deadline=None)
@given(
    st.recursive(
        st.none() | st.booleans() | st.integers() | st.text(max_size=5),
        lambda c: st.lists(c, max_size=3) | st.dictionaries(st.text(max_size=8), c, max_size=4),
    )
)
def test_parsing_never_crashes_on_any_json(value: object) -> None:
    for wrapped in (value, {"kind": "semantic", "query": value}, {"kind": "sql", "sql": value}):
        reply = parse_reply(done(json.dumps(wrapped)), layer=shop_layer(), allow_sql=True)
        assert reply.kind in {"semantic", "sql", "refusal", "invalid", "cannot_express"}


def test_config_secret_handling() -> None:
    cfg = LLMConfig(model="gpt-x", api_key="sk-secret-123", base_url="http://h:1/v1/")
    assert cfg.base_url == "http://h:1/v1" and "sk-secret-123" not in repr(cfg)
    assert "sk-secret-123" not in cfg.model_dump_json()
    public, secret = cfg.split()
    assert "api_key" not in public and secret == {"api_key": "sk-secret-123"}
    assert LLMConfig.join(public, secret) == cfg
    view = cfg.public_view()
    assert view["has_api_key"] is True and "sk-secret-123" not in json.dumps(view)
    kept = cfg.merged({"api_key": "********", "model": "gpt-y"})
    assert kept.api_key_value() == "sk-secret-123" and kept.model == "gpt-y"
    assert cfg.merged({"api_key": None}).api_key is None
    assert cfg.merged({"api_key": "sk-new"}).api_key_value() == "sk-new"
    assert (
        LLMConfig(provider="anthropic", model="c").effective_base_url == "https://api.anthropic.com"
    )
    assert LLMConfig.secret_fields == ("api_key",)


def test_summary_guard() -> None:
    facts = {"value": 1284350.0, "share": 0.42}
    draft = "Revenue was $1,284,350.00 (42% of the total)."
    ok = "At $1,284,350.00, revenue made up 42% of the total."
    assert checked_rephrasing(ok, facts, draft, truncated=False) == ok
    assert checked_rephrasing("Revenue was $1.3 million.", facts, draft, truncated=False) == draft
    assert checked_rephrasing(ok, facts, draft, truncated=True) == draft
    assert checked_rephrasing("a\nb", facts, draft, truncated=False) == draft
