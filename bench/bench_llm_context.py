"""The LLM planner's context slice on a 3,000-table schema: how long selecting it takes.

Run: `.venv/bin/python bench/bench_llm_context.py` (prints best and median of 20).
"""

from __future__ import annotations

import statistics
import sys
import time
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parents[1]))

from tests.llm.shop import wide_schema

from nexatron.nlq.llm.retrieval import ContextIndex
from nexatron.semantic.model import SemanticLayer


def main() -> None:
    schema = wide_schema(3000)
    timings = []
    for _ in range(20):
        started = time.perf_counter()
        ContextIndex(SemanticLayer(), schema).select(
            "total shipment weight per carrier", budget_tokens=6000
        )
        timings.append((time.perf_counter() - started) * 1000)
    print(
        f"context slice, 3000 tables: best {min(timings):.1f} ms, "
        f"median {statistics.median(timings):.1f} ms"
    )


if __name__ == "__main__":
    main()
