"""What observability adds to each request, in-process: the request histogram sample, the access
line (JSON formatted, to a discarding stream) and the request-id check, against an empty call.

    PYTHONPATH=src python bench/bench_observability.py

The gateway does exactly these per request; the figure is their cost in microseconds (median of
repeated runs), to set against a request's p50 over HTTP (about 0.7 ms for /healthz, tens of
ms for a question: bench/bench_query.py).
"""

from __future__ import annotations

import io
import logging
import statistics
import time

from nexatron.observability.logs import JsonFormatter, RequestContext, log_access
from nexatron.observability.metrics import observe_request
from nexatron.observability.requestid import accept_request_id

N = 20_000


def per_call_us(fn) -> float:  # type: ignore[no-untyped-def]
    runs = []
    for _ in range(7):
        start = time.perf_counter()
        for _ in range(N):
            fn()
        runs.append((time.perf_counter() - start) / N * 1e6)
    return statistics.median(runs)


def main() -> None:
    handler = logging.StreamHandler(io.StringIO())
    handler.setFormatter(JsonFormatter())
    handler.addFilter(RequestContext())
    access = logging.getLogger("nexatron.access")
    access.addHandler(handler)
    access.propagate = False
    access.setLevel(logging.INFO)
    floor = per_call_us(lambda: None)
    metric = per_call_us(lambda: observe_request("/api/v1/query", "POST", 200, 0.012))
    line = per_call_us(lambda: log_access("POST", "/api/v1/query", 200, 0.012))
    rid = per_call_us(lambda: accept_request_id("trace-0123456789abcdef"))
    access.setLevel(logging.WARNING)
    line_off = per_call_us(lambda: log_access("POST", "/api/v1/query", 200, 0.012))
    print(f"empty call (floor)                 : {floor:6.2f} us")
    print(f"request histogram sample           : {metric - floor:6.2f} us")
    print(f"access line, JSON, INFO            : {line - floor:6.2f} us")
    print(f"access line, level above INFO      : {line_off - floor:6.2f} us")
    print(f"X-Request-ID validation            : {rid - floor:6.2f} us")
    print(f"total per request (INFO)           : {metric + line + rid - 3 * floor:6.2f} us")


if __name__ == "__main__":
    main()
