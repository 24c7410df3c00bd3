"""Request ids, log lines and Prometheus metrics, seen from outside: headers, captured log
output, and the /metrics exposition after real requests (bounded labels, no tenant ids)."""

from __future__ import annotations

import io
import json
import logging
import re
import secrets
from collections.abc import Iterator
from typing import Any

import pytest

from nexatron.identity.operators import create_operator_key
from nexatron.observability.logs import JsonFormatter, RequestContext, logging_config
from nexatron.observability.requestid import accept_request_id
from nexatron.testing import Harness

from .query_support import TOTAL_LAST_QUARTER, ask

pytestmark = pytest.mark.anyio


def operator_headers(harness: Harness) -> dict[str, str]:
    with harness.services.db.begin() as conn:
        _record, key = create_operator_key(conn, harness.services.settings.secret_key, "metrics")
    return {"Authorization": f"Bearer {key}"}


@pytest.fixture
def json_logs() -> Iterator[io.StringIO]:
    """Everything logged while the test runs, as the JSON lines NEXATRON_LOG_FORMAT=json writes."""
    out = io.StringIO()
    handler = logging.StreamHandler(out)
    handler.setFormatter(JsonFormatter())
    handler.addFilter(RequestContext())
    root = logging.getLogger()
    old_level = root.level
    root.addHandler(handler)
    root.setLevel(logging.INFO)
    try:
        yield out
    finally:
        root.removeHandler(handler)
        root.setLevel(old_level)


def lines(out: io.StringIO) -> list[dict[str, Any]]:
    return [json.loads(line) for line in out.getvalue().splitlines() if line.strip()]


def test_request_id_validation() -> None:
    assert accept_request_id("abc-123_x.y:z") == "abc-123_x.y:z"
    assert accept_request_id("a" * 128) == "a" * 128
    for bad in (None, "", "a" * 129, "has space", 'q"uote', "new\nline", "é"):
        generated = accept_request_id(bad)
        assert re.fullmatch(r"req_[0-9a-f]{24}", generated), bad


async def test_request_id_echoed_or_replaced_on_every_response(harness: Harness) -> None:
    analyst = harness.tenant.analyst
    r = await harness.as_(analyst, "GET", "/api/v1/auth/me", headers={"X-Request-ID": "trace-42"})
    assert r.status_code == 200 and r.headers["X-Request-ID"] == "trace-42"
    r = await harness.client.get("/api/v1/auth/me", headers={"X-Request-ID": "bad id <script>"})
    assert r.status_code == 401 and r.headers["X-Request-ID"].startswith("req_")
    r = await harness.client.get("/no/such/path", headers={"X-Request-ID": "nf-1"})
    assert r.status_code == 404 and r.headers["X-Request-ID"] == "nf-1"
    # Refusals before routing: 413 (body) and 431 (headers) carry it too.
    big = "x" * (harness.services.settings.max_body_bytes + 10)
    r = await harness.as_(
        analyst, "POST", "/api/v1/query", content=big, headers={"X-Request-ID": "big-1"}
    )
    assert r.status_code == 413 and r.headers["X-Request-ID"] == "big-1"
    many = {f"x-h{i}": "v" for i in range(harness.services.settings.max_header_count + 5)}
    r = await harness.client.get("/healthz", headers={**many, "X-Request-ID": "hdr-1"})
    assert r.status_code == 431 and r.headers["X-Request-ID"] == "hdr-1"


async def test_json_access_line_carries_request_context(
    harness: Harness, demo: str, json_logs: io.StringIO
) -> None:
    analyst = harness.tenant.analyst
    body = {"question": TOTAL_LAST_QUARTER, "connection_id": demo}
    response = await harness.as_(
        analyst, "POST", "/api/v1/query", json=body, headers={"X-Request-ID": "q-77"}
    )
    assert response.status_code == 200, response.text
    # The history row records the request that asked.
    from sqlalchemy import select

    from nexatron.query.service import query_service
    from nexatron.store.tables import queries

    query_service(harness.services).recorder.flush()
    with harness.services.db.connect() as conn:
        row = conn.execute(
            select(queries.c.request_id).where(queries.c.id == response.json()["id"])
        ).one()
    assert row.request_id == "q-77"
    access = [e for e in lines(json_logs) if e["logger"] == "nexatron.access"]
    mine = [e for e in access if e["request_id"] == "q-77"]
    assert len(mine) == 1
    line = mine[0]
    assert line["tenant"] == harness.tenant.id
    assert line["route"] == "/api/v1/query" and line["method"] == "POST"
    assert line["status"] == 200 and line["duration_ms"] > 0
    assert line["level"] == "info" and line["time"].endswith("Z")
    text = json_logs.getvalue()
    assert analyst.key not in text  # no credential in any line
    assert TOTAL_LAST_QUARTER not in text  # question text only at DEBUG


