"""`POST /semantic/bootstrap` against a real `nexatron serve` process over HTTP.

Starts a server on a fresh data dir, writes DuckDB files of N tables (N doubling) in the style of
an uncurated schema (shared `ac` prefix, camelCase, abbreviations, keys with no foreign keys, 200
rows each, one in five key columns pointing at a table that does not hold all its values), and
times a dry-run bootstrap of each: introspection, names, and every relationship guess verified on
the data. The floor, measured in the same run, is the bootstrap of the demo database. `growth` is
time(N) / time(N/2): about 2 is linear. `--src` runs another source tree (see bench_import.py).

    .venv/bin/python bench/bench_bootstrap.py [--sizes 25,50,100,200]
"""

from __future__ import annotations

import argparse
import statistics
import sys
import tempfile
import time
from pathlib import Path

import duckdb
import httpx

sys.path.insert(0, str(Path(__file__).resolve().parent))
from bench_import import start  # the server starter shared with the import bench

HERE = Path(__file__).resolve().parent


def build(path: Path, tables: int, rows: int = 200) -> None:
    """Tables acThing<i>: a key, a link to table (i*7) % tables, measures, a code, a date."""
    con = duckdb.connect(str(path))
    try:
        for i in range(tables):
            parent = (i * 7) % tables
            con.execute(
                f'CREATE TABLE "acThing{i}" ("thing{i}No" INTEGER, "thing{parent}No" INTEGER,'
                f' "txnAmt" DECIMAL(12,2), "qty" INTEGER, "statCd" VARCHAR, "crtDt" DATE)'
                if parent != i
                else f'CREATE TABLE "acThing{i}" ("thing{i}No" INTEGER, "txnAmt" DECIMAL(12,2),'
                ' "qty" INTEGER, "statCd" VARCHAR, "crtDt" DATE)'
            )
            # every fifth link holds values its parent lacks: refused after the containment check
            spread = rows * 2 if i % 5 == 0 else rows
            link = f"(r * 31) % {spread}, " if parent != i else ""
            con.execute(
                f'INSERT INTO "acThing{i}" SELECT r, {link}r * 1.5, r % 7,'
                f" ['A', 'B', 'C'][1 + r % 3], DATE '2026-01-01' + (r % 365)::INTEGER"
                f" FROM range({rows}) t(r)"
            )
    finally:
        con.close()


def timed(http: httpx.Client, connection_id: str, runs: int) -> tuple[float, dict[str, int]]:
    samples, counts = [], {}
    for _ in range(runs):
        begin = time.perf_counter()
        r = http.post(
            "/api/v1/semantic/bootstrap", json={"connection_id": connection_id, "apply": False}
        )
        samples.append(time.perf_counter() - begin)
        if r.status_code != 200:
            raise SystemExit(f"bootstrap answered {r.status_code}: {r.text[:300]}")
        report = r.json()["report"]
        counts = {
            "relationships": sum(d["kind"] == "relationship" for d in report["declared"]),
            "refused": sum(d["kind"] == "relationship" for d in report["refused"]),
            "objects": len(report["declared"]),
        }
    return statistics.median(samples), counts


def main() -> None:
    parser = argparse.ArgumentParser()
    parser.add_argument("--src", type=Path, default=HERE.parent / "src")
    parser.add_argument("--sizes", default="25,50,100,200")
    parser.add_argument("--runs", type=int, default=3)
    args = parser.parse_args()
    with tempfile.TemporaryDirectory(prefix="nx_bench_bootstrap_") as tmp:
        # the connection policy allows database files only under the operator's roots
        roots = {"NEXATRON_FILE_ROOTS": tmp}
        proc, base, key = start(args.src.resolve(), Path(tmp) / "data", roots)
        try:
            with httpx.Client(
                base_url=base, timeout=600, headers={"Authorization": f"Bearer {key}"}
            ) as http:
                [demo] = http.get("/api/v1/connections").json()["data"]
                print(f"server from {args.src}")
                floor, _ = timed(http, demo["id"], 5)
                print(f"floor (demo database): {floor * 1000:.0f} ms")
                print(
                    f"{'tables':>7} {'objects':>8} {'links':>6} {'refused':>8}"
                    f" {'seconds':>8} {'growth':>7}"
                )
                previous = None
                for size in (int(s) for s in args.sizes.split(",")):
                    path = Path(tmp) / f"things_{size}.duckdb"
                    build(path, size)
                    made = http.post(
                        "/api/v1/connections",
                        json={"name": f"t{size}", "type": "duckdb", "config": {"path": str(path)}},
                    )
                    if made.status_code != 201:
                        raise SystemExit(f"connection answered {made.status_code}: {made.text}")
                    seconds, counts = timed(http, made.json()["id"], args.runs)
                    growth = f"{seconds / previous:.1f}x" if previous else ""
                    print(
                        f"{size:>7} {counts['objects']:>8} {counts['relationships']:>6}"
                        f" {counts['refused']:>8} {seconds:>8.2f} {growth:>7}"
                    )
                    previous = seconds
        finally:
            proc.terminate()
            proc.wait(timeout=20)


if __name__ == "__main__":
    main()
