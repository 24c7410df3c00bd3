"""Fitness club chain dataset (blind round 3): clubs, members, memberships, trainers, classes,
class bookings and check-ins.

Deterministic (a seeded `random.Random`, only `random()` calls), declared primary and foreign keys,
skewed weights so rankings have no ties. About 19,000 rows in all.
"""

from __future__ import annotations

import datetime as dt
import random
from collections.abc import Sequence
from typing import Any

import duckdb

START = dt.date(2024, 1, 1)
END = dt.date(2026, 6, 16)  # last day with activity (the eval's "now" is 2026-06-17)

CLUBS = [
    (1, "Riverside", "Manchester", "North", dt.date(2015, 3, 1), True),
    (2, "City Centre", "Manchester", "North", dt.date(2017, 6, 15), False),
    (3, "Docklands", "London", "South", dt.date(2016, 9, 1), True),
    (4, "Camden", "London", "South", dt.date(2019, 2, 1), False),
    (5, "Canal Street", "Birmingham", "Midlands", dt.date(2018, 4, 10), True),
    (6, "Jewellery Quarter", "Birmingham", "Midlands", dt.date(2021, 11, 20), False),
    (7, "Harbourside", "Bristol", "South", dt.date(2020, 5, 5), True),
    (8, "Headingley", "Leeds", "North", dt.date(2022, 8, 1), False),
]
CLUB_W = [0.205, 0.155, 0.185, 0.095, 0.125, 0.065, 0.105, 0.065]
PLANS = [
    ("Basic", 24.99),
    ("Standard", 34.99),
    ("Premium", 54.99),
    ("Off-Peak", 19.99),
    ("Student", 17.99),
]
PLAN_W = [0.27, 0.33, 0.17, 0.14, 0.09]
FIRST = [
    "Amy",
    "Ben",
    "Cara",
    "Dev",
    "Ella",
    "Finn",
    "Gita",
    "Harry",
    "Isla",
    "Jack",
    "Kemi",
    "Liam",
    "Mia",
    "Nate",
    "Orla",
    "Priya",
    "Ravi",
    "Sara",
    "Tom",
    "Zoe",
    "Omar",
    "Lucy",
    "Kai",
    "Nia",
]
LAST = [
    "Patel",
    "Jones",
    "Smith",
    "Khan",
    "Brown",
    "Taylor",
    "Wilson",
    "Evans",
    "Walker",
    "Hughes",
    "Wright",
    "Clarke",
    "Hall",
    "Green",
    "Lewis",
    "Young",
    "Ali",
    "Moore",
    "King",
    "Hill",
]
SPECIALTIES = ["Mind & Body", "Strength & Conditioning", "Cycling", "Combat", "Dance", "Aquatics"]
CLASS_BY_SPEC = {
    "Mind & Body": ["Yoga", "Pilates"],
    "Strength & Conditioning": ["HIIT", "Body Pump"],
    "Cycling": ["Spin"],
    "Combat": ["Boxing"],
    "Dance": ["Zumba"],
    "Aquatics": ["Aqua Fit"],
}
INTENSITY = {
    "Yoga": "Low",
    "Pilates": "Low",
    "Aqua Fit": "Low",
    "Zumba": "Medium",
    "Body Pump": "Medium",
    "Spin": "High",
    "HIIT": "High",
    "Boxing": "High",
}


def _pick(rng: random.Random, items: Sequence[Any], weights: Sequence[float]) -> Any:
    x, acc = rng.random() * sum(weights), 0.0
    for item, w in zip(items, weights, strict=True):
        acc += w
        if x < acc:
            return item
    return items[-1]


def _lit(v: Any) -> str:
    if v is None:
        return "NULL"
    if isinstance(v, bool):
        return "true" if v else "false"
    if isinstance(v, int | float):
        return repr(v)
    if isinstance(v, dt.datetime):
        return f"TIMESTAMP '{v.isoformat(sep=' ')}'"
    if isinstance(v, dt.date):
        return f"DATE '{v.isoformat()}'"
    return "'" + str(v).replace("'", "''") + "'"


def _insert(con: duckdb.DuckDBPyConnection, table: str, rows: list[tuple[Any, ...]]) -> None:
    for i in range(0, len(rows), 500):
        values = ",".join("(" + ",".join(_lit(v) for v in r) + ")" for r in rows[i : i + 500])
        con.execute(f"INSERT INTO {table} VALUES {values}")


