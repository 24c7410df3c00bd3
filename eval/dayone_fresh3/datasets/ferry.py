"""Island ferry operator: ports, vessels, routes, sailings and tickets (`fr_` prefix, abbreviated
snake_case: `fr_vsl.pax_cap`, `fr_sail.dep_ts`, `fr_tkt.paid_amt`; no declared keys;
`fr_rte.from_port` and `fr_rte.to_port` both point at `fr_port.port_cd`).

Deterministic (seeded `random.Random`). Two ports are both named "St. Mary's" (on different
islands); two vessels tie on passenger capacity; one vessel (delivered this year) has never sailed
and one route has no sailings. Sailings after the eval's now (2026-06-17) are `SCHEDULED` and
already sell tickets; cancelled sailings have no departure delay (NULL `delay_min`).
"""

from __future__ import annotations

import datetime as dt
import random

import duckdb

from nexatron.evaluation.datagen import insert_rows as _insert

NOW = dt.datetime(2026, 6, 17, 10, 0)
PORTS = [
    ("PEN", "Penzance", "Mainland"),
    ("SMH", "St. Mary's", "St Mary's Isle"),
    ("TRE", "Tresco Quay", "Tresco"),
    ("BRH", "Bryher Pier", "Bryher"),
    ("SMA", "St. Mary's", "Agnes Island"),
    ("FAL", "Falmouth", "Mainland"),
    ("MRT", "Martin's Bay", "St Martin's"),
]
VESSELS = [
    (1, "Scillonian Star", 600, 40, 2008),
    (2, "Island Pride", 350, 20, 2012),
    (3, "Sea Wren", 120, 0, 2016),
    (4, "Atlantic Dawn", 350, 25, 2019),
    (5, "Gull Runner", 90, 0, 2021),
    (6, "Channel Breeze", 240, 12, 2026),
]
ROUTES = [
    (10, "PEN", "SMH", 38.5, 52.0),
    (11, "SMH", "PEN", 38.5, 52.0),
    (12, "SMH", "TRE", 3.2, 9.5),
    (13, "TRE", "SMH", 3.2, 9.5),
    (14, "SMH", "BRH", 4.1, 10.5),
    (15, "SMH", "SMA", 2.6, 8.0),
    (16, "SMH", "MRT", 3.9, 10.0),
    (17, "FAL", "SMH", 52.0, 64.0),
]
ROUTE_VESSELS = {
    10: [1, 2, 4],
    11: [1, 2, 4],
    12: [3, 5],
    13: [3, 5],
    14: [3, 5],
    15: [5],
    16: [3, 5],
    17: [],
}

DDL = """
CREATE TABLE fr_port (port_cd VARCHAR, port_nm VARCHAR, island_nm VARCHAR);
CREATE TABLE fr_vsl (vsl_id INTEGER, vsl_nm VARCHAR, pax_cap INTEGER, veh_cap INTEGER,
  built_yr INTEGER);
CREATE TABLE fr_rte (rte_no INTEGER, from_port VARCHAR, to_port VARCHAR, dist_nm DECIMAL(5, 1),
  adult_fare DECIMAL(6, 2));
CREATE TABLE fr_sail (sail_id INTEGER, rte_no INTEGER, vsl_id INTEGER, dep_ts TIMESTAMP,
  sts VARCHAR, delay_min INTEGER);
CREATE TABLE fr_tkt (tkt_id INTEGER, sail_id INTEGER, pax_qty INTEGER, veh_flg BOOLEAN,
  paid_amt DECIMAL(8, 2), sold_ts TIMESTAMP, sales_chnl VARCHAR);
"""


def build(path: str) -> None:
    """Create the DuckDB file at `path`."""
    rng = random.Random(3606)
    sails = []
    sid = 0
    day = dt.date(2025, 3, 1)
    while day <= dt.date(2026, 7, 31):
        summer = day.month in (5, 6, 7, 8, 9)
        for rte, vessels in ROUTE_VESSELS.items():
            if not vessels:
                continue
            runs = 1 if rte in (10, 11) else (2 if summer else 1)
            if rte in (10, 11) and not summer and day.weekday() == 6:
                continue
            if rte == 15 and day.weekday() not in (1, 4):
                continue
            for k in range(runs):
                sid += 1
                hour = {10: 9, 11: 16}.get(rte, 10 + 4 * k)
                dep = dt.datetime.combine(day, dt.time(hour, 15))
                vsl = vessels[(day.toordinal() + k) % len(vessels)]
                if dep >= NOW:
                    sts, delay = "SCHEDULED", None
                elif rng.random() < 0.04:
                    sts, delay = "CANCELLED", None
                else:
                    sts = "DEPARTED"
                    delay = 0 if rng.random() < 0.7 else rng.randint(5, 95)
                sails.append((sid, rte, vsl, dep, sts, delay))
        day += dt.timedelta(days=1)
    fare = {r[0]: r[4] for r in ROUTES}
    tickets = []
    tid = 0
    for s in sails:
        if s[4] == "CANCELLED" and rng.random() < 0.5:
            continue
        n = rng.randint(2, 9) if s[1] in (10, 11) else rng.randint(1, 5)
        for _ in range(n):
            tid += 1
            pax = rng.choice([1, 1, 2, 2, 2, 3, 4])
            veh = s[1] in (10, 11) and rng.random() < 0.2
            amt = round(pax * fare[s[1]] * rng.choice([1.0, 1.0, 0.5]) + (85.0 if veh else 0), 2)
            sold = s[3] - dt.timedelta(days=rng.randint(0, 45), hours=rng.randint(1, 30))
            if sold >= NOW:
                sold = NOW - dt.timedelta(hours=rng.randint(1, 300))
            chnl = rng.choice(["online", "online", "online", "kiosk", "agent"])
            tickets.append((800000 + tid, s[0], pax, veh, amt, sold, chnl))
    con = duckdb.connect(path)
    try:
        con.execute(DDL)
        _insert(con, "fr_port", PORTS)
        _insert(con, "fr_vsl", VESSELS)
        _insert(con, "fr_rte", ROUTES)
        _insert(con, "fr_sail", sails)
        _insert(con, "fr_tkt", tickets)
    finally:
        con.close()
