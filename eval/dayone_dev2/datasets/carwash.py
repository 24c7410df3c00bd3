"""Car wash chain: sites, wash packages, monthly members, staff and washes (abbreviated
snake_case with a `cw_` prefix, no declared keys: `cw_wash.site_cd` -> `cw_site.site_cd`,
`cw_wash.pkg_cd` -> `cw_pkg.pkg_cd`, `cw_wash.memb_no` -> `cw_memb.memb_no`,
`cw_wash.stf_id` -> `cw_staff.stf_id`, `cw_memb.home_site` -> `cw_site.site_cd`,
`cw_staff.sup_id` -> `cw_staff.stf_id`).

Deterministic (seeded `random.Random`). Two members are both called "Jordan Lee"; pay-as-you-go
washes have no member (NULL `memb_no`, paid at the full price) while members' washes are paid at
0 because the plan covers them; `cncl_dt` is NULL for members who never cancelled and lies after
the eval's now (2026-06-17) for members who have given notice but are still active until then;
staff point at their supervisor (`sup_id`, NULL for the area manager). One package was never sold,
some members never washed and a new hire has no washes. Sites tie on bays (6, 6, 4, 4) at a top-3
cut-off.
"""

from __future__ import annotations

import datetime as dt
import random

import duckdb

from nexatron.evaluation.datagen import insert_rows as _insert

NOW = dt.datetime(2026, 6, 17, 10, 0)
# site_cd, site_nm, town, bays, opn_dt
SITES = [
    ("ALT", "Altrincham Road", "Sale", 4, dt.date(2016, 5, 1)),
    ("DID", "Didsbury Village", "Manchester", 3, dt.date(2019, 3, 18)),
    ("HYD", "Hyde Retail Park", "Hyde", 6, dt.date(2021, 7, 1)),
    ("WIG", "Wigan Pier", "Wigan", 4, dt.date(2023, 10, 9)),
    ("BRY", "Bury Interchange", "Bury", 6, dt.date(2025, 4, 14)),
]
# pkg_cd, pkg_nm, prc, mins
PACKAGES = [
    ("EXP", "Express Wash", 6.0, 8),
    ("STD", "Standard Wash & Dry", 9.5, 15),
    ("DLX", "Deluxe (wax + wheels)", 14.0, 25),
    ("INT", "Interior Valet", 22.0, 40),
    ("FULL", "Full Valet", 45.0, 90),
    ("CER", "Ceramic Coat", 120.0, 180),
]
UNSOLD = "CER"
# stf_id, stf_nm, site_cd, sup_id, hire_dt
STAFF = [
    (1, "Karen Holt", "ALT", None, dt.date(2016, 5, 1)),
    (2, "Dean Russo", "ALT", 1, dt.date(2018, 2, 12)),
    (3, "Jas Kaur", "DID", 1, dt.date(2019, 3, 18)),
    (4, "Mo Farouk", "HYD", 1, dt.date(2021, 7, 1)),
    (5, "Lee Brennan", "HYD", 4, dt.date(2022, 1, 10)),
    (6, "Tyler Gomes", "WIG", 4, dt.date(2023, 10, 9)),
    (7, "Ana Pereira", "BRY", 4, dt.date(2025, 4, 14)),
    (8, "Sean Doyle", "DID", 3, dt.date(2026, 6, 15)),
]
NEW_HIRE = 8
FIRST = [
    "Jordan",
    "Aisha",
    "Craig",
    "Megan",
    "Tariq",
    "Gemma",
    "Liam",
    "Zara",
    "Neil",
    "Holly",
    "Sunil",
    "Kirsty",
    "Bradley",
    "Nina",
    "Ross",
]
LAST = ["Lee", "Ahmed", "Wright", "Kelly", "Hussain", "Roberts", "Green", "Walsh", "Cooper"]
PLANS = [19.99, 29.99, 29.99, 39.99]


