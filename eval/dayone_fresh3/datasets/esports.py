"""Esports tournaments: teams, players, tournaments and matches (camelCase columns, lowercase
plural tables, no declared keys; `matches.teamA`, `matches.teamB` and `matches.winnerId` all point
at `teams.teamId`).

Deterministic (seeded `random.Random`). Two players share the nickname "Shadow" (different
teams); two tournaments tie on prize pool; one team has never played a match and some players
are free agents (NULL `teamId`). Matches after the eval's now (2026-06-17) are scheduled: NULL
`winnerId` and `durationMin`.
"""

from __future__ import annotations

import datetime as dt
import random

import duckdb

from nexatron.evaluation.datagen import insert_rows as _insert

NOW = dt.datetime(2026, 6, 17, 10, 0)
TEAMS = [
    (1, "Nordic Wolves", "EU", 2016),
    (2, "Crimson Tide Gaming", "NA", 2015),
    (3, "Pixel Samurai", "APAC", 2018),
    (4, "Vortex Esports", "EU", 2019),
    (5, "Iron Giants", "NA", 2017),
    (6, "Lotus Dragons", "APAC", 2014),
    (7, "Andes Condors", "LATAM", 2020),
    (8, "Baltic Storm", "EU", 2021),
    (9, "Desert Vipers", "MENA", 2022),
    (10, "Maple Kings", "NA", 2023),
    (11, "Aurora Five", "EU", 2025),
]
TOURNAMENTS = [
    (1, "Winter Clash 2025", "Valorant", 250000, dt.date(2025, 1, 10), dt.date(2025, 1, 26), True),
    (
        2,
        "Spring Major 2025",
        "Counter-Strike 2",
        1000000,
        dt.date(2025, 4, 5),
        dt.date(2025, 4, 20),
        False,
    ),
    (
        3,
        "Summer Masters 2025",
        "League of Legends",
        750000,
        dt.date(2025, 7, 12),
        dt.date(2025, 7, 27),
        False,
    ),
    (4, "Autumn Cup 2025", "Valorant", 250000, dt.date(2025, 10, 4), dt.date(2025, 10, 12), True),
    (5, "Winter Clash 2026", "Valorant", 300000, dt.date(2026, 1, 9), dt.date(2026, 1, 25), True),
    (
        6,
        "Spring Major 2026",
        "Counter-Strike 2",
        1250000,
        dt.date(2026, 4, 3),
        dt.date(2026, 4, 19),
        False,
    ),
    (
        7,
        "Mid-Season Invitational 2026",
        "League of Legends",
        500000,
        dt.date(2026, 6, 5),
        dt.date(2026, 6, 28),
        False,
    ),
    (
        8,
        "Summer Masters 2026",
        "League of Legends",
        800000,
        dt.date(2026, 7, 18),
        dt.date(2026, 8, 2),
        False,
    ),
]
NICKS = [
    "Blaze",
    "Frost",
    "Viper",
    "Nova",
    "Echo",
    "Rook",
    "Zephyr",
    "Kai",
    "Glitch",
    "Raven",
    "Titan",
    "Jolt",
    "Mirage",
    "Onyx",
    "Pulse",
    "Sable",
    "Talon",
    "Wisp",
    "Haze",
    "Drift",
    "Flux",
    "Crux",
    "Ember",
    "Quill",
    "Bolt",
    "Orbit",
    "Lynx",
    "Nyx",
    "Rift",
    "Spark",
    "Vex",
    "Ziggy",
    "Cinder",
    "Dusk",
    "Apex",
    "Fang",
    "Gale",
    "Husk",
    "Ion",
    "Jinx",
    "Knox",
    "Lumen",
    "Moth",
    "Nimbus",
    "Pike",
    "Quartz",
    "Rune",
    "Slate",
    "Thorn",
    "Umbra",
    "Volt",
    "Wren",
    "Yeti",
    "Zen",
    "Arc",
    "Brisk",
    "Cobalt",
    "Dune",
    "Ferro",
]
FIRST = [
    "Lukas",
    "Mateo",
    "Jin",
    "Ahmed",
    "Ethan",
    "Sven",
    "Hiro",
    "Diego",
    "Marek",
    "Omar",
    "Ryan",
    "Felix",
    "Min-jun",
    "Tomasz",
    "Carlos",
    "Noah",
]
LAST = [
    "Berg",
    "Silva",
    "Park",
    "Haddad",
    "Cole",
    "Larsen",
    "Tanaka",
    "Rojas",
    "Novak",
    "Farouk",
    "Miller",
    "Kraus",
    "Kim",
    "Wojcik",
    "Mendez",
    "Evans",
]
COUNTRY = {
    "EU": ["SE", "DE", "PL", "DK"],
    "NA": ["US", "CA"],
    "APAC": ["KR", "JP", "CN"],
    "LATAM": ["BR", "AR", "CL"],
    "MENA": ["SA", "AE", "EG"],
}
ROLES = ["captain", "entry", "support", "sniper", "flex"]

