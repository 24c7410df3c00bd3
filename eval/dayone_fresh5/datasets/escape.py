"""Escape-room company: sites, rooms, game masters, customers, bookings and reviews (`tbl` prefix,
PascalCase with abbreviations, no declared keys).

Deterministic (seeded `random.Random`). Keys are matched by value only: `tblRoom.SiteRef` ->
`tblSite.SiteID`, `tblBkg.RoomRef` -> `tblRoom.RoomID`, `tblBkg.CustRef` -> `tblCust.CustNo`,
bookings point at game masters twice (`HostGM` ran the game, `ShadowGM` watched it as a trainee,
NULL when nobody did), `tblGM.TrainedBy` -> `tblGM.GMID` (self-reference), `tblRev.BkgRef` ->
`tblBkg.BkgNo`. Two rooms are called "The Vault" (Manchester and Liverpool) and two customers
"Alex Morgan". `Escaped`/`EscMin` are NULL for games not played (cancelled or booked ahead) and
`EscMin` is NULL for failed games; `AmtPd` is NULL for cancelled bookings (refunded) and holds the
prepayment for games booked after the eval's now (2026-06-17). One room is retired (`RetireDt`),
one launches after now and was never booked; one game master only shadowed and one did neither;
some customers never booked.
"""

from __future__ import annotations

import datetime as dt
import random

import duckdb

from nexatron.evaluation.datagen import insert_rows as _insert

NOW = dt.datetime(2026, 6, 17, 10, 0)
D = dt.date
SITES = [
    (1, "Northern Quarter", "Manchester"),
    (2, "Baltic Triangle", "Liverpool"),
    (3, "Call Lane", "Leeds"),
]
# (RoomID, RoomNm, SiteRef, Theme, Diff, MaxPlyr, PricePP, LaunchDt, RetireDt)
ROOMS = [
    (1, "The Vault", 1, "Heist", 4, 6, 28.0, D(2019, 3, 1), None),
    (2, "Pharaoh's Tomb", 1, "Adventure", 3, 8, 25.0, D(2019, 3, 1), None),
    (3, "Asylum", 1, "Horror", 5, 6, 32.0, D(2020, 10, 1), None),
    (4, "The Vault", 2, "Heist", 3, 6, 26.0, D(2021, 5, 1), None),
    (5, "Captain's Quarters", 2, "Pirate", 2, 8, 22.0, D(2021, 5, 1), None),
    (6, "Lab 47", 2, "Sci-Fi", 4, 5, 30.0, D(2022, 9, 1), None),
    (7, "Murder at the Manor", 3, "Mystery", 3, 6, 27.0, D(2023, 2, 1), None),
    (8, "Wild West Saloon", 3, "Adventure", 2, 6, 24.0, D(2018, 6, 1), D(2025, 12, 31)),
    (9, "Cryo Station", 3, "Sci-Fi", 5, 4, 35.0, D(2026, 7, 3), None),
]
ROOM_WEIGHTS = [16, 12, 10, 14, 12, 9, 12, 8, 0]
STARS = {
    1: [5, 4, 4, 5, 3],
    2: [4, 3, 4, 3, 5],
    3: [5, 5, 4, 3],
    4: [3, 4, 3, 4, 4],
    5: [3, 4, 4],
    6: [5, 4],
    7: [4],
    8: [3, 4],
}
ESCAPE_RATE = {2: 0.8, 3: 0.65, 4: 0.45, 5: 0.3}
# (GMID, GMNm, SiteRef, HireDt, TrainedBy)
GAME_MASTERS = [
    (1, "Ellie Ward", 1, D(2019, 2, 1), None),
    (2, "Jordan Lee", 1, D(2021, 6, 1), 1),
    (3, "Priya Kaur", 2, D(2021, 4, 15), None),
    (4, "Sam O'Neill", 2, D(2022, 8, 1), 3),
    (5, "Marcus Green", 3, D(2023, 1, 10), 1),
    (6, "Tasha Brown", 3, D(2024, 3, 1), 5),
    (7, "Ollie Ford", 1, D(2026, 5, 4), 2),
    (8, "Nina Patel", 2, D(2026, 6, 8), 4),
]
HOSTS = {1: [1, 2], 2: [3, 4], 3: [5, 6]}
FIRST = [
    "Chris",
    "Megan",
    "Ryan",
    "Laura",
    "Tom",
    "Zoe",
    "Adam",
    "Holly",
    "Ben",
    "Amy",
    "Jack",
    "Katie",
    "Luke",
    "Emily",
    "Sean",
    "Rachel",
    "Owen",
    "Freya",
    "Dan",
    "Lucy",
]
LAST = [
    "Hughes",
    "Baker",
    "Wright",
    "Hall",
    "Evans",
    "Turner",
    "Hill",
    "Cooper",
    "Ward",
    "Murphy",
    "Bell",
    "Cox",
    "Shaw",
    "Reid",
    "Lloyd",
    "Price",
    "Webb",
    "Kelly",
    "Ross",
    "Hunt",
]
NEVER_BOOKED = {38, 39, 40}
RECENT_JOINERS = {
    36: D(2026, 4, 30),
    37: D(2026, 5, 18),
    38: D(2026, 5, 25),
    39: D(2026, 6, 3),
    40: D(2026, 6, 16),
}


