"""scim2-tester against the running server: no failure on any feature ServiceProviderConfig
declares (patch, filter, sort; bulk, etag and changePassword are declared unsupported)."""

from __future__ import annotations

from collections import Counter

import httpx2
import pytest
from scim2_client.engines.httpx2 import SyncSCIMClient
from scim2_tester import Status, check_server

from .live import serve

pytestmark = [pytest.mark.anyio, pytest.mark.slow]

FAILING = {Status.ERROR, Status.CRITICAL} if hasattr(Status, "CRITICAL") else {Status.ERROR}


async def test_scim2_tester_finds_no_failure(harness) -> None:
    made = await harness.as_(harness.tenant.admin, "POST", "/api/v1/scim/tokens", json={})
    assert made.status_code == 201, made.text
    token = made.json()["token"]
    with serve(harness.app) as base:
        client = httpx2.Client(
            base_url=f"{base}/scim/v2", headers={"Authorization": f"Bearer {token}"}
        )
        scim = SyncSCIMClient(client)
        results = check_server(scim)
    counts = Counter(r.status.name for r in results)
    failures = [f"{r.title}: {r.reason}" for r in results if r.status in FAILING]
    print("scim2-tester:", dict(counts))
    assert len(results) > 30
    assert not failures, "\n".join(failures)