DDL = """
CREATE TABLE teams (teamId INTEGER, teamName VARCHAR, region VARCHAR, foundedYear INTEGER);
CREATE TABLE players (playerId INTEGER, nickName VARCHAR, realName VARCHAR, teamId INTEGER,
  country VARCHAR, role VARCHAR, salaryUsd INTEGER, joinedOn DATE);
CREATE TABLE tournaments (tournamentId INTEGER, tournamentName VARCHAR, gameTitle VARCHAR,
  prizePoolUsd INTEGER, startDate DATE, endDate DATE, onlineOnly BOOLEAN);
CREATE TABLE matches (matchId INTEGER, tournamentId INTEGER, teamA INTEGER, teamB INTEGER,
  winnerId INTEGER, scheduledAt TIMESTAMP, bestOf INTEGER, durationMin INTEGER);
"""


def build(path: str) -> None:
    """Create the DuckDB file at `path`."""
    rng = random.Random(3505)
    players = []
    pid = 0
    nicks = iter(NICKS)
    for team in TEAMS:
        for slot in range(5):
            pid += 1
            nick = next(nicks)
            if pid == 8:
                nick = "Shadow"
            if pid == 33:
                nick = "Shadow"
            real = f"{rng.choice(FIRST)} {rng.choice(LAST)}"
            joined = dt.date(max(team[3], 2019), 1, 1) + dt.timedelta(days=rng.randint(0, 2300))
            if joined > NOW.date():
                joined = NOW.date() - dt.timedelta(days=rng.randint(10, 200))
            sal = rng.randrange(4000, 30000, 500) * (2 if slot == 0 else 1)
            players.append(
                (pid, nick, real, team[0], rng.choice(COUNTRY[team[2]]), ROLES[slot], sal, joined)
            )
    for _ in range(4):
        pid += 1
        players.append(
            (
                pid,
                next(nicks),
                f"{rng.choice(FIRST)} {rng.choice(LAST)}",
                None,
                rng.choice(["US", "DE", "BR", "KR"]),
                rng.choice(ROLES[1:]),
                rng.randrange(3000, 9000, 500),
                None,
            )
        )
    strength = {1: 9, 2: 7, 3: 8, 4: 6, 5: 5, 6: 9, 7: 3, 8: 4, 9: 3, 10: 2}
    matches = []
    mid = 0
    for t in TOURNAMENTS:
        field = sorted(rng.sample(range(1, 11), 8))
        days = (t[5] - t[4]).days
        for _ in range(22 if t[6] else 28):
            a, b = rng.sample(field, 2)
            when = dt.datetime.combine(
                t[4] + dt.timedelta(days=rng.randint(0, days)),
                dt.time(rng.choice([12, 15, 18, 21])),
            )
            best = rng.choice([1, 3, 3]) if t[2] != "Counter-Strike 2" else 3
            mid += 1
            if when >= NOW:
                matches.append((mid, t[0], a, b, None, when, best, None))
                continue
            pa = strength[a] / (strength[a] + strength[b])
            winner = a if rng.random() < pa else b
            dur = rng.randint(28, 55) * (best if best == 1 else rng.randint(2, 3))
            matches.append((mid, t[0], a, b, winner, when, best, dur))
    con = duckdb.connect(path)
    try:
        con.execute(DDL)
        _insert(con, "teams", TEAMS)
        _insert(con, "players", players)
        _insert(con, "tournaments", TOURNAMENTS)
        _insert(con, "matches", matches)
    finally:
        con.close()
