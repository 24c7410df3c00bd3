"""CPU of the history write-behind per answered question, in-process (issue 18).

Run: .venv/bin/python bench/bench_history_write.py [--rows 2000]
Answers "What were total sales last quarter?" once on a throwaway store with the demo, keeps the
job it queued (the history row and its usage fact), then writes copies of it (fresh query ids)
through the Recorder in batches of 1, 3, 10, 30 and 100 jobs, and prints the writer thread's CPU
per question (time.thread_time: the figure a loaded machine disturbs least) and the cost of
journaling one job on the request path (pickle + write).
"""

from __future__ import annotations

import argparse
import asyncio
import dataclasses
import datetime as dt
import shutil
import tempfile
import time
from functools import partial
from pathlib import Path
from typing import Any

from nexatron.demo import generate_demo
from nexatron.demo.install import install_demo
from nexatron.identity.roles import Principal
from nexatron.ids import new_id
from nexatron.query.journal import Journal
from nexatron.query.service import query_service
from nexatron.testing import make_app_client, tenant_files

QUESTION = "What were total sales last quarter?"


def copy_of(job: Any) -> Any:
    """The job with a fresh query and conversation id (a question asked without a conversation,
    as the benches ask it: its history row, conversation and ledger events are new rows)."""
    query_id, conversation_id = new_id("query"), new_id("conversation")
    keywords = dict(job.keywords)
    keywords["values"] = {**keywords["values"], "id": query_id, "conversation_id": conversation_id}
    keywords["fact"] = dataclasses.replace(keywords["fact"], query_id=query_id)
    keywords["conversation_id"] = conversation_id
    keywords["new_conversation"] = True
    return partial(job.func, *job.args, **keywords)


async def measure(root: Path, rows: int) -> None:
    demo_file = root / "demo.duckdb"
    generate_demo(demo_file, today=dt.date.today())
    async with make_app_client(root / "data") as harness:
        admin = harness.tenant.admin
        shutil.copyfile(demo_file, tenant_files(harness.services, admin.tenant_id) / "demo.duckdb")
        install_demo(harness.services, Principal(admin.tenant_id, admin.user_id, "admin"))
        recorder = query_service(harness.services).recorder
        kept: list[Any] = []
        submit = recorder.submit

        def keep(job: Any, *, key: str | None = None) -> None:
            kept.append(job)
            submit(job, key=key)

        recorder.submit = keep  # type: ignore[method-assign]
        body = {"question": QUESTION}
        response = await harness.as_(harness.tenant.analyst, "POST", "/api/v1/query", json=body)
        assert response.status_code == 200, response.text
        recorder.flush()
        job = kept[0]
        recorder.write_now([copy_of(job) for _ in range(50)])  # warm statement caches
        print("| jobs per batch | writer CPU per question |\n|---|---|")
        for size in (1, 3, 10, 30, 100):
            batches = [[copy_of(job) for _ in range(size)] for _ in range(max(1, rows // size))]
            start = time.thread_time()
            for batch in batches:
                recorder.write_now(batch)
            spent = time.thread_time() - start
            print(f"| {size} | {spent * 1e6 / (len(batches) * size):.0f} us |")
        journal = Journal(root / "journal")
        copies = [copy_of(job) for _ in range(rows)]
        start = time.thread_time()
        for copy in copies:
            journal.append(journal.encode(copy.keywords["values"]["id"], copy))
        spent = time.thread_time() - start
        print(f"journaling one job on the request path: {spent * 1e6 / rows:.0f} us")
        journal.close(drained=True)


def main() -> None:
    parser = argparse.ArgumentParser()
    parser.add_argument("--rows", type=int, default=2000, help="questions written per size")
    args = parser.parse_args()
    root = Path(tempfile.mkdtemp(prefix="nx-bench-history-"))
    try:
        asyncio.run(measure(root, args.rows))
    finally:
        shutil.rmtree(root, ignore_errors=True)


if __name__ == "__main__":
    main()
