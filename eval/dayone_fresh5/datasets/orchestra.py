"""Symphony orchestra: sections, musicians, venues, concerts, repertoire and concert programmes
(snake_case, declared keys).

Deterministic (seeded `random.Random`). Two musicians are both called "Daniel Weber" (a violinist
and a cellist); concerts point at musicians twice (`soloist_id`, NULL when there is no soloist, and
`concertmaster_id`); musicians point at their mentor (`mentor_id` -> `musicians`); `left_on` is
NULL for musicians still in the orchestra; `tickets_sold` is NULL for free events and for concerts
not yet on sale. Three concerts are scheduled after the eval's now (2026-06-17). "Symphony No. 5"
and "Violin Concerto" are titles of several pieces; one piece sits only on a future programme and
one was never programmed; the Harp section has no musicians; one venue never hosted a concert.
"""

from __future__ import annotations

import datetime as dt
import random

import duckdb

from nexatron.evaluation.datagen import insert_rows as _insert

SECTIONS = [
    (1, "First Violins", "Strings"),
    (2, "Second Violins", "Strings"),
    (3, "Violas", "Strings"),
    (4, "Cellos", "Strings"),
    (5, "Double Basses", "Strings"),
    (6, "Flutes", "Woodwinds"),
    (7, "Oboes", "Woodwinds"),
    (8, "Clarinets", "Woodwinds"),
    (9, "Horns", "Brass"),
    (10, "Trumpets", "Brass"),
    (11, "Percussion", "Percussion"),
    (12, "Harp", "Strings"),
]
# (id, name, section, joined_on, left_on, mentor_id, annual_fee)
MUSICIANS = [
    (1, "Clara Hoffmann", 1, dt.date(2008, 9, 1), None, None, 98000),
    (2, "Daniel Weber", 1, dt.date(2012, 9, 1), None, 1, 82000),
    (3, "Sofia Marino", 1, dt.date(2016, 1, 15), None, 1, 76000),
    (4, "Jonas Berg", 1, dt.date(2019, 9, 1), None, 2, 71000),
    (5, "Mei Tanaka", 1, dt.date(2021, 3, 1), None, 3, 69000),
    (6, "Lukas Schmidt", 2, dt.date(2010, 9, 1), None, None, 78000),
    (7, "Hannah Vogel", 2, dt.date(2014, 9, 1), dt.date(2025, 7, 31), 6, 72000),
    (8, "Piotr Nowak", 2, dt.date(2017, 9, 1), None, 6, 70000),
    (9, "Elena Rossi", 2, dt.date(2022, 9, 1), None, 8, 66000),
    (10, "Martin Krause", 3, dt.date(2009, 9, 1), None, None, 79000),
    (11, "Aylin Demir", 3, dt.date(2018, 9, 1), None, 10, 70000),
    (12, "Tom Fischer", 3, dt.date(2023, 1, 9), None, 10, 64000),
    (13, "Daniel Weber", 4, dt.date(2015, 9, 1), None, None, 80000),
    (14, "Ines Braun", 4, dt.date(2011, 9, 1), None, None, 81000),
    (15, "Oskar Lind", 4, dt.date(2020, 9, 1), None, 14, 68000),
    (16, "Greta Zimmer", 4, dt.date(2024, 9, 2), None, 13, 62000),
    (17, "Felix Wagner", 5, dt.date(2013, 9, 1), None, None, 75000),
    (18, "Nora Keller", 5, dt.date(2019, 2, 1), dt.date(2024, 12, 31), 17, 67000),
    (19, "Paul Richter", 5, dt.date(2021, 9, 1), None, 17, 65000),
    (20, "Lena Koch", 6, dt.date(2007, 9, 1), None, None, 84000),
    (21, "Marie Dubois", 6, dt.date(2020, 9, 1), None, 20, 67000),
    (22, "Yusuf Kaya", 7, dt.date(2016, 9, 1), None, None, 77000),
    (23, "Anna Svensson", 7, dt.date(2022, 9, 1), None, 22, 64000),
    (24, "Ben Hartmann", 8, dt.date(2012, 1, 10), None, None, 79000),
    (25, "Julia Meyer", 8, dt.date(2018, 9, 1), dt.date(2026, 3, 31), 24, 69000),
    (26, "Max Becker", 9, dt.date(2010, 9, 1), None, None, 80000),
    (27, "Sara Lang", 9, dt.date(2015, 9, 1), None, 26, 73000),
    (28, "Karl Huber", 9, dt.date(2023, 9, 1), None, 26, 63000),
    (29, "Emil Wolf", 10, dt.date(2011, 9, 1), None, None, 78000),
    (30, "Rosa Klein", 10, dt.date(2019, 9, 1), None, 29, 68000),
    (31, "Jan Peters", 11, dt.date(2014, 9, 1), None, None, 74000),
    (32, "Lea Schulz", 11, dt.date(2026, 2, 1), None, 31, 61000),
]
# (id, name, city, capacity)
VENUES = [
    (1, "Philharmonie", "Berlin", 2440),
    (2, "Konzerthaus", "Berlin", 1550),
    (3, "Gewandhaus", "Leipzig", 1900),
    (4, "Oper Leipzig", "Leipzig", 1260),
    (5, "Elbphilharmonie", "Hamburg", 2100),
    (6, "Laeiszhalle", "Hamburg", 1850),
    (7, "Alte Oper", "Frankfurt", 1900),
    (8, "Kulturpalast", "Dresden", 1750),
]
# (id, title, composer, duration_min)
PIECES = [
    (1, "Symphony No. 5", "Beethoven", 33),
    (2, "Symphony No. 7", "Beethoven", 38),
    (3, "Violin Concerto", "Beethoven", 44),
    (4, "Egmont Overture", "Beethoven", 9),
    (5, "Symphony No. 5", "Mahler", 70),
    (6, "Symphony No. 1", "Mahler", 55),
    (7, "Symphony No. 1", "Brahms", 46),
    (8, "Symphony No. 4", "Brahms", 40),
    (9, "Violin Concerto", "Brahms", 38),
    (10, "Academic Festival Overture", "Brahms", 10),
    (11, "Symphony No. 5", "Tchaikovsky", 45),
    (12, "Violin Concerto", "Tchaikovsky", 35),
    (13, "Romeo and Juliet", "Tchaikovsky", 20),
    (14, "Symphony No. 41", "Mozart", 31),
    (15, "Piano Concerto No. 21", "Mozart", 28),
    (16, "The Magic Flute Overture", "Mozart", 7),
    (17, "Cello Concerto", "Dvorak", 40),
    (18, "Symphony No. 9", "Dvorak", 42),
    (19, "Finlandia", "Sibelius", 8),
    (20, "Tapiola", "Sibelius", 18),
    (21, "Bolero", "Ravel", 15),
    (22, "La Valse", "Ravel", 12),
    (23, "Symphony No. 8", "Bruckner", 80),
]
NEVER_PLAYED = {20, 23}  # 23 only on a future programme, 20 on none
# (venue, number of past concerts there)
PAST_PER_VENUE = [(1, 8), (2, 3), (3, 7), (4, 2), (5, 5), (6, 3), (7, 3), (8, 0)]
TITLES = ["Symphony Night", "Sunday Matinee", "Masterworks", "Classics Live", "Family Concert"]
# soloist per concert index (past concerts only), the rest have none
SOLOISTS = [1, 1, 1, 1, 2, 2, 2, 13, 13, 14, 20, 24, 3]
FUTURE = [
    (40, "Summer Festival Opening", 4, dt.date(2026, 6, 27), 1, [23, 21]),
    (41, "Open-Air Bolero", 1, dt.date(2026, 7, 4), None, [21, 19, 16]),
    (42, "Season Finale", 5, dt.date(2026, 7, 12), 14, [17, 5]),
]


