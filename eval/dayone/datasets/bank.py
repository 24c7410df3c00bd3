"""Retail bank: customers, accounts, transactions (a sender and a receiver account, both pointing
at acAccount) and a status code lookup. Abbreviated camelCase with an `ac` prefix, no declared
keys: acTransaction.srcAcctNo / dstAcctNo match acAccount.acctNo, acTransaction.txnStatCd
matches acTxnStatus.statCd.

Two customers are both called "Maria Santos"; two branches tie on the number of customers.
Timestamps run up to the eval's now (2026-06-17 10:00), a few of them today.
"""

from __future__ import annotations

import datetime as dt
import random

import duckdb

from nexatron.evaluation.datagen import insert_rows as _insert

NOW = dt.datetime(2026, 6, 17, 10, 0)
STATUSES = [("C", "Completed"), ("P", "Pending"), ("F", "Failed"), ("R", "Reversed")]
TYPES = [("TRF", "Transfer"), ("PAY", "Bill payment"), ("DEP", "Deposit"), ("WDL", "Withdrawal")]
BRANCHES = ["Lisbon Centro", "Porto Baixa", "Coimbra", "Faro", "Braga"]
FIRST = [
    "Maria",
    "Joao",
    "Ana",
    "Pedro",
    "Rita",
    "Tiago",
    "Sofia",
    "Rui",
    "Ines",
    "Carlos",
    "Beatriz",
    "Miguel",
]
LAST = [
    "Santos",
    "Ferreira",
    "Pereira",
    "Oliveira",
    "Costa",
    "Rodrigues",
    "Martins",
    "Sousa",
    "Gomes",
]

DDL = """
CREATE TABLE acCustomer (custNo INTEGER, custNm VARCHAR, birthDt DATE, city VARCHAR,
  branchNm VARCHAR, segCd VARCHAR, custSinceDt DATE);
CREATE TABLE acAccount (acctNo VARCHAR, custNo INTEGER, acctTyp VARCHAR, ccy VARCHAR,
  openDt DATE, closeDt DATE, balAmt DECIMAL(12, 2), ovdLimitAmt DECIMAL(10, 2));
CREATE TABLE acTxnStatus (statCd VARCHAR, statDesc VARCHAR);
CREATE TABLE acTxnType (typCd VARCHAR, typDesc VARCHAR);
CREATE TABLE acTransaction (txnNo BIGINT, srcAcctNo VARCHAR, dstAcctNo VARCHAR, txnTs TIMESTAMP,
  txnAmt DECIMAL(12, 2), txnTypCd VARCHAR, txnStatCd VARCHAR, chnl VARCHAR, memoTxt VARCHAR);
"""


def build(path: str) -> None:
    """Create the DuckDB file at `path`."""
    rng = random.Random(8008)
    custs = []
    for i in range(1, 301):
        name = f"{rng.choice(FIRST)} {rng.choice(LAST)}"
        if name == "Maria Santos":
            name = "Rita Gomes"
        if i in (44, 201):
            name = "Maria Santos"
        branch = BRANCHES[i % 5] if i <= 250 else BRANCHES[(i % 2) * 2]
        since = (NOW - dt.timedelta(days=int(5000 * rng.random() ** 1.2))).date()
        born = dt.date(rng.randint(1950, 2005), rng.randint(1, 12), rng.randint(1, 28))
        custs.append(
            (
                i,
                name,
                born,
                branch.split()[0],
                branch,
                rng.choices(["RET", "PRM", "SME"], [7, 2, 1])[0],
                since,
            )
        )
    accts = []
    for c in custs:
        for k in range(rng.choice([1, 1, 2, 2, 3])):
            typ = ["CHK", "SAV", "CRD"][k]
            opened = c[6] + dt.timedelta(days=rng.randint(0, 400))
            if opened > NOW.date():
                opened = NOW.date()
            closed = (
                opened + dt.timedelta(days=rng.randint(200, 900)) if rng.random() < 0.08 else None
            )
            if closed is not None and closed > NOW.date():
                closed = None
            bal = (
                0.0
                if closed
                else round(rng.uniform(-800, 60000) if typ != "CRD" else -rng.uniform(0, 4000), 2)
            )
            accts.append(
                (
                    f"PT{c[0]:04d}{k}",
                    c[0],
                    typ,
                    "EUR" if rng.random() < 0.93 else "USD",
                    opened,
                    closed,
                    bal,
                    500.0 if typ == "CHK" else 0.0,
                )
            )
    live = [a for a in accts if a[5] is None]
    txns = []
    for i in range(1, 3201):
        typ = rng.choices([t[0] for t in TYPES], [4, 3, 2, 2])[0]
        src = live[int(len(live) * rng.random() ** 1.3)][0]
        dst = rng.choice(live)[0] if typ in ("TRF", "PAY") else None
        if typ == "DEP":
            src, dst = None, src
        ts = NOW - dt.timedelta(minutes=int(500 * 1440 * rng.random() ** 1.3) + 1)
        amt = round(rng.lognormvariate(4.5, 1.1), 2)
        stat = rng.choices([s[0] for s in STATUSES], [90, 4, 4, 2])[0]
        if ts > NOW - dt.timedelta(hours=6) and rng.random() < 0.5:
            stat = "P"
        chnl = rng.choice(["MOBILE", "MOBILE", "WEB", "BRANCH", "ATM"])
        txns.append((100000 + i, src, dst, ts, amt, typ, stat, chnl, None))
    con = duckdb.connect(path)
    try:
        con.execute(DDL)
        _insert(con, "acCustomer", custs)
        _insert(con, "acAccount", accts)
        _insert(con, "acTxnStatus", STATUSES)
        _insert(con, "acTxnType", TYPES)
        _insert(con, "acTransaction", txns)
    finally:
        con.close()
