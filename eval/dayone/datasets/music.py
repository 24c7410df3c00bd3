"""Music streaming service: artists, albums, tracks, listeners (users), plays and playlists.
snake_case, no declared keys.

Several tracks share the title "Intro" (on different albums); two artists tie on monthly
listeners. Plays run up to the eval's now (2026-06-17 10:00).
"""

from __future__ import annotations

import datetime as dt
import random

import duckdb

from nexatron.evaluation.datagen import insert_rows as _insert

NOW = dt.datetime(2026, 6, 17, 10, 0)
ARTISTS = [
    (1, "Nova Lights", "Sweden", "Synthpop", 2012, 820000),
    (2, "The Paper Boats", "UK", "Indie", 2009, 450000),
    (3, "Lila Moreno", "Mexico", "Latin Pop", 2016, 1200000),
    (4, "DJ Kairo", "Nigeria", "Afrobeats", 2018, 990000),
    (5, "Grey Harbor", "USA", "Rock", 2004, 450000),
    (6, "Mika Sato", "Japan", "J-Pop", 2020, 610000),
    (7, "Velvet Static", "USA", "Rock", 2014, 300000),
    (8, "Anouk Vos", "Netherlands", "Jazz", 2011, 120000),
    (9, "Bass Theory", "Germany", "Electronic", 2015, 540000),
    (10, "Los Ecos", "Argentina", "Latin Pop", 2019, 210000),
]
WORDS = [
    "Midnight",
    "Echo",
    "Golden",
    "Run",
    "Paper",
    "Heart",
    "Signal",
    "River",
    "Neon",
    "Summer",
    "Ghost",
    "City",
    "Fire",
    "Drift",
    "Blue",
    "Wild",
]

DDL = """
CREATE TABLE artists (artist_id INTEGER, artist_name VARCHAR, country VARCHAR, genre VARCHAR,
  debut_year INTEGER, monthly_listeners INTEGER);
CREATE TABLE albums (album_id INTEGER, artist_id INTEGER, album_title VARCHAR,
  release_date DATE, label VARCHAR);
CREATE TABLE tracks (track_id INTEGER, album_id INTEGER, track_title VARCHAR,
  duration_sec INTEGER, explicit BOOLEAN, track_number INTEGER);
CREATE TABLE users (user_id INTEGER, username VARCHAR, country VARCHAR, plan VARCHAR,
  signup_date DATE, birth_year INTEGER);
CREATE TABLE plays (play_id INTEGER, user_id INTEGER, track_id INTEGER, played_at TIMESTAMP,
  ms_played INTEGER, device VARCHAR, skipped BOOLEAN);
CREATE TABLE playlists (playlist_id INTEGER, user_id INTEGER, playlist_name VARCHAR,
  created_at TIMESTAMP, is_public BOOLEAN);
CREATE TABLE playlist_tracks (playlist_id INTEGER, track_id INTEGER, added_at TIMESTAMP);
"""


def build(path: str) -> None:
    """Create the DuckDB file at `path`."""
    rng = random.Random(1111)
    albums, tracks = [], []
    aid = tid = 0
    for a in ARTISTS:
        for _ in range(rng.randint(2, 4)):
            aid += 1
            rel = dt.date(max(a[4], 2015), 1, 1) + dt.timedelta(days=rng.randint(0, 4000))
            rel = min(rel, NOW.date() - dt.timedelta(days=rng.randint(5, 60)))
            albums.append(
                (
                    aid,
                    a[0],
                    f"{rng.choice(WORDS)} {rng.choice(WORDS)}",
                    rel,
                    rng.choice(["Northwave", "Indigo Records", "Self-released"]),
                )
            )
            for n in range(1, rng.randint(6, 12)):
                tid += 1
                title = (
                    "Intro"
                    if n == 1 and rng.random() < 0.5
                    else f"{rng.choice(WORDS)} {rng.choice(WORDS)}"
                )
                tracks.append((tid, aid, title, rng.randint(95, 420), rng.random() < 0.2, n))
    users = []
    for i in range(1, 401):
        users.append(
            (
                i,
                f"user{i:04d}",
                rng.choice(["US", "UK", "DE", "BR", "JP", "MX", "NG"]),
                rng.choices(["Free", "Premium", "Family", "Student"], [5, 3, 1, 1])[0],
                (NOW - dt.timedelta(days=int(1800 * rng.random() ** 1.3))).date(),
                rng.randint(1960, 2010),
            )
        )
    plays = []
    played = [t for t in tracks if t[0] % 17 != 0]  # every 17th track never played
    for i in range(1, 4001):
        t = played[int(len(played) * rng.random() ** 1.6)]
        u = users[int(380 * rng.random() ** 1.3)]  # users 381..400 never played anything
        at = NOW - dt.timedelta(minutes=int(400 * 1440 * rng.random() ** 1.4) + 1)
        skipped = rng.random() < 0.22
        ms = rng.randint(2000, 30000) if skipped else t[3] * 1000 - rng.randint(0, 4000)
        plays.append(
            (
                i,
                u[0],
                t[0],
                at,
                ms,
                rng.choice(["Mobile", "Mobile", "Desktop", "Smart speaker", "Car"]),
                skipped,
            )
        )
    playlists, pts = [], []
    for p in range(1, 121):
        u = users[int(400 * rng.random())]
        created = NOW - dt.timedelta(days=rng.randint(1, 700))
        playlists.append((p, u[0], f"{rng.choice(WORDS)} Mix", created, rng.random() < 0.6))
        for t in rng.sample(tracks, rng.randint(3, 15)):
            pts.append((p, t[0], created + dt.timedelta(hours=rng.randint(0, 200))))
    con = duckdb.connect(path)
    try:
        con.execute(DDL)
        _insert(con, "artists", ARTISTS)
        _insert(con, "albums", albums)
        _insert(con, "tracks", tracks)
        _insert(con, "users", users)
        _insert(con, "plays", plays)
        _insert(con, "playlists", playlists)
        _insert(con, "playlist_tracks", pts)
    finally:
        con.close()