def test_logging_config_formats(capsys: pytest.CaptureFixture[str]) -> None:
    import logging.config

    root = logging.getLogger()
    saved = root.handlers[:], root.level
    try:
        logging.config.dictConfig(logging_config("json", "info"))
        logging.getLogger("nexatron.test").info("hello %s", "there")
        line = json.loads(capsys.readouterr().err.strip().splitlines()[-1])
        assert line["message"] == "hello there" and line["request_id"] == "-"
        logging.config.dictConfig(logging_config("text", "info"))
        logging.getLogger("nexatron.test").info("plain")
        assert "INFO nexatron.test [- -] plain" in capsys.readouterr().err
    finally:
        root.handlers[:], _ = saved[0], None
        root.setLevel(saved[1])


async def test_metrics_need_the_operator_key(harness: Harness) -> None:
    assert (await harness.client.get("/metrics")).status_code == 401
    r = await harness.as_(harness.tenant.admin, "GET", "/metrics")
    assert r.status_code == 403
    r = await harness.client.get("/metrics", headers=operator_headers(harness))
    assert r.status_code == 200
    assert r.headers["content-type"].startswith("text/plain")
    assert "nexatron_http_request_duration_seconds_bucket" in r.text


SAMPLE = re.compile(r"^(?P<name>[a-z_]+)\{(?P<labels>.*)\} ")


def label_sets(text: str) -> dict[str, set[str]]:
    found: dict[str, set[str]] = {}
    for line in text.splitlines():
        match = SAMPLE.match(line)
        if match and match["name"].startswith("nexatron_"):
            found.setdefault(match["name"], set()).add(match["labels"])
    return found


async def test_metric_labels_stay_bounded(harness: Harness, demo: str) -> None:
    op = operator_headers(harness)
    before = label_sets((await harness.client.get("/metrics", headers=op)).text)
    for actor in (harness.tenant.analyst, harness.other.admin):
        for i in range(15):
            question = f"total sales by {secrets.token_hex(4)} number {i}"
            await ask(
                harness,
                actor,
                question,
                connection_id=demo if actor.tenant_id == harness.tenant.id else None,
            )
            await harness.as_(actor, "GET", f"/api/v1/query/{secrets.token_hex(6)}")
            await harness.as_(actor, "GET", f"/nowhere/{secrets.token_hex(6)}")
    await ask(harness, harness.tenant.analyst, TOTAL_LAST_QUARTER, connection_id=demo)
    text = (await harness.client.get("/metrics", headers=op)).text
    after = label_sets(text)
    for tenant in (harness.tenant.id, harness.other.id):
        assert tenant not in text
    assert "total sales by" not in text and "/nowhere/" not in text
    # The registry is the process's: earlier tests left their routes in it, so count what these
    # 90 distinct paths added.
    bucket = "nexatron_http_request_duration_seconds_bucket"
    routes = {
        m["route"]
        for labels in after[bucket] - before.get(bucket, set())
        for m in [dict(re.findall(r'(\w+)="([^"]*)"', labels))]
    }
    seen = {
        m["route"]
        for labels in after[bucket]
        for m in [dict(re.findall(r'(\w+)="([^"]*)"', labels))]
    }
    assert "/api/v1/query/{query_id}" in seen and "unmatched" in seen
    assert len(routes) <= 12, routes  # 90 distinct paths: a handful of templates
    answers = after["nexatron_answers_total"]
    assert any('outcome="answered"' in a for a in answers)
    assert len(answers) <= 16  # planners x outcomes, whatever the questions
    grown = {name: len(after.get(name, set()) - before.get(name, set())) for name in after}
    assert max(grown.values()) <= 60, grown  # buckets x a few routes, not x requests
    assert any(n.startswith("nexatron_statement_duration_seconds") for n in after)
    assert any('result="hit"' in s for s in after["nexatron_result_cache_lookups_total"]) or any(
        'result="miss"' in s for s in after["nexatron_result_cache_lookups_total"]
    )