def _customers() -> list[tuple[object, ...]]:
    rows: list[tuple[object, ...]] = []
    for n in range(1, 41):
        name = f"{FIRST[(n * 7) % 20]} {LAST[(n * 3) % 20]}"
        if n in (12, 27):
            name = "Alex Morgan"
        email = f"{name.lower().replace(' ', '.')}{n}@example.com"
        joined = RECENT_JOINERS.get(n, D(2024, 1, 1) + dt.timedelta(days=n * 12))
        rows.append((n, name, email, joined))
    return rows


def _bookings(
    rng: random.Random, customers: list[tuple[object, ...]]
) -> tuple[list[tuple[object, ...]], list[tuple[object, ...]]]:
    players = [c[0] for c in customers if c[0] not in NEVER_BOOKED]
    weights = [6 if c == 5 else 3 if c in (12, 27) else 1 for c in players]
    bookings: list[tuple[object, ...]] = []
    reviews: list[tuple[object, ...]] = []
    seen = {r: 0 for r in STARS}
    day = D(2025, 1, 3)
    while day <= D(2026, 7, 15):
        for _ in range(rng.choice([0, 1, 1])):
            room = rng.choices(ROOMS, weights=ROOM_WEIGHTS)[0]
            if room[8] is not None and day > room[8]:
                continue
            members = [
                (c, w) for c, w in zip(players, weights, strict=True) if customers[c - 1][3] <= day
            ]
            cust = rng.choices([c for c, _ in members], weights=[w for _, w in members])[0]
            slot = dt.datetime.combine(day, dt.time(rng.choice([10, 12, 14, 16, 18, 20]), 0))
            size = rng.randint(2, room[5])
            host = rng.choice(HOSTS[room[2]])
            shadow = None
            if room[2] == 1 and day >= D(2026, 5, 4) and rng.random() < 0.5:
                shadow = 7
            elif host == 5 and day < D(2025, 3, 1) and rng.random() < 0.4:
                shadow = 6
            amount = round(size * room[6], 2)
            if slot > NOW:
                status, escaped, minutes = "BOOKED", None, None
            elif rng.random() < 0.08:
                status, escaped, minutes, amount = "CANCELLED", None, None, None
            else:
                status = "DONE"
                escaped = rng.random() < ESCAPE_RATE[room[4]]
                minutes = rng.randint(38, 60) if escaped else None
            bkg = len(bookings) + 1
            bookings.append(
                (bkg, room[0], cust, host, shadow, slot, size, status, escaped, minutes, amount)
            )
            if status == "DONE" and rng.random() < 0.45:
                stars = STARS[room[0]][seen[room[0]] % len(STARS[room[0]])]
                seen[room[0]] += 1
                rev_day = min(slot.date() + dt.timedelta(days=rng.randint(0, 3)), NOW.date())
                reviews.append((len(reviews) + 1, bkg, stars, rev_day))
        day += dt.timedelta(days=1)
    return bookings, reviews


DDL = """
CREATE TABLE tblSite (SiteID INTEGER, SiteNm VARCHAR, City VARCHAR);
CREATE TABLE tblRoom (RoomID INTEGER, RoomNm VARCHAR, SiteRef INTEGER, Theme VARCHAR,
  Diff INTEGER, MaxPlyr INTEGER, PricePP DECIMAL(6,2), LaunchDt DATE, RetireDt DATE);
CREATE TABLE tblGM (GMID INTEGER, GMNm VARCHAR, SiteRef INTEGER, HireDt DATE, TrainedBy INTEGER);
CREATE TABLE tblCust (CustNo INTEGER, CustNm VARCHAR, Email VARCHAR, JoinDt DATE);
CREATE TABLE tblBkg (BkgNo INTEGER, RoomRef INTEGER, CustRef INTEGER, HostGM INTEGER,
  ShadowGM INTEGER, SlotTs TIMESTAMP, GrpSz INTEGER, Status VARCHAR, Escaped BOOLEAN,
  EscMin INTEGER, AmtPd DECIMAL(8,2));
CREATE TABLE tblRev (RevID INTEGER, BkgRef INTEGER, Stars INTEGER, RevDt DATE);
"""


def build(path: str) -> None:
    rng = random.Random(5104)
    customers = _customers()
    bookings, reviews = _bookings(rng, customers)
    con = duckdb.connect(path)
    try:
        con.execute(DDL)
        _insert(con, "tblSite", SITES)
        _insert(con, "tblRoom", ROOMS)
        _insert(con, "tblGM", GAME_MASTERS)
        _insert(con, "tblCust", customers)
        _insert(con, "tblBkg", bookings)
        _insert(con, "tblRev", reviews)
    finally:
        con.close()
