"""Three `nexatron serve` processes behind HAProxy, sharing a fresh PostgreSQL database and a
private Redis (tests/platform/cluster.py). Through the proxy and on each node directly: a revoked
key, one rate-limit budget, follow-ups and the result cache across nodes, the tenant's query-slot
cap across nodes, complete history, and faults under load: store connections terminated, Redis
stopped and restarted (a fourth node failing closed answers 503 meanwhile), kill -9 of a node
(restarted, it replays its journal: no answered request lacks its history row or ledger event)
and a graceful shutdown."""

from __future__ import annotations

import json
import secrets
import threading
import time
from collections.abc import Callable, Iterator
from concurrent.futures import ThreadPoolExecutor
from dataclasses import dataclass
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer
from pathlib import Path
from typing import Any

import httpx
import pytest
from sqlalchemy import text

from nexatron.testing import metadata_backend

from .cluster import Cluster, Node, cluster, free_port, wait_until

# Its store is always PostgreSQL: run once, in the PostgreSQL pass of scripts/test.
pytestmark = [
    pytest.mark.slow,
    pytest.mark.skipif(metadata_backend() != "postgres", reason="runs in the PostgreSQL pass"),
]

QUESTIONS = ("What were total sales last quarter?", "total sales by region", "orders by month")
PLANS = '{"default": "1000000/minute", "tiny": "12/minute"}'
TENANT_PLANS = '{"default": "1000000/minute", "tiny": "100000/minute"}'
# NEXATRON_MAX_CONCURRENT_QUERIES_PER_TENANT on every node: fewer than the nodes, so neither a
# cap per process (up to 2 x 3 at once) nor calls serialised per node (3) would stay within it.
SLOT_CAP = 2
LLM_HOLD_S = 0.8  # how long the fake LLM takes to answer


class SlowLLM:
    """A fake OpenAI-compatible endpoint (the true external boundary, on loopback): each call
    takes LLM_HOLD_S and is counted while inside, so `peak` is how many calls the cluster made
    at once. It refuses every question (a 422 for the client)."""

    def __init__(self) -> None:
        self.inside = self.peak = self.calls = 0
        lock = threading.Lock()
        outer = self

        class Handler(BaseHTTPRequestHandler):
            def log_message(self, format: str, *args: Any) -> None:
                pass

            def do_POST(self) -> None:
                self.rfile.read(int(self.headers.get("Content-Length", 0)))
                with lock:
                    outer.calls += 1
                    outer.inside += 1
                    outer.peak = max(outer.peak, outer.inside)
                time.sleep(LLM_HOLD_S)
                with lock:
                    outer.inside -= 1
                reply = {"kind": "refusal", "reason": "The fake model answers nothing."}
                body = json.dumps({
                    "id": "chatcmpl-fake", "object": "chat.completion", "created": 0,
                    "model": "fake", "choices": [{"index": 0, "finish_reason": "stop",
                    "message": {"role": "assistant", "content": json.dumps(reply)}}],
                    "usage": {"prompt_tokens": 10, "completion_tokens": 5, "total_tokens": 15},
                }).encode()  # fmt: skip
                self.send_response(200)
                self.send_header("Content-Type", "application/json")
                self.send_header("Content-Length", str(len(body)))
                self.end_headers()
                self.wfile.write(body)

        self.server = ThreadingHTTPServer(("127.0.0.1", 0), Handler)
        self.server.daemon_threads = True
        threading.Thread(target=self.server.serve_forever, daemon=True).start()

    @property
    def env(self) -> dict[str, str]:
        return {
            "NEXATRON_LLM_PROVIDER": "openai",
            "NEXATRON_LLM_BASE_URL": f"http://127.0.0.1:{self.server.server_address[1]}/v1",
            "NEXATRON_LLM_MODEL": "fake",
            "NEXATRON_LLM_API_KEY": "sk-fake",
        }


@pytest.fixture
def llm() -> Iterator[SlowLLM]:
    fake = SlowLLM()
    yield fake
    fake.server.shutdown()
    fake.server.server_close()


@dataclass
class Outcome:
    request_id: str
    status: int  # 0: the connection failed
    node: str
    at: float
    detail: str = ""  # the start of a refusal's body


def bearer(key: str) -> dict[str, str]:
    return {"Authorization": f"Bearer {key}"}


