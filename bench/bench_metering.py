"""What metering adds to answering a question, over HTTP to real servers (figures printed; not a
test).

Starts two `nexatron serve` processes on fresh metadata stores with the demo (SQLite by default,
or each in its own PostgreSQL schema with --postgres):
- metering on: NEXATRON_METERING=1, the default plan with monthly question and LLM-token quotas
  (so every question takes and checks a quota unit), and NEXATRON_OPENMETER_URL pointing at a
  local endpoint that accepts everything (so every event also gets an outbox row, delivered by
  the exporter thread while the bench runs);
- metering off: NEXATRON_METERING=0, no quotas, no exporter.
Both keep the analytics rollups (they are not metering). Then sends, interleaved so drift hits
both alike, POST /api/v1/query with a repeated question (the result cache answers it: the
cheapest answer, where an addition shows most) and GET /api/v1/auth/me (the floor: no question).
Prints p50/p95 and the p50 that metering adds. Goal: <= 0.1 ms at p50.

    .venv/bin/python bench/bench_metering.py [--requests 1000] [--postgres]
"""

from __future__ import annotations

import argparse
import dataclasses
import json
import statistics
import tempfile
import threading
import time
from collections.abc import Iterator
from contextlib import contextmanager
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer
from pathlib import Path
from typing import Any

import httpx
from servers import first_run_server, pct, pg_schema

QUESTION = "What were total sales last quarter?"


@contextmanager
def sink() -> Iterator[tuple[str, list[int]]]:
    """A billing endpoint on 127.0.0.1 that accepts every event; yields its URL and a counter."""
    received = [0]

    class Handler(BaseHTTPRequestHandler):
        def log_message(self, *args: Any) -> None:
            return

        def do_POST(self) -> None:
            self.rfile.read(int(self.headers.get("content-length", 0)))
            received[0] += 1
            self.send_response(200)
            self.send_header("content-length", "0")
            self.end_headers()

    server = ThreadingHTTPServer(("127.0.0.1", 0), Handler)
    threading.Thread(target=server.serve_forever, daemon=True).start()
    try:
        yield f"http://127.0.0.1:{server.server_address[1]}/api/v1/events", received
    finally:
        server.shutdown()
        server.server_close()


def run(n: int, postgres: bool) -> None:
    plans = {"default": {"questions_per_month": 10_000_000, "llm_tokens_per_month": 10**12}}
    with (
        sink() as (sink_url, received),
        tempfile.TemporaryDirectory() as on_dir,
        tempfile.TemporaryDirectory() as off_dir,
        pg_schema(postgres) as on_url,
        pg_schema(postgres) as off_url,
    ):
        on_env = {
            "NEXATRON_DEMO": "1",
            "NEXATRON_METERING": "1",
            "NEXATRON_PLANS": json.dumps(plans),
            "NEXATRON_OPENMETER_URL": sink_url,
            "NEXATRON_USAGE_EXPORT_INTERVAL_S": "0.5",
        }
        off_env = {"NEXATRON_DEMO": "1", "NEXATRON_METERING": "0"}
        with (
            first_run_server(Path(on_dir), on_env, on_url) as (
                on_base,
                on_key,
            ),
            first_run_server(Path(off_dir), off_env, off_url) as (
                off_base,
                off_key,
            ),
            httpx.Client(timeout=30) as http,
        ):
            targets = {
                "metering on": (on_base, {"Authorization": f"Bearer {on_key}"}),
                "metering off": (off_base, {"Authorization": f"Bearer {off_key}"}),
            }
            samples: dict[str, list[float]] = {}
            quota_seen = False
            for i in range(n + 100):
                for label, (base, headers) in targets.items():
                    ask = {"question": QUESTION}
                    for kind, method, url, body in (
                        ("POST /query (cached)", "POST", f"{base}/api/v1/query", ask),
                        ("GET /auth/me", "GET", f"{base}/api/v1/auth/me", None),
                    ):
                        start = time.perf_counter()
                        r = http.request(method, url, headers=headers, json=body)
                        elapsed = (time.perf_counter() - start) * 1000
                        assert r.status_code == 200, (label, kind, r.status_code, r.text)
                        quota_seen |= "x-quota-remaining" in r.headers
                        if i >= 100:
                            samples.setdefault(f"{kind}, {label}", []).append(elapsed)
            time.sleep(1.5)  # the exporter's next pass
            billed = http.get(f"{on_base}/api/v1/billing", headers=targets["metering on"][1]).json()
    store = "PostgreSQL" if postgres else "SQLite"
    print(f"\nMetering cost, metadata on {store}, {n} requests per row (real servers over HTTP)")
    print(f"{'request':<40}{'p50 ms':>9}{'p95 ms':>9}")
    for name, values in samples.items():
        print(f"{name:<40}{statistics.median(values):>9.3f}{pct(values, 0.95):>9.3f}")
    med = {k: statistics.median(v) for k, v in samples.items()}
    added = med["POST /query (cached), metering on"] - med["POST /query (cached), metering off"]
    floor = med["GET /auth/me, metering on"] - med["GET /auth/me, metering off"]
    print(f"p50 added by metering on POST /query: {added:+.3f} ms")
    print(f"floor (same servers, GET /auth/me):   {floor:+.3f} ms")
    print(
        f"metered: {billed['usage']['questions']} questions in the ledger; quota headers seen: "
        f"{quota_seen}; events delivered to the local sink so far: {received[0]}"
    )


