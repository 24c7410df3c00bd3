"""Charity fundraising: donors, appeals (campaigns), donations, regular-giving plans, events and
volunteer shifts. snake_case column names with an `fr_` prefix on every table, no declared keys.

Two donors are called "Margaret Hughes"; two appeals tie on target. Donations run up to the
eval's now (2026-06-17 10:00).
"""

from __future__ import annotations

import datetime as dt
import random

import duckdb

from nexatron.evaluation.datagen import insert_rows as _insert

NOW = dt.datetime(2026, 6, 17, 10, 0)
APPEALS = [
    (1, "Winter Shelter 2025", "Homelessness", 50000, dt.date(2025, 10, 1), dt.date(2026, 2, 28)),
    (2, "Clean Water Wells", "International", 120000, dt.date(2025, 3, 1), dt.date(2026, 3, 1)),
    (3, "Spring Food Drive", "Food poverty", 30000, dt.date(2026, 3, 1), dt.date(2026, 5, 31)),
    (4, "Summer Reading Camps", "Education", 30000, dt.date(2026, 5, 1), dt.date(2026, 8, 31)),
    (5, "Emergency Flood Relief", "Disaster", 200000, dt.date(2025, 11, 15), dt.date(2026, 1, 31)),
    (6, "General Fund", "Core", None, dt.date(2020, 1, 1), None),
    (7, "Autumn Gala Appeal", "Core", 80000, dt.date(2026, 9, 1), dt.date(2026, 11, 30)),
]
FIRST = [
    "Margaret",
    "David",
    "Aisha",
    "Peter",
    "Helen",
    "Kofi",
    "Joan",
    "Ravi",
    "Susan",
    "Liam",
    "Ewa",
    "Gareth",
]
LAST = ["Hughes", "Evans", "Begum", "Roberts", "Price", "Owusu", "Thomas", "Shah", "Jenkins"]
EVENT_DATES = [
    dt.date(2026, 6, 28),
    dt.date(2025, 4, 4),
    dt.date(2026, 3, 28),
    dt.date(2025, 8, 28),
    dt.date(2025, 7, 12),
    dt.date(2025, 12, 6),
    dt.date(2025, 9, 20),
    dt.date(2026, 6, 20),
]
REGIONS = ["Wales", "North West", "London", "Midlands", "Scotland", "South East"]

DDL = """
CREATE TABLE fr_donor (donor_id INTEGER, donor_name VARCHAR, region VARCHAR, birth_year INTEGER,
  first_gift_date DATE, gift_aid_eligible BOOLEAN, contact_pref VARCHAR);
CREATE TABLE fr_appeal (appeal_id INTEGER, appeal_name VARCHAR, cause VARCHAR,
  target_amount INTEGER, start_date DATE, end_date DATE);
CREATE TABLE fr_donation (donation_id INTEGER, donor_id INTEGER, appeal_id INTEGER,
  received_at TIMESTAMP, amount DECIMAL(10, 2), channel VARCHAR, is_anonymous BOOLEAN);
CREATE TABLE fr_regular_gift (plan_id INTEGER, donor_id INTEGER, monthly_amount DECIMAL(8, 2),
  started_on DATE, cancelled_on DATE);
CREATE TABLE fr_event (event_id INTEGER, event_name VARCHAR, event_date DATE, city VARCHAR,
  tickets_sold INTEGER, raised_amount DECIMAL(10, 2));
CREATE TABLE fr_volunteer_shift (shift_id INTEGER, event_id INTEGER, volunteer_name VARCHAR,
  hours DOUBLE);
"""


def build(path: str) -> None:
    """Create the DuckDB file at `path`."""
    rng = random.Random(3636)
    donors = []
    for i in range(1, 601):
        name = f"{rng.choice(FIRST)} {rng.choice(LAST)}"
        if name == "Margaret Hughes":
            name = "Margaret Evans"
        if i in (11, 444):
            name = "Margaret Hughes"
        donors.append(
            (
                i,
                name,
                rng.choice(REGIONS),
                rng.randint(1935, 2004),
                (NOW - dt.timedelta(days=int(3000 * rng.random() ** 1.2))).date(),
                rng.random() < 0.6,
                rng.choice(["Email", "Post", "Phone", "None"]),
            )
        )
    donations = []
    live = [a for a in APPEALS if a[4] <= NOW.date()]  # the autumn appeal has not opened
    for i in range(1, 3501):
        d = donors[int(570 * rng.random() ** 1.3)]  # donors 571..600 only give regularly
        a = rng.choices(live, [3, 3, 2, 1, 4, 5])[0]
        lo = max(a[4], d[4])
        hi = min(a[5] or NOW.date(), NOW.date())
        if lo > hi:
            a, lo, hi = APPEALS[5], d[4], NOW.date()
        day = lo + dt.timedelta(days=int((hi - lo).days * rng.random()))
        at = dt.datetime.combine(day, dt.time(rng.randint(0, 23), rng.randint(0, 59)))
        if at > NOW:
            at = NOW - dt.timedelta(minutes=rng.randint(1, 600))
        amt = round(
            rng.choice([5, 10, 10, 20, 25, 50, 100, 250]) * rng.uniform(0.9, 1.1)
            if rng.random() < 0.97
            else rng.uniform(1000, 10000),
            2,
        )
        donations.append(
            (
                i,
                d[0],
                a[0],
                at,
                amt,
                rng.choice(["Online", "Online", "Cheque", "Text", "Street"]),
                rng.random() < 0.05,
            )
        )
    plans = []
    for d in donors[400:]:
        start = (NOW - dt.timedelta(days=rng.randint(10, 1500))).date()
        cancel = start + dt.timedelta(days=rng.randint(60, 900)) if rng.random() < 0.3 else None
        if cancel is not None and cancel > NOW.date():
            cancel = None
        plans.append(
            (len(plans) + 1, d[0], rng.choice([5.0, 8.0, 10.0, 15.0, 25.0]), start, cancel)
        )
    events, shifts = [], []
    for i, (nm, city) in enumerate(
        [
            ("Charity Fun Run", "Cardiff"),
            ("Quiz Night", "Manchester"),
            ("Bake Sale", "London"),
            ("Sponsored Swim", "Glasgow"),
            ("Summer Ball", "London"),
            ("Christmas Market", "Birmingham"),
            ("Mountain Trek", "Snowdonia"),
            ("Book Fair", "Leeds"),
        ],
        start=1,
    ):
        day = EVENT_DATES[i - 1]
        past = day <= NOW.date()
        events.append(
            (
                i,
                nm,
                day,
                city,
                rng.randint(40, 600) if past else rng.randint(0, 80),
                round(rng.uniform(800, 25000), 2) if past else None,
            )
        )
        for _ in range(rng.randint(0, 14) if i != 8 else 0):  # nobody volunteered for the fair
            shifts.append(
                (
                    len(shifts) + 1,
                    i,
                    f"{rng.choice(FIRST)} {rng.choice(LAST)}",
                    rng.choice([2.0, 3.0, 4.0, 6.0, 8.0]),
                )
            )
    con = duckdb.connect(path)
    try:
        con.execute(DDL)
        _insert(con, "fr_donor", donors)
        _insert(con, "fr_appeal", APPEALS)
        _insert(con, "fr_donation", donations)
        _insert(con, "fr_regular_gift", plans)
        _insert(con, "fr_event", events)
        _insert(con, "fr_volunteer_shift", shifts)
    finally:
        con.close()
