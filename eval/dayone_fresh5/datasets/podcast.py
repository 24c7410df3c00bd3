"""Podcast network: hosts, shows, episodes, sponsors and ad spots (abbreviated camelCase, no
prefix, no declared keys).

Deterministic (seeded `random.Random`). Keys are matched by value only: shows point at hosts
twice (`showInfo.hostId` is the main host, `coHostId` the co-host, NULL for solo shows) ->
`hostPpl.hostId`; `epi.showRef` -> `showInfo.showId`; `adSpot.epiRef` -> `epi.epiId`,
`adSpot.spnsrRef` -> `spnsr.spnsrId`; `spnsr.parentId` -> `spnsr.spnsrId` (self-reference, the
parent company). Two shows are called "Off the Record" (a comedy and a true-crime show).
Episodes dated after the eval's now (2026-06-17) are scheduled and have NULL `dlCnt`; one show
launches after now with no episode; a parent company and a travel sponsor never bought a spot;
one host is on no show and another only co-hosts the show that has not launched. The 4th most
downloaded episode is given the 3rd's count (a tie at a top-3 cut-off).
"""

from __future__ import annotations

import datetime as dt
import random

import duckdb

from nexatron.evaluation.datagen import insert_rows as _insert

NOW = dt.datetime(2026, 6, 17, 10, 0)
D = dt.date
# (hostId, fullNm, emailAddr, joinDt)
HOSTS = [
    (1, "Maya Chen", "maya@wavelength.fm", D(2018, 2, 1)),
    (2, "Marcus Reed", "marcus@wavelength.fm", D(2018, 2, 1)),
    (3, "Priya Nair", "priya@wavelength.fm", D(2019, 6, 10)),
    (4, "Luis Ortega", "luis@wavelength.fm", D(2019, 9, 1)),
    (5, "Hannah Cole", "hannah@wavelength.fm", D(2020, 3, 15)),
    (6, "Dev Patel", "dev@wavelength.fm", D(2021, 1, 4)),
    (7, "Sophie Turner", "sophie@wavelength.fm", D(2022, 5, 9)),
    (8, "Kwame Mensah", "kwame@wavelength.fm", D(2023, 8, 21)),
    (9, "Ruth Adler", "ruth@wavelength.fm", D(2025, 11, 3)),
    (10, "Tom Ellis", "tom@wavelength.fm", D(2026, 3, 2)),
]
# (showId, showTtl, genre, launchDt, hostId, coHostId, explFlg, cadence days, minutes)
SHOWS = [
    (1, "Off the Record", "Comedy", D(2018, 3, 5), 2, 1, True, 7, (45, 75)),
    (2, "Off the Record", "True Crime", D(2021, 9, 14), 5, None, True, 14, (50, 70)),
    (3, "Money Matters", "Business", D(2019, 1, 7), 3, None, False, 7, (25, 40)),
    (4, "The Long Run", "Sport", D(2019, 10, 2), 4, 1, False, 14, (35, 55)),
    (5, "Small Bytes", "Technology", D(2020, 6, 1), 6, 7, False, 7, (20, 35)),
    (6, "Kitchen Table", "Food", D(2022, 6, 6), 7, None, False, 14, (30, 45)),
    (7, "Laugh Track", "Comedy", D(2023, 9, 4), 8, 2, True, 7, (40, 65)),
    (8, "Deep Time", "Science", D(2024, 2, 12), 3, 6, False, 28, (55, 80)),
    (9, "Night Shift Stories", "True Crime", D(2026, 7, 6), 5, 9, True, 7, (40, 60)),
]
# (spnsrId, spnsrNm, industry, parentId)
SPONSORS = [
    (1, "Horizon Media Group", "Media", None),
    (2, "Brightside Mattresses", "Retail", 1),
    (3, "Sleepwell Pillows", "Retail", 1),
    (4, "Northstar Bank", "Finance", None),
    (5, "Northstar Invest", "Finance", 4),
    (6, "CodeCamp Online", "Education", None),
    (7, "FreshCrate Meals", "Food", None),
    (8, "Peak Outdoor", "Retail", None),
    (9, "LedgerLite", "Finance", 4),
    (10, "Aurora Travel", "Travel", None),
]
NO_SPOTS = {1, 10}
SPOT_WEIGHTS = {2: 5, 3: 3, 4: 3, 5: 2, 6: 4, 7: 4, 8: 3, 9: 2}
EP_WINDOW_START = D(2025, 7, 1)