def _concerts(rng: random.Random) -> tuple[list[tuple[object, ...]], list[tuple[object, ...]]]:
    venue_slots = [v for v, n in PAST_PER_VENUE for _ in range(n)]
    rng.shuffle(venue_slots)
    start = dt.date(2024, 9, 6)
    days = sorted(rng.sample(range(0, 640), len(venue_slots)))
    soloists = SOLOISTS + [None] * (len(venue_slots) - len(SOLOISTS))
    rng.shuffle(soloists)
    playable = [p[0] for p in PIECES if p[0] not in NEVER_PLAYED]
    concerts: list[tuple[object, ...]] = []
    items: list[tuple[object, ...]] = []
    for i, (venue, offset) in enumerate(zip(venue_slots, days, strict=True), start=1):
        day = start + dt.timedelta(days=offset)
        cap = VENUES[venue - 1][3]
        title = f"{rng.choice(TITLES)} {i}"
        sold: int | None = int(cap * rng.uniform(0.55, 0.99))
        if i == 5:
            title, sold = "Open Rehearsal", None
        concerts.append((i, title, venue, day, soloists[i - 1], rng.choice([1, 2, 3]), sold))
        for pos, piece in enumerate(rng.sample(playable, rng.randint(2, 3)), start=1):
            items.append((i, piece, pos))
    gala = len(concerts) + 1
    concerts.append((gala, "New Year Gala", 1, dt.date(2026, 1, 1), 13, 1, 2410))
    items += [(gala, 16, 1), (gala, 17, 2), (gala, 21, 3)]
    for cid, title, venue, day, soloist, pieces in FUTURE:
        concerts.append((cid, title, venue, day, soloist, 1, None))
        items += [(cid, p, pos) for pos, p in enumerate(pieces, start=1)]
    return concerts, items