def load(
    c: Cluster, key: str, seconds: float, workers: int, fault: Callable[[], None], at_s: float
) -> tuple[list[Outcome], float]:
    """`workers` clients asking questions through the proxy for `seconds`; `fault` runs at
    `at_s`. Returns every outcome and when the fault happened (monotonic)."""
    outcomes: list[Outcome] = []
    lock = threading.Lock()
    start = time.monotonic()
    stop = start + seconds

    def client(n: int) -> None:
        with httpx.Client(base_url=c.proxy, headers=bearer(key), timeout=30) as http:
            i = 0
            while time.monotonic() < stop:
                rid = f"mn-{n}-{i}-{secrets.token_hex(3)}"
                body = {"question": QUESTIONS[i % len(QUESTIONS)], "connection_id": c.demo}
                try:
                    r = http.post("/api/v1/query", json=body, headers={"X-Request-ID": rid})
                    detail = "" if r.status_code == 200 else " ".join(r.text[:160].split())
                    got = Outcome(
                        rid, r.status_code, r.headers.get("x-node", "?"), time.monotonic(), detail
                    )
                except httpx.TransportError:
                    got = Outcome(rid, 0, "?", time.monotonic())
                with lock:
                    outcomes.append(got)
                i += 1

    with ThreadPoolExecutor(workers) as pool:
        futures = [pool.submit(client, n) for n in range(workers)]
        time.sleep(at_s)
        fault_at = time.monotonic()
        fault()
        for future in futures:
            future.result()
    return outcomes, fault_at


def history_ids(c: Cluster, ids: list[str]) -> set[str]:
    engine = c.store()
    try:
        with engine.connect() as conn:
            rows = conn.execute(
                text("SELECT request_id FROM queries WHERE request_id = ANY(:ids)"), {"ids": ids}
            ).all()
        return {row.request_id for row in rows}
    finally:
        engine.dispose()


def ledger_ids(c: Cluster, ids: list[str]) -> set[str]:
    """The request ids whose history row has its `questions` event in the metering ledger."""
    engine = c.store()
    try:
        with engine.connect() as conn:
            rows = conn.execute(
                text("SELECT q.request_id FROM queries q JOIN usage_events e "
                     "ON e.id = q.id || :meter WHERE q.request_id = ANY(:ids)"),
                {"ids": ids, "meter": ":questions"},
            ).all()  # fmt: skip
        return {row.request_id for row in rows}
    finally:
        engine.dispose()


def complete(c: Cluster, answered: list[str], outcomes: list[Outcome] | None = None) -> bool:
    """Every answered request has its history row (waits up to 10 s for the writers). Else
    says which nodes answered the missing ones and what their logs say about history."""
    if wait_until(lambda: history_ids(c, answered) == set(answered), 10):
        return True
    missing = set(answered) - history_ids(c, answered)
    nodes = sorted(o.node for o in outcomes or [] if o.request_id in missing)
    logs = [
        f"{node.name}: {line}"
        for node in c.nodes
        for line in (node.data_dir / "serve.log").read_text(errors="replace").splitlines()
        if "history" in line or "journal" in line or "Error" in line
    ]
    raise AssertionError(
        f"{len(missing)} of {len(answered)} answered requests have no history row "
        f"(answered by {nodes}): {sorted(missing)[:5]}\n" + "\n".join(logs[-20:])
    )


def refusals(outcomes: list[Outcome]) -> set[str]:
    return {f"{o.status} {o.node}: {o.detail}" for o in outcomes if o.status != 200}


def summary(outcomes: list[Outcome]) -> dict[int, int]:
    counts: dict[int, int] = {}
    for o in outcomes:
        counts[o.status] = counts.get(o.status, 0) + 1
    return counts