def _episodes(rng: random.Random) -> list[tuple[object, ...]]:
    rows: list[tuple[object, ...]] = []
    for show in SHOWS:
        day = max(show[3], EP_WINDOW_START) + dt.timedelta(days=rng.randint(0, show[7] - 1))
        while day <= NOW.date() + dt.timedelta(days=21):
            if show[0] == 9:
                break
            at = dt.datetime.combine(day, dt.time(5, 0))
            seconds = rng.randint(show[8][0] * 60, show[8][1] * 60)
            downloads = None if at > NOW else rng.randint(800, 6000)
            number = 1 + (day - show[3]).days // show[7]
            if show[0] == 8 and len(rows) and rows[-1][1] != 8:
                seconds = 3600  # Deep Time's first episode in the window: exactly one hour
            rows.append((len(rows) + 1, show[0], f"Episode {number}", at, seconds, downloads))
            day += dt.timedelta(days=show[7])
    return _tie_third_and_fourth(rows)


def _tie_third_and_fourth(rows: list[tuple[object, ...]]) -> list[tuple[object, ...]]:
    """The 4th most downloaded episode gets the 3rd's count: a tie at a top-3 cut-off."""
    ranked = sorted((r for r in rows if r[5] is not None), key=lambda r: -int(r[5]))  # type: ignore[call-overload]
    third, fourth = ranked[2], ranked[3]
    return [(*r[:5], third[5]) if r[0] == fourth[0] else r for r in rows]


def _spots(rng: random.Random, episodes: list[tuple[object, ...]]) -> list[tuple[object, ...]]:
    buyers = list(SPOT_WEIGHTS)
    weights = list(SPOT_WEIGHTS.values())
    rows: list[tuple[object, ...]] = []
    for ep in episodes:
        for slot in ("PRE", "MID", "POST")[: rng.randint(0, 3)]:
            sponsor = rng.choices(buyers, weights=weights)[0]
            rate = {"PRE": 250, "MID": 400, "POST": 150}[slot]
            rows.append((len(rows) + 1, ep[0], sponsor, slot, rate))
    return rows


DDL = """
CREATE TABLE hostPpl (hostId INTEGER, fullNm VARCHAR, emailAddr VARCHAR, joinDt DATE);
CREATE TABLE showInfo (showId INTEGER, showTtl VARCHAR, genre VARCHAR, launchDt DATE,
  hostId INTEGER, coHostId INTEGER, explFlg BOOLEAN);
CREATE TABLE epi (epiId INTEGER, showRef INTEGER, epiTtl VARCHAR, pubTs TIMESTAMP,
  durSec INTEGER, dlCnt INTEGER);
CREATE TABLE spnsr (spnsrId INTEGER, spnsrNm VARCHAR, industry VARCHAR, parentId INTEGER);
CREATE TABLE adSpot (spotId INTEGER, epiRef INTEGER, spnsrRef INTEGER, slotPos VARCHAR,
  rateUsd DECIMAL(8,2));
"""


def build(path: str) -> None:
    rng = random.Random(5106)
    episodes = _episodes(rng)
    con = duckdb.connect(path)
    try:
        con.execute(DDL)
        _insert(con, "hostPpl", HOSTS)
        _insert(con, "showInfo", [s[:7] for s in SHOWS])
        _insert(con, "epi", episodes)
        _insert(con, "spnsr", SPONSORS)
        _insert(con, "adSpot", _spots(rng, episodes))
    finally:
        con.close()
