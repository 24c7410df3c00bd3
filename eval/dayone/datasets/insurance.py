"""Insurance policies and claims: customers, policies, claims, claim payments and adjusters.
Abbreviated camelCase column names with an `ins_` prefix on every table (ins_pol.polNo,
ins_clm.clmAmt), no declared keys.

Two policyholders are called "Michael Johnson"; two adjusters tie on the number of claims handled.
Claims run up to the eval's now (2026-06-17 10:00); recent claims may still be open.
"""

from __future__ import annotations

import datetime as dt
import random

import duckdb

from nexatron.evaluation.datagen import insert_rows as _insert

NOW = dt.datetime(2026, 6, 17, 10, 0)
STATES = ["CA", "TX", "FL", "NY", "IL", "OH", "GA", "WA"]
PRODUCTS = [
    ("AUTO", "Auto", 1100),
    ("HOME", "Homeowners", 1500),
    ("RENT", "Renters", 220),
    ("LIFE", "Term Life", 600),
    ("PET", "Pet", 380),
]
FIRST = [
    "Michael",
    "Jennifer",
    "Carlos",
    "Aaliyah",
    "Wei",
    "Sarah",
    "David",
    "Priya",
    "Kevin",
    "Maria",
    "Brian",
    "Tanya",
]
LAST = ["Johnson", "Williams", "Rodriguez", "Nguyen", "Brown", "Davis", "Patel", "Wilson"]
ADJUSTERS = [
    (1, "Gary Holt", "CA"),
    (2, "Nadia Ruiz", "TX"),
    (3, "Tom Becker", "FL"),
    (4, "Lena Fox", "NY"),
    (5, "Raj Mehta", "IL"),
]
CAUSES = {
    "AUTO": ["Collision", "Theft", "Glass"],
    "HOME": ["Water damage", "Fire", "Storm", "Theft"],
    "RENT": ["Theft", "Water damage"],
    "LIFE": ["Death"],
    "PET": ["Illness", "Accident"],
}

DDL = """
CREATE TABLE ins_cust (custNo INTEGER, custNm VARCHAR, birthDt DATE, stateCd VARCHAR,
  custSinceDt DATE, emailAddr VARCHAR);
CREATE TABLE ins_prod (prodCd VARCHAR, prodNm VARCHAR, basePremAmt INTEGER);
CREATE TABLE ins_pol (polNo VARCHAR, custNo INTEGER, prodCd VARCHAR, effDt DATE, expDt DATE,
  annPremAmt DECIMAL(10, 2), dedAmt INTEGER, polStat VARCHAR);
CREATE TABLE ins_adj (adjNo INTEGER, adjNm VARCHAR, stateCd VARCHAR);
CREATE TABLE ins_clm (clmNo VARCHAR, polNo VARCHAR, adjNo INTEGER, lossDt DATE,
  rptTs TIMESTAMP, causeDesc VARCHAR, clmAmt DECIMAL(12, 2), clmStat VARCHAR, closeDt DATE);
CREATE TABLE ins_pmt (pmtNo INTEGER, clmNo VARCHAR, pmtDt DATE, pmtAmt DECIMAL(12, 2),
  payeeTyp VARCHAR);
"""


def build(path: str) -> None:
    """Create the DuckDB file at `path`."""
    rng = random.Random(2020)
    custs = []
    for i in range(1, 501):
        name = f"{rng.choice(FIRST)} {rng.choice(LAST)}"
        if name == "Michael Johnson":
            name = "Michael Davis"
        if i in (3, 321):
            name = "Michael Johnson"
        custs.append(
            (
                i,
                name,
                dt.date(rng.randint(1945, 2004), rng.randint(1, 12), rng.randint(1, 28)),
                rng.choice(STATES),
                (NOW - dt.timedelta(days=int(4000 * rng.random() ** 1.3))).date(),
                f"c{i}@example.net",
            )
        )
    pols = []
    for c in custs[:470]:  # customers 471..500 are prospects without a policy
        for prod in rng.sample(PRODUCTS, rng.choice([1, 1, 2, 2, 3])):
            eff = max(c[4], (NOW - dt.timedelta(days=rng.randint(0, 1000))).date())
            exp = eff + dt.timedelta(days=365)
            stat = "Active" if exp > NOW.date() else "Expired"
            if stat == "Active" and rng.random() < 0.06:
                stat = "Cancelled"
            prem = round(prod[2] * rng.uniform(0.7, 1.6), 2)
            pols.append(
                (
                    f"P{len(pols) + 10001}",
                    c[0],
                    prod[0],
                    eff,
                    exp,
                    prem,
                    rng.choice([250, 500, 1000, 2500]),
                    stat,
                )
            )
    claims, pmts = [], []
    adj_w = [4, 3, 3, 2, 0]  # Raj Mehta has not been assigned a claim yet
    for i in range(1, 901):
        p = pols[int(len(pols) * rng.random() ** 1.1)]
        loss = p[3] + dt.timedelta(days=rng.randint(0, 364))
        if loss >= NOW.date():
            loss = NOW.date() - dt.timedelta(days=rng.randint(1, 30))
        rpt = dt.datetime.combine(
            loss + dt.timedelta(days=rng.randint(0, 20)),
            dt.time(rng.randint(8, 18), rng.randint(0, 59)),
        )
        if rpt > NOW:
            rpt = NOW - dt.timedelta(hours=rng.randint(1, 40))
        amt = round(rng.lognormvariate(7.8, 1.0) * (8 if p[2] == "LIFE" else 1), 2)
        age = (NOW - rpt).days
        stat = (
            "Open"
            if age < 45 and rng.random() < 0.7
            else rng.choices(["Paid", "Denied", "Withdrawn"], [7, 2, 1])[0]
        )
        close = (
            None
            if stat == "Open"
            else min(NOW.date(), rpt.date() + dt.timedelta(days=rng.randint(5, 90)))
        )
        adj = rng.choices(ADJUSTERS, adj_w)[0][0]
        clm = f"C{50000 + i}"
        claims.append((clm, p[0], adj, loss, rpt, rng.choice(CAUSES[p[2]]), amt, stat, close))
        if stat == "Paid":
            paid = max(0.0, float(amt) - p[6])
            for k in range(rng.choice([1, 1, 2])):
                pmts.append(
                    (
                        len(pmts) + 1,
                        clm,
                        close - dt.timedelta(days=k * 10),
                        round(paid / (k + 1.5), 2),
                        rng.choice(["Insured", "Repairer", "Vet", "Beneficiary"]),
                    )
                )
    # make two adjusters tie on claims handled: move claims from Gary Holt to Lena Fox
    counts = {a[0]: sum(1 for c in claims if c[2] == a[0]) for a in ADJUSTERS}
    target = counts[2]
    moved = 0
    for k, c in enumerate(claims):
        if counts[4] + moved >= target:
            break
        if c[2] == 1:
            claims[k] = (*c[:2], 4, *c[3:])
            moved += 1
    con = duckdb.connect(path)
    try:
        con.execute(DDL)
        _insert(con, "ins_cust", custs)
        _insert(con, "ins_prod", PRODUCTS)
        _insert(con, "ins_pol", pols)
        _insert(con, "ins_adj", ADJUSTERS)
        _insert(con, "ins_clm", claims)
        _insert(con, "ins_pmt", pmts)
    finally:
        con.close()
