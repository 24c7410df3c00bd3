"""Museum network: museums, artists, artworks, exhibitions, exhibited artworks, inter-museum loans
(lending and borrowing museum both point at museums) and visitor tickets. snake_case with
declared primary and foreign keys.

Several artworks are titled "Untitled" (by different artists); two artists are both named
"Anna Berg" (born in different years). Two museums tie on founding year. Tickets run up to the
eval's now (2026-06-17).
"""

from __future__ import annotations

import datetime as dt
import random

import duckdb

from nexatron.evaluation.datagen import insert_rows as _insert

NOW = dt.date(2026, 6, 17)
MUSEUMS = [
    (1, "National Gallery of Art", "Washington", "USA", 1937, "Public"),
    (2, "Museo del Prado", "Madrid", "Spain", 1819, "Public"),
    (3, "Rijksmuseum", "Amsterdam", "Netherlands", 1800, "Public"),
    (4, "Modern Art Hall", "Berlin", "Germany", 1996, "Private"),
    (5, "Nordic Design Museum", "Oslo", "Norway", 1996, "Private"),
    (6, "Pacific Art Center", "San Francisco", "USA", 2011, "Private"),
]
ARTISTS = [
    (1, "Anna Berg", "Norway", 1931, "Modernism"),
    (2, "Anna Berg", "Sweden", 1978, "Contemporary"),
    (3, "Diego Alvarez", "Spain", 1862, "Impressionism"),
    (4, "Pieter de Wit", "Netherlands", 1641, "Baroque"),
    (5, "Margaret Hale", "USA", 1902, "Modernism"),
    (6, "Kofi Mensah", "Ghana", 1985, "Contemporary"),
    (7, "Lucia Ferri", "Italy", 1480, "Renaissance"),
    (8, "Hiro Tanabe", "Japan", 1950, "Pop Art"),
    (9, "Elise Moreau", "France", 1848, "Impressionism"),
    (10, "Tomasz Zielinski", "Poland", 1990, "Contemporary"),
]
MEDIUMS = ["Oil on canvas", "Watercolor", "Sculpture", "Photography", "Mixed media", "Print"]
WORDS = [
    "Harbor",
    "Portrait",
    "Still Life",
    "Morning",
    "Garden",
    "Composition",
    "Figure",
    "Landscape",
    "Study",
    "Night",
]

DDL = """
CREATE TABLE museums (museum_id INTEGER PRIMARY KEY, museum_name VARCHAR, city VARCHAR,
  country VARCHAR, founded_year INTEGER, ownership VARCHAR);
CREATE TABLE artists (artist_id INTEGER PRIMARY KEY, artist_name VARCHAR, nationality VARCHAR,
  birth_year INTEGER, movement VARCHAR);
CREATE TABLE artworks (artwork_id INTEGER PRIMARY KEY, title VARCHAR,
  artist_id INTEGER REFERENCES artists(artist_id),
  museum_id INTEGER REFERENCES museums(museum_id), year_created INTEGER, medium VARCHAR,
  insured_value INTEGER, acquired_on DATE, on_display BOOLEAN);
CREATE TABLE exhibitions (exhibition_id INTEGER PRIMARY KEY,
  museum_id INTEGER REFERENCES museums(museum_id), exhibition_title VARCHAR, start_date DATE,
  end_date DATE, curator VARCHAR);
CREATE TABLE exhibition_artworks (exhibition_id INTEGER REFERENCES exhibitions(exhibition_id),
  artwork_id INTEGER REFERENCES artworks(artwork_id), PRIMARY KEY (exhibition_id, artwork_id));
CREATE TABLE artwork_loans (loan_id INTEGER PRIMARY KEY,
  artwork_id INTEGER REFERENCES artworks(artwork_id),
  lender_museum_id INTEGER REFERENCES museums(museum_id),
  borrower_museum_id INTEGER REFERENCES museums(museum_id), loan_start DATE, loan_end DATE);
CREATE TABLE tickets (ticket_id INTEGER PRIMARY KEY,
  museum_id INTEGER REFERENCES museums(museum_id), visit_date DATE, ticket_type VARCHAR,
  price DECIMAL(6, 2));
"""


def build(path: str) -> None:
    """Create the DuckDB file at `path`."""
    rng = random.Random(1717)
    artworks = []
    for i in range(1, 401):
        a = ARTISTS[int(9 * rng.random())]  # Tomasz Zielinski has no artwork in any collection
        year = min(2025, a[3] + rng.randint(18, 60))
        m = rng.choices(MUSEUMS, [5, 4, 4, 3, 2, 2])[0]
        title = "Untitled" if rng.random() < 0.08 else f"{rng.choice(WORDS)} {rng.randint(1, 40)}"
        acquired = dt.date(max(m[4], year, 1950), 1, 1) + dt.timedelta(days=rng.randint(0, 9000))
        acquired = min(acquired, NOW - dt.timedelta(days=rng.randint(1, 400)))
        value = int(rng.lognormvariate(12.5, 1.3)) // 1000 * 1000
        artworks.append(
            (i, title, a[0], m[0], year, rng.choice(MEDIUMS), value, acquired, rng.random() < 0.4)
        )
    exhibitions, ex_art = [], set()
    for i in range(1, 41):
        m = MUSEUMS[int(5 * rng.random())]  # Pacific Art Center has not held an exhibition
        start = NOW - dt.timedelta(days=rng.randint(-60, 1100))
        exhibitions.append(
            (
                i,
                m[0],
                f"{rng.choice(WORDS)} and {rng.choice(WORDS)}",
                start,
                start + dt.timedelta(days=rng.randint(45, 180)),
                rng.choice(["I. Novak", "R. Alvarez", "S. Okoye", "M. Lund"]),
            )
        )
        own = [w for w in artworks if w[3] == m[0]]
        for w in rng.sample(own, min(len(own), rng.randint(4, 12))):
            ex_art.add((i, w[0]))
    loans = []
    for i in range(1, 61):
        w = rng.choice(artworks)
        borrower = rng.choice([m[0] for m in MUSEUMS if m[0] != w[3]])
        start = NOW - dt.timedelta(days=rng.randint(0, 900))
        loans.append(
            (i, w[0], w[3], borrower, start, start + dt.timedelta(days=rng.randint(60, 365)))
        )
    tickets = []
    prices = {"Adult": 22.0, "Child": 0.0, "Student": 12.0, "Senior": 15.0, "Member": 0.0}
    for i in range(1, 3001):
        m = rng.choices(MUSEUMS, [6, 5, 5, 3, 2, 2])[0]
        day = NOW - dt.timedelta(days=int(540 * rng.random() ** 1.2))
        typ = rng.choices(list(prices), [5, 2, 2, 1.5, 1])[0]
        tickets.append((i, m[0], day, typ, prices[typ] * (1.2 if m[5] == "Private" else 1.0)))
    con = duckdb.connect(path)
    try:
        con.execute(DDL)
        _insert(con, "museums", MUSEUMS)
        _insert(con, "artists", ARTISTS)
        _insert(con, "artworks", artworks)
        _insert(con, "exhibitions", exhibitions)
        _insert(con, "exhibition_artworks", sorted(ex_art))
        _insert(con, "artwork_loans", loans)
        _insert(con, "tickets", tickets)
    finally:
        con.close()
