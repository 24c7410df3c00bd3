"""What authentication and rate limiting add per request (in-process, httpx ASGITransport).

Builds the app on a fresh SQLite metadata store in a temp dir, then measures p50/p95 latency of
/healthz (baseline) and authenticated requests with an API key and with an access token, first
with in-process rate limiting, then with Redis (redis://127.0.0.1:6379/13; our keys are deleted).

    .venv/bin/python bench/bench_auth.py [--requests 2000]
"""

from __future__ import annotations

import argparse
import asyncio
import secrets
import statistics
import tempfile
import time
from pathlib import Path
from typing import Any

import httpx

from nexatron.api.app import create_app
from nexatron.services import build_services
from nexatron.testing import add_tenant, make_settings

REDIS_URL = "redis://127.0.0.1:6379/13"


def percentile(samples: list[float], q: float) -> float:
    ordered = sorted(samples)
    return ordered[min(len(ordered) - 1, int(q * len(ordered)))]


async def measure(backend: str, data_dir: Path, n: int) -> dict[str, list[float]]:
    huge = 10_000_000 + secrets.randbelow(1_000_000)  # unique spec: unique Redis keys
    overrides: dict[str, Any] = {
        "database_url": f"sqlite:///{data_dir / 'nexatron.db'}",
        "rate_limit_plans": {"default": f"{huge}/minute"},
        "anonymous_rate_limit": f"{huge}/minute",
        "login_rate_limit_email": f"{huge}/minute",
        "login_rate_limit_ip": f"{huge}/minute",
    }
    if backend == "redis":
        overrides["redis_url"] = REDIS_URL
    settings, _ = make_settings(data_dir, **overrides)
    services = build_services(settings)
    app = create_app(settings, services=services)
    tenant = add_tenant(services, "Bench")
    gateway = httpx.ASGITransport(app=app, client=("127.0.0.1", 50000))
    bare = httpx.ASGITransport(app=app.app, client=("127.0.0.1", 50000))
    base = "http://bench"
    async with (
        httpx.AsyncClient(transport=gateway, base_url=base) as client,
        httpx.AsyncClient(transport=bare, base_url=base) as raw,
    ):
        login = await client.post(
            "/api/v1/auth/login",
            json={"email": tenant.admin.email, "password": tenant.admin.password},
        )
        token = login.json()["access_token"]
        key = {"Authorization": f"Bearer {tenant.admin.key}"}
        access = {"Authorization": f"Bearer {token}"}
        scenarios = {
            "/healthz, no gateway (FastAPI only)": (raw, "/healthz", {}),
            "/healthz (baseline: gateway, anonymous)": (client, "/healthz", {}),
            "/healthz + API key": (client, "/healthz", key),
            "/healthz + access token": (client, "/healthz", access),
            "/api/v1/auth/me + API key": (client, "/api/v1/auth/me", key),
            "/api/v1/auth/me + access token": (client, "/api/v1/auth/me", access),
        }
        samples: dict[str, list[float]] = {name: [] for name in scenarios}
        for i in range(n + 100):  # interleaved so drift hits every scenario alike
            for name, (http, url, headers) in scenarios.items():
                start = time.perf_counter()
                r = await http.get(url, headers=headers)
                elapsed = time.perf_counter() - start
                assert r.status_code == 200, (name, r.status_code, r.text)
                if i >= 100:  # warm-up
                    samples[name].append(elapsed * 1000)
    services.close()
    if backend == "redis":
        import redis

        store = redis.Redis.from_url(REDIS_URL)
        for name in store.scan_iter(match=f"*/{huge}/*"):
            store.delete(name)
        store.close()
    return samples


def report(backend: str, samples: dict[str, list[float]]) -> None:
    names = list(samples)
    baseline = statistics.median(samples[names[1]])
    print(f"\nRate limiting: {backend}   ({len(samples[names[0]])} requests per row)")
    print(f"{'request':<42}{'p50 ms':>9}{'p95 ms':>9}{'p50 - baseline':>17}")
    for name in names:
        p50, p95 = statistics.median(samples[name]), percentile(samples[name], 0.95)
        print(f"{name:<42}{p50:>9.3f}{p95:>9.3f}{p50 - baseline:>+17.3f}")
    bare = statistics.median(samples[names[0]])
    added_key = statistics.median(samples["/healthz + API key"]) - baseline
    added_token = statistics.median(samples["/healthz + access token"]) - baseline
    print(
        f"gateway anonymous vs FastAPI only: {baseline - bare:+.3f} ms (anonymous rate limit)\n"
        f"added by authentication + rate limiting (p50): API key {added_key:+.3f} ms, "
        f"access token {added_token:+.3f} ms   (goal < 1 ms)"
    )


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__)
    parser.add_argument("--requests", type=int, default=2000)
    args = parser.parse_args()
    for backend in ("memory", "redis"):
        with tempfile.TemporaryDirectory() as tmp:
            report(backend, asyncio.run(measure(backend, Path(tmp), args.requests)))


if __name__ == "__main__":
    main()
