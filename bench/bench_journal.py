"""What the history writer's crash journal (query/journal.py) adds to each answered question:
pickling the queued job and one write(2) to the journal file, with the writer marking jobs
written in batches, against an empty call (CPU time of the calling thread). Two answers: 4 rows
(a typical grouped answer) and 1,000 rows (NEXATRON_STORED_ROWS' default cap of what a history
row keeps).

    PYTHONPATH=src python bench/bench_journal.py
"""

from __future__ import annotations

import datetime as dt
import statistics
import tempfile
import time
from functools import partial
from pathlib import Path
from typing import Any

from nexatron.identity.roles import Principal
from nexatron.query import outcomes
from nexatron.query.journal import Journal
from nexatron.usage.facts import UsageFact

N = 5_000


def job(rows: int) -> Any:
    """An answered question's queued job, shaped as QueryService.record builds it (rows are
    JSON-safe lists by then: warehouse/convert.py)."""
    now = dt.datetime.now(dt.UTC)
    principal = Principal("ten_0123456789", "usr_0123456789", "admin", api_key_id="key_01")
    data = [
        [f"region {i}", (dt.date(2026, 1, 1) + dt.timedelta(days=i)).isoformat(), 1234.5 + i, i]
        for i in range(rows)
    ]
    values = {
        "id": "query_0123456789abcdef", "tenant_id": principal.tenant_id,
        "user_id": principal.user_id, "connection_id": "conn_0123456789",
        "conversation_id": "conv_0123456789", "question": "total sales by region last quarter",
        "status": "answered", "planner": "deterministic",
        "plan": {"metrics": ["total_sales"], "dimensions": ["region"], "filters": []},
        "sql": "SELECT region, SUM(amount) AS total_sales FROM orders GROUP BY region",
        "columns": [{"name": "region", "type": "string"}, {"name": "day", "type": "date"},
                    {"name": "total_sales", "type": "number"}, {"name": "n", "type": "integer"}],
        "data": data, "row_count": rows, "truncated": False, "summary": "Sales by region.",
        "chart": {"type": "bar", "x": "region", "y": "total_sales"}, "warnings": [],
        "execution_time_ms": 3.2, "created_at": now, "api_key_id": "key_01",
        "request_id": "req-0123456789", "cached": False,
    }  # fmt: skip
    fact = UsageFact(
        "query_0123456789abcdef", principal.tenant_id, principal.user_id, "key_01",
        "conn_0123456789", "duckdb", "deterministic", "answered",
        "total sales by region last quarter", now, 3.2, rows,
    )  # fmt: skip
    return partial(
        outcomes.write_answer, fact=fact, principal=principal, connection_id="conn_0123456789",
        conversation_id="conv_0123456789", new_conversation=True, plan=values["plan"],
        values=values,
    )  # fmt: skip


def per_call_us(fn: Any, n: int) -> float:
    """CPU time of this thread per call (the machine may be shared: wall time would count the
    moments this process was not scheduled), median of 5 runs."""
    runs = []
    for _ in range(5):
        start = time.thread_time()
        for _ in range(n):
            fn()
        runs.append((time.thread_time() - start) / n * 1e6)
    return statistics.median(runs)


def main() -> None:
    floor = per_call_us(lambda: None, N)
    reference = per_call_us(lambda: sum(range(1000)), N) - floor
    print(f"empty call (floor): {floor:.2f} us; sum(range(1000)) for scale: {reference:.1f} us")
    with tempfile.TemporaryDirectory() as root:
        journal = Journal(Path(root) / "journal")
        for rows in (4, 1000):
            queued = job(rows)
            record = Journal.encode("query_0123456789abcdef", queued)
            count = [0]

            def one(queued: Any = queued, count: list[int] = count) -> None:
                journal.append(Journal.encode("query_0123456789abcdef", queued))
                count[0] += 1
                if count[0] % 64 == 0:  # the writer commits batches
                    journal.written(64)

            n = N if rows < 100 else N // 10
            encode = per_call_us(lambda q=queued: Journal.encode("q", q), n) - floor
            total = per_call_us(one, n) - floor
            journal.written(count[0] % 64)
            print(
                f"{rows:5d}-row answer ({len(record):6d} bytes): pickle {encode:6.1f} us, "
                f"pickle + write(2) + batch bookkeeping {total:6.1f} us per question"
            )
        journal.close(drained=True)


if __name__ == "__main__":
    main()