def _mentor_waves() -> list[list[tuple[object, ...]]]:
    """Musicians in insert order: a mentor's row exists before their mentees' (the key is
    checked row by row against the table)."""
    done: set[object] = {None}
    left = list(MUSICIANS)
    waves: list[list[tuple[object, ...]]] = []
    while left:
        wave = [m for m in left if m[5] in done]
        waves.append(wave)
        done |= {m[0] for m in wave}
        left = [m for m in left if m not in wave]
    return waves


DDL = """
CREATE TABLE sections (section_id INTEGER PRIMARY KEY, section_name VARCHAR, family VARCHAR);
CREATE TABLE musicians (musician_id INTEGER PRIMARY KEY, full_name VARCHAR,
  section_id INTEGER REFERENCES sections(section_id), joined_on DATE, left_on DATE,
  mentor_id INTEGER REFERENCES musicians(musician_id), annual_fee DECIMAL(10,2));
CREATE TABLE venues (venue_id INTEGER PRIMARY KEY, venue_name VARCHAR, city VARCHAR,
  capacity INTEGER);
CREATE TABLE pieces (piece_id INTEGER PRIMARY KEY, title VARCHAR, composer VARCHAR,
  duration_min INTEGER);
CREATE TABLE concerts (concert_id INTEGER PRIMARY KEY, title VARCHAR,
  venue_id INTEGER REFERENCES venues(venue_id), performed_on DATE,
  soloist_id INTEGER REFERENCES musicians(musician_id),
  concertmaster_id INTEGER REFERENCES musicians(musician_id), tickets_sold INTEGER);
CREATE TABLE programme_items (concert_id INTEGER REFERENCES concerts(concert_id),
  piece_id INTEGER REFERENCES pieces(piece_id), position INTEGER,
  PRIMARY KEY (concert_id, position));
"""


def build(path: str) -> None:
    rng = random.Random(5101)
    concerts, items = _concerts(rng)
    con = duckdb.connect(path)
    try:
        con.execute(DDL)
        _insert(con, "sections", SECTIONS)
        for wave in _mentor_waves():
            _insert(con, "musicians", wave)
        _insert(con, "venues", VENUES)
        _insert(con, "pieces", PIECES)
        _insert(con, "concerts", concerts)
        _insert(con, "programme_items", items)
    finally:
        con.close()