def _members(rng: random.Random) -> list[tuple[object, ...]]:
    rows: list[tuple[object, ...]] = []
    used: set[tuple[str, str]] = set()
    for no in range(1, 51):
        if no in (7, 33):
            first, last = "Jordan", "Lee"
        else:
            first, last = rng.choice(FIRST), rng.choice(LAST)
            while (first, last) in used or (first, last) == ("Jordan", "Lee"):
                first, last = rng.choice(FIRST), rng.choice(LAST)
        used.add((first, last))
        area = rng.choice(["MA", "MF", "MX", "BD", "YR"])
        year = rng.randint(15, 25)
        letters = "".join(rng.choice("ABCDEFGHJKLMNPRSTUVWXYZ") for _ in range(3))
        plate = f"{area}{year} {letters}"
        site = rng.choice(SITES)
        joined = max(site[4], dt.date(2024, 1, 1)) + dt.timedelta(days=rng.randint(0, 420))
        cancel: dt.date | None = None
        roll = rng.random()
        if roll < 0.2:
            cancel = joined + dt.timedelta(days=rng.randint(40, 300))
            if cancel >= NOW.date():
                cancel = dt.date(2026, 5, 31)
        elif roll < 0.28:
            cancel = rng.choice([dt.date(2026, 6, 30), dt.date(2026, 7, 31)])  # notice given
        if no == 33:
            cancel = None
        rows.append((no, first, last, plate, site[0], joined, cancel, rng.choice(PLANS)))
    return rows


def _washes(rng: random.Random, members: list[tuple[object, ...]]) -> list[tuple[object, ...]]:
    rows: list[tuple[object, ...]] = []
    start = dt.datetime(2025, 6, 1, 7, 0)
    span = int((NOW - start).total_seconds() // 60)
    sold = [p for p in PACKAGES if p[0] != UNSOLD]
    washers = [m for m in members if int(str(m[0])) % 12 != 5]
    for wid in range(1, 461):
        at = start + dt.timedelta(minutes=rng.randint(0, span))
        at = at.replace(hour=rng.randint(7, 19))
        if at > NOW:
            at -= dt.timedelta(days=1)
        site = rng.choice([s for s in SITES if s[4] <= at.date()])
        crew = [s[0] for s in STAFF if s[2] == site[0] and s[0] != NEW_HIRE]
        pkg = rng.choices(sold, [6, 8, 5, 3, 1])[0]
        member = None
        if rng.random() < 0.45:
            cand = rng.choice(washers)
            joined, cancel = cand[5], cand[6]
            assert isinstance(joined, dt.date)
            if joined <= at.date() and (
                cancel is None or (isinstance(cancel, dt.date) and at.date() < cancel)
            ):
                member = cand[0]
        if wid % 80 == 17:
            member = 33  # the second "Jordan Lee" (joined in April 2025, never cancelled)
        paid = 0.0 if member is not None else pkg[2]
        pay = "plan" if member is not None else rng.choice(["card", "card", "card", "cash"])
        rows.append((wid, site[0], pkg[0], member, at, paid, pay, rng.choice(crew)))
    return rows


def build(path: str) -> None:
    rng = random.Random(7788)
    con = duckdb.connect(path)
    con.execute(
        "CREATE TABLE cw_site (site_cd VARCHAR, site_nm VARCHAR, town VARCHAR, bays INTEGER,"
        " opn_dt DATE)"
    )
    con.execute(
        "CREATE TABLE cw_pkg (pkg_cd VARCHAR, pkg_nm VARCHAR, prc DECIMAL(6,2), mins INTEGER)"
    )
    con.execute(
        "CREATE TABLE cw_staff (stf_id INTEGER, stf_nm VARCHAR, site_cd VARCHAR, sup_id INTEGER,"
        " hire_dt DATE)"
    )
    con.execute(
        "CREATE TABLE cw_memb (memb_no INTEGER, f_nm VARCHAR, l_nm VARCHAR, plate VARCHAR,"
        " home_site VARCHAR, join_dt DATE, cncl_dt DATE, mthly_fee DECIMAL(6,2))"
    )
    con.execute(
        "CREATE TABLE cw_wash (wash_id INTEGER, site_cd VARCHAR, pkg_cd VARCHAR, memb_no INTEGER,"
        " wash_ts TIMESTAMP, amt_pd DECIMAL(6,2), pay_typ VARCHAR, stf_id INTEGER)"
    )
    members = _members(rng)
    _insert(con, "cw_site", SITES)
    _insert(con, "cw_pkg", PACKAGES)
    _insert(con, "cw_staff", STAFF)
    _insert(con, "cw_memb", members)
    _insert(con, "cw_wash", _washes(rng, members))
    con.close()