def _day(rng: random.Random, lo: dt.date, hi: dt.date, recent: float = 1.0) -> dt.date:
    span = (hi - lo).days
    return lo + dt.timedelta(days=int(span * rng.random() ** (1 / recent)))


def _members(rng: random.Random) -> list[tuple[Any, ...]]:
    rows = []
    for i in range(1, 2001):
        name = f"{FIRST[int(rng.random() * len(FIRST))]} {LAST[int(rng.random() * len(LAST))]}"
        gender = _pick(rng, ["Female", "Male", "Non-binary"], [0.52, 0.45, 0.03])
        club = _pick(rng, [c[0] for c in CLUBS], CLUB_W)
        joined = _day(rng, dt.date(2021, 1, 1), END, recent=1.6)
        source = _pick(
            rng,
            ["Walk-in", "Website", "Friend referral", "Corporate partner", "Social media"],
            [0.17, 0.34, 0.21, 0.08, 0.2],
        )
        rows.append((i, name, gender, club, joined, source, rng.random() < 0.14))
    return rows


def _memberships(rng: random.Random, members: list[tuple[Any, ...]]) -> list[tuple[Any, ...]]:
    rows, mid = [], 0
    for m in members:
        start = m[4]
        for _ in range(1 + (rng.random() < 0.22)):
            mid += 1
            plan, price = _pick(rng, PLANS, PLAN_W)
            if m[6] and rng.random() < 0.7:
                plan, price = PLANS[4]
            price = round(price * _pick(rng, [1.0, 0.9, 0.8], [0.75, 0.17, 0.08]), 2)
            cycle = _pick(rng, ["Monthly", "Annual"], [0.78, 0.22])
            ended = None
            r = rng.random()
            status = "Active"
            if r < 0.24:
                status, ended = "Cancelled", start + dt.timedelta(days=30 + int(rng.random() * 700))
            elif r < 0.3:
                status = "Frozen"
            if ended is not None and ended > END:
                status, ended = "Active", None
            rows.append((mid, m[0], plan, price, start, ended, cycle, rng.random() < 0.64, status))
            if ended is None:
                break
            start = ended + dt.timedelta(days=1 + int(rng.random() * 60))
            if start > END:
                break
    return rows


def _trainers(rng: random.Random) -> list[tuple[Any, ...]]:
    rows = []
    for i in range(1, 29):
        club = CLUBS[(i * 5) % 8][0]
        spec = SPECIALTIES[(i * 7) % 6]
        if spec == "Aquatics" and not CLUBS[club - 1][5]:
            spec = "Dance"
        if CLUBS[club - 1][5] and i % 4 == 0:
            spec = "Aquatics"
        name = f"{FIRST[(i * 11) % len(FIRST)]} {LAST[(i * 3) % len(LAST)]}"
        rate = round(18 + rng.random() * 22, 2)
        hired = _day(rng, dt.date(2016, 1, 1), dt.date(2026, 3, 1))
        etype = "Freelance" if rng.random() < 0.35 else "Full-time"
        rows.append((i, name, club, spec, rate, hired, etype))
    return rows


def _classes(rng: random.Random, trainers: list[tuple[Any, ...]]) -> list[tuple[Any, ...]]:
    rows = []
    tw = [0.5 + (i * 37 % 23) / 10 for i in range(len(trainers))]
    for i in range(1, 901):
        t = _pick(rng, trainers, tw)
        ctype = CLASS_BY_SPEC[t[3]][int(rng.random() * len(CLASS_BY_SPEC[t[3]]))]
        day = _day(rng, START, END, recent=1.2)
        hour = _pick(rng, [7, 9, 12, 17, 18, 19], [0.15, 0.12, 0.1, 0.18, 0.27, 0.18])
        starts = dt.datetime.combine(day, dt.time(hour, 0 if rng.random() < 0.6 else 30))
        duration = 45 if ctype in ("HIIT", "Spin", "Boxing") else 60
        capacity = {"Spin": 24, "Aqua Fit": 16, "Yoga": 20, "Pilates": 14}.get(ctype, 25)
        rows.append((i, ctype, t[0], t[2], starts, duration, capacity, INTENSITY[ctype]))
    return rows


