"""Public library network: branches, books, members and loans (snake_case, declared keys).

Deterministic (seeded `random.Random`). Two books share the title "The Silent Harbour", two members
are both called "Maria Lopez"; two branches tie on seats. Loans run up to the eval's now
(2026-06-17), some still out (returned_on NULL).
"""

from __future__ import annotations

import datetime as dt
import random

import duckdb

from nexatron.evaluation.datagen import insert_rows as _insert

NOW = dt.date(2026, 6, 17)
BRANCHES = [
    (1, "Central Library", "Springfield", 1962, 220),
    (2, "Eastside Branch", "Springfield", 1988, 80),
    (3, "Riverside Branch", "Shelbyville", 1995, 120),
    (4, "Hilltop Branch", "Shelbyville", 2004, 60),
    (5, "Oakwood Branch", "Capital City", 2011, 120),
    (6, "Harbor Branch", "Ogdenville", 2019, 45),
]
GENRES = ["Fiction", "Mystery", "Science Fiction", "Biography", "History", "Children", "Poetry"]
ADJ = ["Silent", "Golden", "Lost", "Hidden", "Broken", "Last", "Crimson", "Quiet", "Wild", "Frozen"]
NOUN = ["Harbour", "Garden", "Empire", "River", "Letter", "Kingdom", "Orchard", "Signal", "Bridge"]
AUTHORS = [
    "Ann Mercer",
    "Tom Hale",
    "Priya Nair",
    "Jonas Berg",
    "Lucia Ferri",
    "Kenji Mori",
    "Ruth Okafor",
    "Daniel Shaw",
    "Elena Petrova",
    "Marcus Reed",
    "Sofia Lind",
    "Omar Haddad",
]
FIRST = [
    "Maria",
    "John",
    "Aisha",
    "Chen",
    "Olga",
    "Pedro",
    "Grace",
    "Liam",
    "Fatima",
    "Noah",
    "Emma",
    "Ivan",
    "Zara",
    "Hugo",
    "Mei",
    "Sam",
]
LAST = [
    "Lopez",
    "Smith",
    "Khan",
    "Wang",
    "Ivanova",
    "Silva",
    "Kim",
    "Murphy",
    "Ali",
    "Brown",
    "Novak",
    "Rossi",
]
TYPES = ["Adult", "Child", "Senior", "Student"]

DDL = """
CREATE TABLE branches (branch_id INTEGER PRIMARY KEY, branch_name VARCHAR, city VARCHAR,
  opened_year INTEGER, seats INTEGER);
CREATE TABLE books (book_id INTEGER PRIMARY KEY, title VARCHAR, author VARCHAR, genre VARCHAR,
  published_year INTEGER, pages INTEGER, price DECIMAL(6, 2));
CREATE TABLE members (member_id INTEGER PRIMARY KEY, full_name VARCHAR, birth_year INTEGER,
  city VARCHAR, membership_type VARCHAR, joined_on DATE,
  home_branch_id INTEGER REFERENCES branches(branch_id));
CREATE TABLE loans (loan_id INTEGER PRIMARY KEY, book_id INTEGER REFERENCES books(book_id),
  member_id INTEGER REFERENCES members(member_id),
  branch_id INTEGER REFERENCES branches(branch_id), loaned_on DATE, due_on DATE,
  returned_on DATE, fine_amount DECIMAL(6, 2));
"""


def build(path: str) -> None:
    """Create the DuckDB file at `path`."""
    rng = random.Random(1001)
    books = []
    for i in range(1, 301):
        title = f"The {rng.choice(ADJ)} {rng.choice(NOUN)}"
        if i in (7, 150):
            title = "The Silent Harbour"
        genre = GENRES[i % 7] if i <= 280 else rng.choice(GENRES)
        books.append(
            (
                i,
                title,
                rng.choice(AUTHORS),
                genre,
                rng.randint(1950, 2025),
                rng.randint(90, 720),
                round(rng.uniform(6, 45), 2),
            )
        )
    members = []
    for i in range(1, 451):
        name = f"{rng.choice(FIRST)} {rng.choice(LAST)}"
        if name == "Maria Lopez":
            name = "Grace Kim"
        if i in (12, 230):
            name = "Maria Lopez"
        branch = rng.choice(BRANCHES)
        joined = NOW - dt.timedelta(days=int(3000 * rng.random() ** 1.4))
        members.append(
            (i, name, rng.randint(1940, 2016), branch[2], rng.choice(TYPES), joined, branch[0])
        )
    loans = []
    # books 291..300 are never lent
    for i in range(1, 2601):
        m = members[int(450 * rng.random() ** 1.3)]
        book = 1 + int(290 * rng.random() ** 1.2)
        branch = m[6] if rng.random() < 0.8 else rng.randint(1, 5)
        day = NOW - dt.timedelta(days=int(900 * rng.random() ** 1.5))
        due = day + dt.timedelta(days=21)
        ret = day + dt.timedelta(days=rng.randint(2, 35))
        if ret > NOW or rng.random() < 0.03:
            ret = None
        late = 0 if ret is None or ret <= due else (ret - due).days
        loans.append((i, book, m[0], branch, day, due, ret, round(late * 0.25, 2)))
    con = duckdb.connect(path)
    try:
        con.execute(DDL)
        _insert(con, "branches", BRANCHES)
        _insert(con, "books", books)
        _insert(con, "members", members)
        _insert(con, "loans", loans)
    finally:
        con.close()
