"""The web app's speed, measured in Debian's Chromium against a real `nexatron serve`.

For the contract question on the demo: the time from pressing Ask to the summary drawn on the
page (p50 of --runs), next to the API's own p50 in the same run (POST /query, and POST
/query/stream read up to its summary event, both over HTTP from this process). Also prints the
JS+CSS the ask page loads before any chart, as transferred (gzip), and what a chart adds.

    .venv/bin/python bench/bench_ui.py [--runs 20]

After the first answer, POST /query is served from the result cache; the stream (which the page
uses) runs the compiled query on the demo database every time, so compare the page with the
stream's figure for what the page itself adds. The cold first answer in the page is printed too.
The machine is shared: run it twice and expect some milliseconds of spread.
"""

from __future__ import annotations

import argparse
import statistics
import sys
import tempfile
import time
from pathlib import Path
from typing import Any

import httpx

sys.path.insert(0, str(Path(__file__).resolve().parents[1] / "tests"))
from web.web_support import ADMIN_PASSWORD, DESKTOP, launch, login, start_server

QUESTION = "What were total sales last quarter?"
PRESS_ASK = """(question) => new Promise((resolve) => {
  const box = document.querySelector('#question');
  box.value = question;
  const before = document.querySelectorAll('.answer').length;
  const t0 = performance.now();
  const seen = new MutationObserver(() => {
    const cards = document.querySelectorAll('.answer');
    const card = cards.length > before ? cards[cards.length - 1] : null;
    if (card && card.querySelector('.summary')) {
      seen.disconnect();
      resolve(performance.now() - t0);
    }
  });
  seen.observe(document.body, {subtree: true, childList: true});
  document.querySelector('.composer button[type=submit]').click();
})"""
LOADED = """() => performance.getEntriesByType('resource')
  .filter((e) => /\\.(js|css)(\\?|$)/.test(e.name))
  .map((e) => ({name: e.name.split('/static/')[1] || e.name, bytes: e.encodedBodySize}))"""


def p50(samples: list[float]) -> float:
    return statistics.median(samples)


def api_runs(client: httpx.Client, runs: int) -> tuple[list[float], list[float]]:
    plain, streamed = [], []
    for _ in range(runs):
        t0 = time.perf_counter()
        r = client.post("/query", json={"question": QUESTION})
        plain.append((time.perf_counter() - t0) * 1000)
        assert r.status_code == 200 and r.json()["summary"]
        t0 = time.perf_counter()
        with client.stream("POST", "/query/stream", json={"question": QUESTION}) as s:
            for line in s.iter_lines():
                if line == "event: summary":
                    streamed.append((time.perf_counter() - t0) * 1000)
                    break
    return plain, streamed


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__)
    parser.add_argument("--runs", type=int, default=20)
    args = parser.parse_args()
    from playwright.sync_api import sync_playwright

    with tempfile.TemporaryDirectory() as tmp:
        server = start_server(
            Path(tmp) / "data",
            NEXATRON_ANONYMOUS_RATE_LIMIT="10000/minute",
            NEXATRON_LOGIN_RATE_LIMIT_IP="1000/minute",
        )
        try:
            with sync_playwright() as p:
                browser = launch(p)
                page: Any = browser.new_context(viewport=DESKTOP).new_page()
                login(page, server.base, "admin@localhost", ADMIN_PASSWORD)
                first_load = page.evaluate(LOADED)
                cold = page.evaluate(PRESS_ASK, QUESTION)
                ui: list[float] = []
                for _ in range(args.runs):
                    page.locator("button", has_text="New conversation").click()
                    page.wait_for_selector(".intro")
                    ui.append(page.evaluate(PRESS_ASK, QUESTION))
                page.locator("#question").fill("sales by region")
                page.locator("#question").press("Enter")
                page.wait_for_selector(".chart[data-chart=drawn]")
                after_chart = page.evaluate(LOADED)
                browser.close()
            with server.client() as client:
                plain, streamed = api_runs(client, args.runs)
        finally:
            server.stop()

    first = sum(e["bytes"] for e in first_load)
    chart = sum(e["bytes"] for e in after_chart) - first
    print(f"question: {QUESTION!r}, {args.runs} runs each (p50)")
    print(f"browser, Ask pressed -> summary drawn   p50 {p50(ui):7.1f} ms (cold: {cold:.1f} ms)")
    print(f"API POST /query (JSON)                  p50 {p50(plain):7.1f} ms")
    print(f"API POST /query/stream -> summary event p50 {p50(streamed):7.1f} ms")
    print(f"ask page first load: JS+CSS {first / 1024:.1f} KB sent, {len(first_load)} files")
    print(f"added by the first chart (vega, vega-lite, vega-embed): {chart / 1024:.1f} KB")
    for entry in first_load:
        print(f"  {entry['bytes']:>7}  {entry['name']}")


if __name__ == "__main__":
    main()
