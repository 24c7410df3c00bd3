from __future__ import annotations
import json
import pytest
from .app_support import demo_template, open_lab, cannot, sql_reply, sse_events
from .conftest import Harness as LLM
pytestmark = pytest.mark.anyio

@pytest.fixture(scope="session")
def template(tmp_path_factory):
    return demo_template(tmp_path_factory)

async def test_probe(tmp_path, template, monkeypatch, openai_server) -> None:
    llm = LLM("openai", openai_server)
    async with open_lab(tmp_path, template, monkeypatch, llm_allow_private_hosts=True) as lab:
        await lab.configure(llm)
        llm.script(cannot(), sql_reply("SELECT segment, COUNT(*) AS n FROM customers GROUP BY 1 ORDER BY 1"))
        r = await lab.h.as_(lab.admin, "POST", "/api/v1/query/stream", json={"question": "how many customers signed up each year"})
        ev = sse_events(r.text)
        for n, d in ev: print(n, json.dumps(d)[:300])
        qid = dict(ev)["done"]["id"]
        g = await lab.h.as_(lab.admin, "GET", f"/api/v1/query/{qid}")
        print("GET", json.dumps({k: g.json()[k] for k in ("data","columns","row_count","summary","chart")})[:600])