def test_three_nodes_behind_a_proxy(tmp_path: Path, llm: SlowLLM, demo_source: Path) -> None:
    env = {
        "NEXATRON_RATE_LIMIT_PLANS": PLANS,
        "NEXATRON_TENANT_RATE_LIMIT_PLANS": TENANT_PLANS,
        "NEXATRON_MAX_CONCURRENT_QUERIES_PER_TENANT": str(SLOT_CAP),
        **llm.env,
    }
    began = time.monotonic()
    with cluster(tmp_path, 3, env, demo_source) as c:
        ready = time.monotonic()
        nodes = c.nodes[:3]
        admin = bearer(c.admin_key)
        # A fourth node, outside the proxy, that fails closed when Redis is down. It also serves
        # /metrics on an address of its own (NEXATRON_METRICS_ADDR).
        metrics_port = free_port()
        closed = Node("closed", free_port(), tmp_path / "closed", env={
            "NEXATRON_REDIS_FAIL_OPEN": "0", "NEXATRON_METRICS_ADDR": f"127.0.0.1:{metrics_port}",
        })  # fmt: skip
        closed.data_dir.mkdir()
        c.nodes.append(closed)  # stopped with the others
        c.start_node(closed)

        # The proxy spreads requests over the three nodes.
        seen = {httpx.get(c.proxy + "/healthz").headers["x-node"] for _ in range(6)}
        assert seen == {"n1", "n2", "n3"}

        # A revoked key is refused by every node at once.
        made = httpx.post(c.proxy + "/api/v1/api-keys", json={"name": "mn"}, headers=admin)
        assert made.status_code == 201, made.text
        key, key_id = made.json()["key"], made.json()["id"]
        for node in nodes:
            assert httpx.get(node.base + "/api/v1/auth/me", headers=bearer(key)).status_code == 200
        r = httpx.delete(c.proxy + f"/api/v1/api-keys/{key_id}", headers=admin)
        assert r.status_code == 204
        for node in nodes:
            assert httpx.get(node.base + "/api/v1/auth/me", headers=bearer(key)).status_code == 401

        # One rate-limit budget across nodes: a 12/minute tenant gets 12, wherever it asks.
        slug = "mn-" + secrets.token_hex(3)
        tiny = httpx.post(
            c.proxy + "/api/v1/operator/tenants",
            json={"name": slug, "slug": slug, "plan": "tiny", "admin_email": f"a@{slug}.test"},
            headers=bearer(c.operator_key),
        )
        assert tiny.status_code == 201, tiny.text
        tiny_key = tiny.json()["admin"]["api_key"]
        statuses = [
            httpx.get(nodes[i % 3].base + "/api/v1/auth/me", headers=bearer(tiny_key)).status_code
            for i in range(18)
        ]
        assert statuses.count(200) == 12 and statuses.count(429) == 6, statuses

        # A follow-up lands on another node; the result cache is shared.
        first = httpx.post(nodes[0].base + "/api/v1/query", headers=admin, timeout=30,
                           json={"question": QUESTIONS[0], "connection_id": c.demo})  # fmt: skip
        assert first.status_code == 200, first.text
        follow = httpx.post(
            nodes[1].base + "/api/v1/query",
            headers=admin,
            timeout=30,
            json={"question": "and by region?", "conversation_id": first.json()["conversation_id"]},
        )
        assert follow.status_code == 200, follow.text
        assert follow.json()["plan"]["query"]["dimensions"] == ["region"]
        again = httpx.post(nodes[2].base + "/api/v1/query", headers=admin, timeout=30,
                           json={"question": QUESTIONS[0], "connection_id": c.demo})  # fmt: skip
        assert again.status_code == 200 and again.json()["cached"] is True

        # The tenant's slot cap holds across the nodes: an LLM turn holds a query slot, so the
        # fake model never sees more than SLOT_CAP calls at once, whichever nodes asked; the
        # others wait for a slot (not refused: each waits less than slots.WAIT_S).
        def unknown(i: int) -> httpx.Response:
            body = {"question": f"zorblax quindle {i} frumious", "connection_id": c.demo}
            return httpx.post(c.proxy + "/api/v1/query", headers=admin, timeout=60, json=body)

        with ThreadPoolExecutor(3 * SLOT_CAP) as pool:
            asked = list(pool.map(unknown, range(3 * SLOT_CAP)))
        assert {r.status_code for r in asked} == {422}, [(r.status_code, r.text) for r in asked]
        assert {r.headers["x-node"] for r in asked} == {"n1", "n2", "n3"}
        assert llm.calls >= 3 * SLOT_CAP and llm.peak <= SLOT_CAP, (llm.calls, llm.peak)

        report: list[str] = [
            f"cluster ready after {ready - began:.0f} s",
            f"slot cap {SLOT_CAP}: at most {llm.peak} LLM calls at once",
        ]

        # Baseline: history is complete (answered requests == their history rows).
        base, _ = load(c, c.admin_key, 2, 4, lambda: None, 0)
        answered = [o.request_id for o in base if o.status == 200]
        assert summary(base) == {200: len(base)}, summary(base)
        assert complete(c, answered, base)
        report.append(f"baseline: {summary(base)}")

        # Store connections terminated mid-load: at most the requests in flight fail.
        dropped, _ = load(c, c.admin_key, 3.5, 4, c.drop_store_connections, 1.5)
        failed = [o for o in dropped if o.status != 200]
        report.append(f"pg_terminate_backend: {summary(dropped)}")
        assert len(failed) <= 4, summary(dropped)
        assert all(o.status == 503 for o in failed), refusals(dropped)  # never a 500
        answered = [o.request_id for o in dropped if o.status == 200]
        assert complete(c, answered, dropped)

        # Redis stopped then restarted mid-load (fail open, the default): no 5xx storm. The
        # node failing closed refuses meanwhile with 503 "Service unavailable" (never a 429),
        # and answers again once Redis is back.
        c.wait_ready([closed])
        scraped = httpx.get(f"http://127.0.0.1:{metrics_port}/metrics")  # no credential there
        assert scraped.status_code == 200 and "nexatron_" in scraped.text
        assert httpx.get(closed.base + "/metrics").status_code == 401  # but on the API's port
        question = {"question": QUESTIONS[0], "connection_id": c.demo}
        assert httpx.post(closed.base + "/api/v1/query", json=question, headers=admin,
                          timeout=30).status_code == 200  # fmt: skip
        during: list[httpx.Response] = []

        def redis_outage() -> None:
            c.redis.stop()
            during.append(httpx.post(closed.base + "/api/v1/query", json=question,
                                     headers=admin, timeout=30))  # fmt: skip
            time.sleep(1.5)
            c.redis.start()

        flapped, restarted = load(c, c.admin_key, 6, 4, redis_outage, 1.5)
        report.append(f"redis stop/start: {summary(flapped)}")
        server_errors = [o for o in flapped if o.status >= 500 or o.status == 0]
        assert len(server_errors) <= 4, summary(flapped)
        late = [o for o in flapped if o.at > restarted + 3.0]
        assert late and all(o.status == 200 for o in late), summary(late)
        answered = [o.request_id for o in flapped if o.status == 200]
        assert complete(c, answered, flapped)
        refused = during[0]
        assert refused.status_code == 503, (refused.status_code, refused.text)
        assert refused.json()["detail"].startswith("Service unavailable"), refused.text
        back = lambda: httpx.post(closed.base + "/api/v1/query", json=question, headers=admin,  # noqa: E731
                                  timeout=30).status_code == 200  # fmt: skip
        assert wait_until(back, 10), "the fail-closed node did not answer again within 10 s"
        report.append(f"fail-closed node during the outage: {refused.status_code}")

        # kill -9 one node mid-load: only its in-flight requests fail; the proxy routes around.
        victim = nodes[1]
        killed, at = load(c, c.admin_key, 5, 4, lambda: c.kill(victim), 2.0)
        report.append(f"kill -9 {victim.name}: {summary(killed)}")
        failed = [o for o in killed if o.status != 200]
        assert len(failed) <= 4, summary(killed)  # at most one per client was in flight
        after = [o for o in killed if o.at > at + 2.0]
        assert after and all(o.status == 200 and o.node != victim.name for o in after)
        survivors = [o.request_id for o in killed if o.status == 200 and o.node != victim.name]
        assert complete(c, survivors, killed)
        on_victim = [o.request_id for o in killed if o.status == 200 and o.node == victim.name]
        unwritten = len(set(on_victim) - history_ids(c, on_victim))
        # Restarted on its data directory, the killed node replays its journal before it is
        # ready: no answered request lacks its history row, nor its event in the ledger.
        dead = set((victim.data_dir / "journal").iterdir())
        assert dead, "the killed node left no journal"
        c.start_node(victim)
        c.wait_ready([victim])
        assert not dead & set((victim.data_dir / "journal").iterdir())  # replayed and removed
        answered = [o.request_id for o in killed if o.status == 200]
        assert complete(c, answered, killed)
        assert ledger_ids(c, answered) == set(answered)
        report.append(
            f"answered by the killed node: {len(on_victim)}, unwritten when it died: "
            f"{unwritten}, lost after its restart: 0"
        )

        # Graceful shutdown (SIGTERM) of another node mid-load: its in-flight answers finish and
        # every answer it gave has its history row (the writer drains before the process ends).
        leaving = nodes[2]

        def terminate() -> None:
            assert leaving.proc is not None
            leaving.proc.terminate()

        stopped, _ = load(c, c.admin_key, 4, 4, terminate, 1.5)
        # uvicorn re-raises SIGTERM once it has shut down cleanly: -15 here, not a crash.
        assert leaving.proc is not None and leaving.proc.wait(30) in (0, -15)
        # A clean shutdown wrote everything: its journal is removed, nothing left to replay.
        assert list((leaving.data_dir / "journal").iterdir()) == []
        report.append(f"SIGTERM {leaving.name}: {summary(stopped)}")
        assert len([o for o in stopped if o.status != 200]) <= 4, summary(stopped)
        answered = [o.request_id for o in stopped if o.status == 200]
        assert complete(c, answered, stopped)
        assert ledger_ids(c, answered) == set(answered)
        report.append(f"phases done after {time.monotonic() - began:.0f} s")
        print("\n".join(report))