def _bookings(rng: random.Random, classes: list[tuple[Any, ...]]) -> list[tuple[Any, ...]]:
    rows = []
    popular = {
        "Spin": 1.6,
        "HIIT": 1.4,
        "Yoga": 1.3,
        "Body Pump": 1.1,
        "Pilates": 0.9,
        "Zumba": 0.8,
        "Boxing": 0.7,
        "Aqua Fit": 0.5,
    }
    cw = [popular[c[1]] for c in classes]
    for i in range(1, 5001):
        c = _pick(rng, classes, cw)
        member = 1 + int(2000 * rng.random() ** 1.3)
        booked = c[4] - dt.timedelta(hours=2 + int(rng.random() * 140))
        attended = rng.random() < (0.86 if c[7] == "Low" else 0.76)
        rows.append((i, c[0], member, booked, attended))
    return rows


def _checkins(rng: random.Random, members: list[tuple[Any, ...]]) -> list[tuple[Any, ...]]:
    rows = []
    for i in range(1, 9001):
        m = members[int(2000 * rng.random() ** 1.5)]
        club = m[3] if rng.random() < 0.85 else _pick(rng, [c[0] for c in CLUBS], CLUB_W)
        day = _day(rng, max(m[4], START), END, recent=1.3)
        hour = _pick(rng, [6, 7, 8, 12, 13, 17, 18, 19, 20], [8, 12, 7, 6, 5, 11, 16, 13, 6])
        at = dt.datetime.combine(day, dt.time(hour, int(rng.random() * 60)))
        minutes = 20 + int(rng.random() * 70) + (15 if hour >= 17 else 0)
        method = _pick(rng, ["App", "Card", "Front desk"], [0.56, 0.33, 0.11])
        rows.append((i, m[0], club, at, minutes, method))
    return rows


DDL = """
CREATE TABLE clubs (club_id INTEGER PRIMARY KEY, club_name VARCHAR, city VARCHAR, region VARCHAR,
  opened_on DATE, has_pool BOOLEAN);
CREATE TABLE members (member_id INTEGER PRIMARY KEY, full_name VARCHAR, gender VARCHAR,
  home_club_id INTEGER REFERENCES clubs(club_id), joined_on DATE, referral_source VARCHAR,
  is_student BOOLEAN);
CREATE TABLE memberships (membership_id INTEGER PRIMARY KEY,
  member_id INTEGER REFERENCES members(member_id), plan_name VARCHAR, monthly_price DECIMAL(7, 2),
  started_on DATE, ended_on DATE, billing_cycle VARCHAR, auto_renew BOOLEAN, status VARCHAR);
CREATE TABLE trainers (trainer_id INTEGER PRIMARY KEY, trainer_name VARCHAR,
  club_id INTEGER REFERENCES clubs(club_id), specialty VARCHAR, hourly_rate DECIMAL(6, 2),
  hired_on DATE, employment_type VARCHAR);
CREATE TABLE classes (class_id INTEGER PRIMARY KEY, class_type VARCHAR,
  trainer_id INTEGER REFERENCES trainers(trainer_id), club_id INTEGER REFERENCES clubs(club_id),
  starts_at TIMESTAMP, duration_minutes INTEGER, capacity INTEGER, intensity VARCHAR);
CREATE TABLE class_bookings (booking_id INTEGER PRIMARY KEY,
  class_id INTEGER REFERENCES classes(class_id), member_id INTEGER REFERENCES members(member_id),
  booked_at TIMESTAMP, attended BOOLEAN);
CREATE TABLE check_ins (checkin_id INTEGER PRIMARY KEY,
  member_id INTEGER REFERENCES members(member_id), club_id INTEGER REFERENCES clubs(club_id),
  checked_in_at TIMESTAMP, visit_minutes INTEGER, entry_method VARCHAR);
"""


def build(path: str) -> None:
    """Create the DuckDB file at `path`."""
    rng = random.Random(20260617)
    members = _members(rng)
    trainers = _trainers(rng)
    classes = _classes(rng, trainers)
    con = duckdb.connect(path)
    try:
        con.execute(DDL)
        _insert(con, "clubs", list(CLUBS))
        _insert(con, "members", members)
        _insert(con, "memberships", _memberships(rng, members))
        _insert(con, "trainers", trainers)
        _insert(con, "classes", classes)
        _insert(con, "class_bookings", _bookings(rng, classes))
        _insert(con, "check_ins", _checkins(rng, members))
    finally:
        con.close()
