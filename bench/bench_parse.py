"""Parse+plan latency on a synthetic layer: 250 metrics, 250 dimensions, a 50,000-value index.

Prints p50/p95 of `understand`, of `build_lexicon`, and a baseline measured in the same run
(one lexicon lookup of one token, and a plain dict build of the same values).
"""

from __future__ import annotations

import contextlib
import datetime as dt
import random
import statistics
import time

from nexatron.errors import NexatronError
from nexatron.nlq import DateContext, build_lexicon, understand
from nexatron.nlq.text import key_of
from nexatron.semantic.model import Dimension, Metric, SemanticLayer

NOUNS = [
    "revenue",
    "cost",
    "margin",
    "units",
    "orders",
    "visits",
    "signups",
    "refunds",
    "tickets",
    "hours",
    "seats",
    "claims",
    "payments",
    "invoices",
    "returns",
    "clicks",
    "leads",
    "deals",
    "calls",
    "minutes",
]
QUALS = [
    "gross",
    "net",
    "online",
    "retail",
    "partner",
    "domestic",
    "export",
    "regional",
    "quarterly",
    "weighted",
    "adjusted",
    "planned",
    "actual",
    "recurring",
    "direct",
]
DIMS = [
    "region",
    "country",
    "city",
    "channel",
    "segment",
    "plan",
    "category",
    "brand",
    "store",
    "team",
    "product",
    "supplier",
    "warehouse",
    "carrier",
    "device",
    "campaign",
    "source",
    "tier",
    "status",
    "priority",
]


def synthetic() -> tuple[SemanticLayer, dict[str, list[str]]]:
    rnd = random.Random(7)
    metrics = []
    for i in range(250):
        q, n = QUALS[i % len(QUALS)], NOUNS[(i // len(QUALS)) % len(NOUNS)]
        metrics.append(
            Metric(
                name=f"{q}_{n}_{i}",
                label=f"{q} {n} {i}".capitalize(),
                table=f"t{i % 25}",
                agg="sum",
                expr=f"c{i}",
                synonyms=[f"{n} {q} {i}"],
                time_dimension="d_date",
            )
        )
    dims = [Dimension(name="d_date", label="Date", table="t0", expr="day", type="time")]
    values: dict[str, list[str]] = {}
    for i in range(249):
        name = f"{DIMS[i % len(DIMS)]}_{i}"
        dims.append(
            Dimension(
                name=name, label=f"{DIMS[i % len(DIMS)]} {i}", table=f"t{i % 25}", expr=f"x{i}"
            )
        )
        sep = ["-", " ", " ", " ", " "]  # one value in five has punctuation
        values[name] = [
            f"{rnd.choice(QUALS)} {rnd.choice(DIMS)} {i}{sep[j % 5]}{j}" for j in range(201)
        ]
    return SemanticLayer(metrics=metrics, dimensions=dims), values


def pct(xs: list[float], p: float) -> float:
    s = sorted(xs)
    return s[min(len(s) - 1, round(p * (len(s) - 1)))]


def main() -> None:
    layer, values = synthetic()
    builds, plain = [], []
    for _ in range(5):
        t = time.perf_counter()
        lex = build_lexicon(layer, values)
        builds.append((time.perf_counter() - t) * 1000)
        t = time.perf_counter()
        d: dict[str, list[tuple[str, str]]] = {}
        for k, vs in values.items():
            for v in vs:
                d.setdefault(v.lower(), []).append((k, v))
        plain.append((time.perf_counter() - t) * 1000)
    ctx = DateContext(now=dt.datetime(2026, 3, 15, tzinfo=dt.UTC))
    questions = [
        "gross revenue 0 by region 0 last quarter",
        "top 5 channel 3 by net cost 16",
        "online margin 32 in 2025 by month",
        "how many retail units 48 by segment 4 excluding gross plan 4 3",
        "regional orders 67 for the past 30 days",
        "revenue by favourite colour",
        "partner visits 98 by category 5 and store 8 since January",
        "weighted signups 130 over 1000 by team 10",
    ]
    understand(questions[0], lex, ctx=ctx)  # warm caches (typo index built lazily once)
    times: list[float] = []
    for _ in range(200):
        for text in questions:
            t = time.perf_counter()
            with contextlib.suppress(NexatronError):
                understand(text, lex, ctx=ctx)
            times.append((time.perf_counter() - t) * 1000)
    key = key_of("revenue")
    lookups = []
    for _ in range(20000):
        t = time.perf_counter()
        lex.lookup(key)
        lookups.append((time.perf_counter() - t) * 1e6)
    print(
        f"layer: {len(layer.metrics)} metrics, {len(layer.dimensions)} dimensions, "
        f"{sum(len(v) for v in values.values())} values"
    )
    print(
        f"build_lexicon       p50 {statistics.median(builds):8.1f} ms"
        f"   p95 {pct(builds, 0.95):8.1f} ms"
    )
    print(
        f"  baseline dict     p50 {statistics.median(plain):8.1f} ms"
        "   (plain dict of the same values)"
    )
    print(
        f"understand          p50 {statistics.median(times):8.3f} ms"
        f"   p95 {pct(times, 0.95):8.3f} ms"
        f"   ({len(times)} parses)"
    )
    print(
        f"  baseline lookup   p50 {statistics.median(lookups):8.3f} us"
        "   (one token, one dict lookup)"
    )


if __name__ == "__main__":
    main()
