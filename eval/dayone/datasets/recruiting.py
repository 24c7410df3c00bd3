"""Recruiting pipeline (applicant tracking): candidates, job requisitions, applications,
interviews and offers. Abbreviated camelCase columns with a `crm_` prefix on every table
(crm_cand.candNo, crm_appl.applDt), no declared keys. An interview has an interviewer and a
shadowing interviewer, both recruiters (crm_rctr).

Two candidates are named "Jordan Taylor"; two requisitions share the title "Data Analyst"
(different departments); two requisitions tie on the top of the salary range. Applications run
up to the eval's now (2026-06-17 10:00).
"""

from __future__ import annotations

import datetime as dt
import random

import duckdb

from nexatron.evaluation.datagen import insert_rows as _insert

NOW = dt.datetime(2026, 6, 17, 10, 0)
JOBS = [
    (101, "Data Analyst", "Finance", "Remote", 65000, 85000, dt.date(2025, 9, 1), "Closed"),
    (102, "Data Analyst", "Marketing", "London", 60000, 80000, dt.date(2026, 2, 10), "Open"),
    (
        103,
        "Backend Engineer",
        "Engineering",
        "Berlin",
        80000,
        110000,
        dt.date(2025, 6, 15),
        "Closed",
    ),
    (104, "Product Manager", "Product", "London", 90000, 130000, dt.date(2026, 1, 5), "Open"),
    (105, "Sales Development Rep", "Sales", "Dublin", 38000, 50000, dt.date(2025, 11, 20), "Open"),
    (106, "UX Designer", "Product", "Remote", 60000, 82000, dt.date(2025, 8, 1), "Filled"),
    (107, "DevOps Engineer", "Engineering", "Berlin", 85000, 115000, dt.date(2026, 3, 1), "Open"),
    (108, "HR Generalist", "People", "Dublin", 45000, 58000, dt.date(2026, 6, 1), "Open"),
    (109, "Legal Counsel", "Legal", "London", 95000, 130000, dt.date(2026, 6, 15), "On hold"),
]
RECRUITERS = [
    (1, "Alice Moreno", "Engineering"),
    (2, "Ben Carter", "Business"),
    (3, "Chloe Singh", "Business"),
    (4, "Dan Kowal", "Engineering"),
    (5, "Eva Lind", "Business"),
]
SOURCES = ["LinkedIn", "Referral", "Careers site", "Job board", "Agency"]
STAGES = ["Applied", "Screen", "Interview", "Offer", "Hired", "Rejected", "Withdrawn"]
FIRST = [
    "Jordan",
    "Taylor",
    "Sam",
    "Alex",
    "Priya",
    "Mateo",
    "Hana",
    "Luca",
    "Ines",
    "Omar",
    "Freya",
    "Kofi",
]
LAST = ["Taylor", "Keane", "Ibrahim", "Lund", "Costa", "Fischer", "Ahmed", "Brennan", "Sato"]

DDL = """
CREATE TABLE crm_cand (candNo INTEGER, candNm VARCHAR, emailAddr VARCHAR, cityNm VARCHAR,
  yrsExp INTEGER, srcCd VARCHAR, crtTs TIMESTAMP);
CREATE TABLE crm_req (reqNo INTEGER, jobTtl VARCHAR, deptNm VARCHAR, locNm VARCHAR,
  salMin INTEGER, salMax INTEGER, openDt DATE, reqStat VARCHAR);
CREATE TABLE crm_rctr (rctrNo INTEGER, rctrNm VARCHAR, teamNm VARCHAR);
CREATE TABLE crm_appl (applNo INTEGER, candNo INTEGER, reqNo INTEGER, rctrNo INTEGER,
  applDt DATE, curStage VARCHAR, lastUpdTs TIMESTAMP);
CREATE TABLE crm_intvw (intvwNo INTEGER, applNo INTEGER, intvwTs TIMESTAMP, roundNo INTEGER,
  leadRctrNo INTEGER, shadowRctrNo INTEGER, scoreVal INTEGER);
CREATE TABLE crm_offer (offerNo INTEGER, applNo INTEGER, offerDt DATE, baseSalAmt INTEGER,
  acceptedFlg BOOLEAN);
"""


def build(path: str) -> None:
    """Create the DuckDB file at `path`."""
    rng = random.Random(2121)
    cands = []
    for i in range(1, 451):
        name = f"{rng.choice(FIRST)} {rng.choice(LAST)}"
        if name == "Jordan Taylor":
            name = "Jordan Keane"
        if i in (19, 260):
            name = "Jordan Taylor"
        crt = NOW - dt.timedelta(minutes=int(420 * 1440 * rng.random() ** 1.2) + 5)
        cands.append(
            (
                i,
                name,
                f"cand{i}@mail.example",
                rng.choice(["London", "Berlin", "Dublin", "Lisbon", "Madrid"]),
                rng.randint(0, 20),
                rng.choices(SOURCES, [5, 2, 3, 3, 1])[0],
                crt,
            )
        )
    appls, intvws, offers = [], [], []
    for i in range(1, 1101):
        c = cands[int(430 * rng.random())]  # candidates 431..450 have not applied yet
        j = rng.choices(JOBS, [3, 2, 4, 3, 4, 2, 2, 1, 0])[0]  # Legal Counsel: no applicants
        appl = max(c[6].date(), j[6]) + dt.timedelta(days=rng.randint(0, 60))
        if appl > NOW.date():
            appl = NOW.date()
        rctr = rng.choice(
            [r for r in RECRUITERS if (r[2] == "Engineering") == (j[2] == "Engineering")]
        )
        stage = rng.choices(STAGES, [4, 3, 2, 0.6, 0.8, 6, 1])[0]
        upd = dt.datetime.combine(appl, dt.time(9)) + dt.timedelta(hours=rng.randint(1, 900))
        upd = min(upd, NOW - dt.timedelta(minutes=5))
        appls.append((i, c[0], j[0], rctr[0], appl, stage, upd))
        if stage in ("Interview", "Offer", "Hired") or (stage == "Rejected" and rng.random() < 0.3):
            for rnd in range(1, rng.randint(2, 4)):
                ts = dt.datetime.combine(
                    appl + dt.timedelta(days=7 * rnd), dt.time(rng.randint(9, 16))
                )
                if ts > NOW:
                    break
                shadow = rng.choice([r[0] for r in RECRUITERS if r[0] != rctr[0]])
                intvws.append(
                    (
                        len(intvws) + 1,
                        i,
                        ts,
                        rnd,
                        rctr[0],
                        shadow if rng.random() < 0.6 else None,
                        rng.randint(1, 5),
                    )
                )
        if stage in ("Offer", "Hired"):
            odt = min(NOW.date(), appl + dt.timedelta(days=rng.randint(20, 45)))
            offers.append(
                (
                    len(offers) + 1,
                    i,
                    odt,
                    rng.randint(j[4] // 1000, j[5] // 1000) * 1000,
                    True if stage == "Hired" else None,
                )
            )
    con = duckdb.connect(path)
    try:
        con.execute(DDL)
        _insert(con, "crm_cand", cands)
        _insert(con, "crm_req", JOBS)
        _insert(con, "crm_rctr", RECRUITERS)
        _insert(con, "crm_appl", appls)
        _insert(con, "crm_intvw", intvws)
        _insert(con, "crm_offer", offers)
    finally:
        con.close()
