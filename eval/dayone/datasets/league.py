"""Amateur football league: teams, players, matches (home team and away team both point at
teams), goals and referees. snake_case with declared primary and foreign keys.

Two players are called "Sam Wilson" (different teams); two teams tie on stadium capacity and two
players tie as top scorers. Matches run over the 2024-25 and 2025-26 seasons, up to the eval's
now (2026-06-17), with a few fixtures scheduled later (no score yet).
"""

from __future__ import annotations

import datetime as dt
import random

import duckdb

from nexatron.evaluation.datagen import insert_rows as _insert

NOW = dt.date(2026, 6, 17)
TEAMS = [
    (1, "Riverside Rovers", "Riverside", 1921, "Mill Lane", 8000),
    (2, "Hillcrest United", "Hillcrest", 1934, "Crest Park", 12500),
    (3, "Portwell Athletic", "Portwell", 1902, "The Docks", 12500),
    (4, "Ashford Town", "Ashford", 1950, "Ashford Ground", 5200),
    (5, "Kingsbridge City", "Kingsbridge", 1899, "Royal Meadow", 15000),
    (6, "Elmstead Wanderers", "Elmstead", 1977, "Elm Field", 3000),
    (7, "Northgate FC", "Northgate", 1965, "Gate Road", 6400),
    (8, "Southbay Sporting", "Southbay", 2003, "Bay Arena", 7100),
]
REFEREES = [
    (1, "Mark Doyle", 2011),
    (2, "Helen Price", 2016),
    (3, "Tomasz Nowak", 2008),
    (4, "Ade Bello", 2019),
    (5, "Ruth Kane", 2024),
]
FIRST = [
    "Sam",
    "Leo",
    "Max",
    "Ollie",
    "Jack",
    "Theo",
    "Ryan",
    "Kai",
    "Luca",
    "Ben",
    "Adam",
    "Finn",
    "Josh",
    "Dan",
]
LAST = [
    "Wilson",
    "Hart",
    "Cole",
    "Reid",
    "Shaw",
    "Blake",
    "Price",
    "Quinn",
    "Fox",
    "Lowe",
    "Marsh",
    "Webb",
]
POSITIONS = ["Goalkeeper"] * 2 + ["Defender"] * 6 + ["Midfielder"] * 6 + ["Forward"] * 4

DDL = """
CREATE TABLE teams (team_id INTEGER PRIMARY KEY, team_name VARCHAR, city VARCHAR,
  founded_year INTEGER, stadium_name VARCHAR, stadium_capacity INTEGER);
CREATE TABLE players (player_id INTEGER PRIMARY KEY, full_name VARCHAR,
  team_id INTEGER REFERENCES teams(team_id), position VARCHAR, shirt_number INTEGER,
  birth_date DATE, nationality VARCHAR, weekly_wage INTEGER);
CREATE TABLE referees (referee_id INTEGER PRIMARY KEY, referee_name VARCHAR,
  first_season INTEGER);
CREATE TABLE matches (match_id INTEGER PRIMARY KEY, season VARCHAR, match_date DATE,
  home_team_id INTEGER REFERENCES teams(team_id),
  away_team_id INTEGER REFERENCES teams(team_id),
  referee_id INTEGER REFERENCES referees(referee_id), home_goals INTEGER, away_goals INTEGER,
  attendance INTEGER);
CREATE TABLE goals (goal_id INTEGER PRIMARY KEY, match_id INTEGER REFERENCES matches(match_id),
  player_id INTEGER REFERENCES players(player_id), minute INTEGER, is_penalty BOOLEAN);
"""


def build(path: str) -> None:
    """Create the DuckDB file at `path`."""
    rng = random.Random(1212)
    players = []
    pid = 0
    for t in TEAMS:
        for k, pos in enumerate(POSITIONS):
            pid += 1
            name = f"{rng.choice(FIRST)} {rng.choice(LAST)}"
            if name == "Sam Wilson":
                name = "Sam Webb"
            if pid in (14, 95):
                name = "Sam Wilson"
            born = dt.date(rng.randint(1990, 2007), rng.randint(1, 12), rng.randint(1, 28))
            players.append(
                (
                    pid,
                    name,
                    t[0],
                    pos,
                    k + 1,
                    born,
                    rng.choices(
                        ["England", "Wales", "Ireland", "Scotland", "France", "Nigeria", "Brazil"],
                        [10, 2, 2, 2, 1, 1, 1],
                    )[0],
                    rng.randint(4, 40) * 50,
                )
            )
    matches, goals = [], []
    mid = 0
    for season, start in (("2024-25", dt.date(2024, 8, 10)), ("2025-26", dt.date(2025, 8, 9))):
        rounds = [(h[0], a[0]) for h in TEAMS for a in TEAMS if h != a]
        rng.shuffle(rounds)
        for k, (h, a) in enumerate(rounds):
            mid += 1
            day = start + dt.timedelta(days=k * (5 if season == "2024-25" else 6))
            played = day <= NOW
            hg = min(6, int(rng.expovariate(0.6))) if played else None
            ag = min(5, int(rng.expovariate(0.8))) if played else None
            cap = TEAMS[h - 1][5]
            att = int(cap * rng.uniform(0.45, 1.0)) if played else None
            matches.append((mid, season, day, h, a, rng.randint(1, 4), hg, ag, att))
            for team, n in ((h, hg or 0), (a, ag or 0)):
                squad = [p for p in players if p[2] == team and p[3] != "Goalkeeper"]
                wts = [5 if p[3] == "Forward" else 2 if p[3] == "Midfielder" else 1 for p in squad]
                for _ in range(n):
                    scorer = rng.choices(squad, wts)[0]
                    goals.append(
                        (len(goals) + 1, mid, scorer[0], rng.randint(1, 94), rng.random() < 0.1)
                    )
    # two tied top scorers: give player 17 exactly as many goals as the current leader
    counts: dict[int, int] = {}
    for g in goals:
        counts[g[2]] = counts.get(g[2], 0) + 1
    lead = max(counts.values())
    extra = lead - counts.get(17, 0)
    home_17 = [m for m in matches if m[3] == 1 and m[6] is not None]
    for k in range(extra):
        m = home_17[k % len(home_17)]
        matches[m[0] - 1] = (
            *matches[m[0] - 1][:6],
            matches[m[0] - 1][6] + 1,
            *matches[m[0] - 1][7:],
        )
        goals.append((len(goals) + 1, m[0], 17, rng.randint(1, 94), False))
    con = duckdb.connect(path)
    try:
        con.execute(DDL)
        _insert(con, "teams", TEAMS)
        _insert(con, "referees", REFEREES)
        _insert(con, "players", players)
        _insert(con, "matches", matches)
        _insert(con, "goals", goals)
    finally:
        con.close()