async def test_otel_spans_per_stage(harness: Harness, demo: str) -> None:
    from opentelemetry.sdk.trace import TracerProvider
    from opentelemetry.sdk.trace.export import SimpleSpanProcessor
    from opentelemetry.sdk.trace.export.in_memory_span_exporter import InMemorySpanExporter

    from nexatron.observability import tracing

    assert not tracing.enabled()  # off by default
    exporter = InMemorySpanExporter()
    provider = TracerProvider()
    provider.add_span_processor(SimpleSpanProcessor(exporter))
    tracing.enable(provider)
    try:
        question = "What were total sales last quarter by region?"
        r = await ask(harness, harness.tenant.analyst, question, connection_id=demo)
        assert r.status_code == 200, r.text
    finally:
        tracing.disable()
    spans = exporter.get_finished_spans()
    names = [s.name for s in spans]
    for stage in ("gateway", "understand", "compile", "guard", "execute", "answer", "record"):
        assert stage in names, names
    gateway = next(s for s in spans if s.name == "gateway")
    execute = next(s for s in spans if s.name == "execute")
    assert execute.attributes["db.system"] == "duckdb"
    assert execute.attributes["nexatron.engine"]
    assert execute.context.trace_id == gateway.context.trace_id  # one trace per request
    exporter.clear()
    await ask(harness, harness.tenant.analyst, question, connection_id=demo)
    assert exporter.get_finished_spans() == ()  # off again: nothing recorded


async def test_store_errors_are_logged_without_their_parameters(
    harness: Harness, demo: str, json_logs: io.StringIO
) -> None:
    """A history row that cannot be written and an unhandled store error are logged at ERROR
    with their exception, but the statement's parameters (the question) are not in the log."""
    from sqlalchemy import select

    from nexatron.query.service import query_service
    from nexatron.store.tables import queries

    question = TOTAL_LAST_QUARTER
    answered = await ask(harness, harness.tenant.analyst, question, connection_id=demo)
    assert answered.status_code == 200, answered.text
    recorder = query_service(harness.services).recorder
    recorder.flush()
    with harness.services.db.connect() as conn:
        row = conn.execute(select(queries).where(queries.c.id == answered.json()["id"])).one()
    stored = dict(row._mapping)
    assert stored["question"] == question

    def write_it_again() -> None:  # the same id: the store refuses it
        with harness.services.db.begin() as conn:
            conn.execute(queries.insert().values(**stored))

    recorder.submit(lambda conn: conn.execute(queries.insert().values(**stored)))
    recorder.flush()
    harness.app.app.add_api_route("/api/v1/test-store-error", write_it_again, methods=["POST"])
    failed = await harness.as_(harness.tenant.analyst, "POST", "/api/v1/test-store-error")
    assert failed.status_code == 500

    logged = {e["message"]: e for e in lines(json_logs) if e["level"] == "error"}
    for message in ("a history row could not be written", "unhandled error"):
        assert "IntegrityError" in logged[message]["exception"], logged
    assert question not in json_logs.getvalue()


def test_otel_warns_when_no_sdk_provider_is_configured() -> None:
    """Without `opentelemetry-instrument` (or a provider passed in) the global provider is the
    API's no-op one and every span is dropped: NEXATRON_OTEL=1 says so instead of staying silent.
    A fresh process, since a global provider can be set only once."""
    import subprocess
    import sys

    from nexatron.observability.tracing import NO_PROVIDER

    code = (
        "from opentelemetry.sdk.trace import TracerProvider\n"
        "from nexatron.observability import tracing\n"
        "tracing.enable()\n"  # the global provider: none configured
        "tracing.enable(TracerProvider())\n"  # an SDK provider: no warning
    )
    done = subprocess.run([sys.executable, "-c", code], capture_output=True, text=True, timeout=60)
    assert done.returncode == 0, done.stderr
    assert done.stderr.count(NO_PROVIDER) == 1, done.stderr
