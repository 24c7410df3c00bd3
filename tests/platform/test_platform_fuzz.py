"""Hypothesis: random bodies and credentials never produce a 5xx."""

from __future__ import annotations

import functools
import json
from collections.abc import Iterator
from pathlib import Path
from typing import Any

import pytest
from anyio.from_thread import BlockingPortal, start_blocking_portal
from hypothesis import HealthCheck, example, given, settings
from hypothesis import strategies as st

from nexatron.testing import Harness, make_app_client

pytestmark = pytest.mark.slow

SCALARS = (
    st.none()
    | st.booleans()
    | st.integers()
    | st.text(max_size=40)
    | st.floats(allow_nan=False, allow_infinity=False)
)
JSON = st.recursive(
    SCALARS,
    lambda inner: (
        st.lists(inner, max_size=4) | st.dictionaries(st.text(max_size=12), inner, max_size=4)
    ),
    max_leaves=10,
)
DATES = st.datetimes().map(lambda d: d.isoformat()) | st.text(max_size=30)
KEY_BODIES = st.fixed_dictionaries(
    {},
    optional={
        "name": st.text(max_size=250) | JSON,
        "role": st.sampled_from(["admin", "analyst", "viewer", "root", ""]) | JSON,
        "expires_at": DATES | JSON,
    },
)
LOGIN_BODIES = st.fixed_dictionaries(
    {},
    optional={
        "email": st.emails() | st.text(max_size=400) | JSON,
        "password": st.text(max_size=1100) | JSON,
    },
)
FUZZ = settings(
    max_examples=60, deadline=None, suppress_health_check=[HealthCheck.function_scoped_fixture]
)


@pytest.fixture
def live(tmp_path: Path) -> Iterator[tuple[BlockingPortal, Harness]]:
    """The harness driven from synchronous Hypothesis tests through a blocking portal."""
    with start_blocking_portal() as portal:
        manager = make_app_client(
            tmp_path,
            login_rate_limit_ip="100000/minute",
            login_rate_limit_email="100000/minute",
            anonymous_rate_limit="100000/minute",
        )
        harness = portal.call(manager.__aenter__)
        try:
            yield portal, harness
        finally:
            portal.call(manager.__aexit__, None, None, None)


def post(live: tuple[BlockingPortal, Harness], url: str, **kwargs: Any) -> int:
    portal, harness = live
    call = functools.partial(harness.as_, harness.tenant.analyst, "POST", url, **kwargs)
    response = portal.call(call)
    assert response.status_code < 500, (kwargs, response.text)
    assert "detail" in response.json() or response.status_code in (200, 201)
    return response.status_code


def test_random_json_to_create_key_never_5xx(live) -> None:
    statuses: set[int] = set()

    @FUZZ
    @given(body=KEY_BODIES | JSON)
    def check(body: Any) -> None:
        statuses.add(post(live, "/api/v1/api-keys", json=body))

    check()
    assert 422 in statuses


def test_random_json_to_login_never_5xx(live) -> None:
    statuses: set[int] = set()

    @FUZZ
    @given(body=LOGIN_BODIES | JSON)
    @example(body={"email": "nobody@example.com", "password": "wrong password"})  # a 401
    def check(body: Any) -> None:
        statuses.add(post(live, "/api/v1/auth/login", json=body, headers={"Authorization": ""}))

    check()
    assert 422 in statuses and 401 in statuses


def test_random_bytes_and_credentials_never_5xx(live) -> None:
    @FUZZ
    @given(
        raw=st.binary(max_size=200),
        credential=st.text(st.characters(min_codepoint=33, max_codepoint=255), max_size=80),
    )
    def check(raw: bytes, credential: str) -> None:
        for url in ("/api/v1/api-keys", "/api/v1/auth/login", "/api/v1/auth/refresh"):
            post(live, url, content=raw, headers={"content-type": "application/json"})
        portal, harness = live
        auth = {"Authorization": f"Bearer {credential}".encode("latin-1")}
        r = portal.call(functools.partial(harness.client.get, "/api/v1/auth/me", headers=auth))
        assert r.status_code in (200, 401), r.text
        assert json.loads(r.text)

    check()
