"""Tenant LLM endpoints: redirects are never followed; private hosts are refused at send time."""

from __future__ import annotations

import pytest

from nexatron.nlq.llm import LLMPlanner, LLMUnavailable, make_client

from .conftest import Harness
from .fakes import Scripted
from .shop import shop_layer, shop_schema

GOOD = '{"kind": "semantic", "query": {"metrics": ["revenue"]}}'


def _ask(planner: LLMPlanner) -> None:
    planner.plan("revenue", layer=shop_layer(), schema=shop_schema(), dialect="postgres")


def test_private_host_refused_at_request_time(llm: Harness) -> None:
    config = llm.config(max_retries=0)
    planner = LLMPlanner(config, client=make_client(config, refuse_private_hosts=True))
    with pytest.raises(LLMUnavailable):
        _ask(planner)
    assert llm.server.requests == []  # nothing left the process


def test_redirects_are_not_followed(llm: Harness) -> None:
    target = f"{llm.server.base_url}/elsewhere"
    llm.script(Scripted(status=307, headers={"Location": target}))
    config = llm.config(max_retries=0)
    planner = LLMPlanner(config, client=make_client(config))
    with pytest.raises(LLMUnavailable):
        _ask(planner)
    assert len(llm.server.requests) == 1  # the redirect target was never requested