def direct(n: int) -> None:
    """In-process, less noise: what the request path runs for metering (take a quota unit, its
    headers, build the usage fact) per question; and what the history writer spends per question
    on the ledger and the outbox (off the request path) with metering on vs off."""
    import datetime as dt

    from nexatron.identity.roles import Principal
    from nexatron.services import build_services
    from nexatron.testing import add_tenant, make_settings
    from nexatron.usage.facts import UsageFact
    from nexatron.usage.quota import Quotas
    from nexatron.usage.writer import UsageWriter

    plans = {"default": {"questions_per_month": 10**9, "llm_tokens_per_month": 10**12}}
    with tempfile.TemporaryDirectory() as tmp:
        settings, _ = make_settings(
            Path(tmp), plans=plans, openmeter_url="http://127.0.0.1:9/none", metering=True
        )
        services = build_services(settings)
        tenant = add_tenant(services, "Bench")
        principal = Principal(tenant_id=tenant.id, user_id=tenant.admin.user_id, role="admin")
        quotas = Quotas(settings, services.db)
        quotas.admit(principal)  # seeded from the ledger once

        def request_path() -> UsageFact:
            ticket = quotas.admit(principal)
            assert ticket is not None
            ticket.headers()
            return UsageFact(
                query_id="qry_x", tenant_id=tenant.id, user_id=principal.user_id,
                api_key_id="key_x", connection_id="conn_x", connection_type="duckdb",
                planner="deterministic", status="answered", question=QUESTION,
                occurred_at=dt.datetime.now(dt.UTC), latency_ms=3.2, rows=1,
            )  # fmt: skip

        times = []
        for _ in range(n * 10):
            start = time.perf_counter()
            request_path()
            times.append((time.perf_counter() - start) * 1e6)
        print(f"\nIn-process request path (quota unit + headers + fact), {n * 10} questions:")
        print(f"p50 {statistics.median(times):.1f} us, p95 {pct(times, 0.95):.1f} us")

        writers = {
            "metering on": UsageWriter(settings),
            "metering off": UsageWriter(settings.model_copy(update={"metering": False})),
        }
        spent: dict[str, list[float]] = {k: [] for k in writers}
        per_batch = 50  # the history writer's batches under load (up to 256)
        for i in range(n // per_batch * 2):
            for label, writer in writers.items():
                facts: list[object] = [
                    dataclasses.replace(request_path(), query_id=f"qry_{label[-2:]}{i}_{j}")
                    for j in range(per_batch)
                ]
                start = time.perf_counter()
                with services.db.begin() as conn:
                    writer.write_many(conn, facts)
                spent[label].append((time.perf_counter() - start) * 1000 / per_batch)
        med = {k: statistics.median(v) for k, v in spent.items()}
        print(
            f"History writer per question (batches of {per_batch}, SQLite): metering on "
            f"{med['metering on']:.3f} ms, off {med['metering off']:.3f} ms (rollups only); "
            f"the ledger and outbox add {med['metering on'] - med['metering off']:+.3f} ms "
            "in the writer thread, not on the request path"
        )
        services.close()


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__)
    parser.add_argument("--requests", type=int, default=1000)
    parser.add_argument("--postgres", action="store_true", help="metadata on the local PostgreSQL")
    parser.add_argument("--skip-servers", action="store_true", help="only the in-process part")
    args = parser.parse_args()
    direct(args.requests)
    if not args.skip_servers:
        run(args.requests, args.postgres)


if __name__ == "__main__":
    main()
