"""A lending-library database nobody else uses (branches, members, books, loans) in DuckDB, and
its semantic layer as API request bodies."""

from __future__ import annotations

import datetime as dt
import random
from dataclasses import dataclass
from pathlib import Path
from typing import Any

import duckdb

from nexatron.warehouse.engines.duckdb import SAFE_CONFIG

BRANCHES = [
    (1, "Central", "Springfield"),
    (2, "Harbour", "Shelbyville"),
    (3, "Hilltop", "Ogdenville"),
]
GENRES = ["Mystery", "Science", "Poetry", "History"]
MEMBERSHIPS = ["adult", "student", "senior"]

DDL = [
    "CREATE TABLE branches (id INTEGER PRIMARY KEY, name VARCHAR NOT NULL, city VARCHAR)",
    "CREATE TABLE members (id INTEGER PRIMARY KEY, full_name VARCHAR, membership VARCHAR, "
    "home_branch_id INTEGER REFERENCES branches(id), joined_on DATE)",
    "CREATE TABLE books (id INTEGER PRIMARY KEY, title VARCHAR, genre VARCHAR, "
    "branch_id INTEGER REFERENCES branches(id), price DECIMAL(8,2))",
    "CREATE TABLE loans (id INTEGER PRIMARY KEY, book_id INTEGER REFERENCES books(id), "
    "member_id INTEGER REFERENCES members(id), loan_date DATE NOT NULL, "
    "returned_on DATE, late_fee DECIMAL(8,2) NOT NULL)",
]


def build(path: Path) -> None:
    """Write the database: 3 branches, 30 members, 40 books, 400 loans over 2024-2025."""
    rng = random.Random(20240917)
    members = [
        (i, f"Member {i}", MEMBERSHIPS[i % 3], 1 + i % 3, dt.date(2023, 1 + i % 12, 1 + i % 27))
        for i in range(1, 31)
    ]
    books = [
        (i, f"Book {i}", GENRES[i % 4], 1 + (i * 7) % 3, round(5 + (i * 37) % 40 + 0.99, 2))
        for i in range(1, 41)
    ]
    loans = []
    for i in range(1, 401):
        day = dt.date(2024, 1, 1) + dt.timedelta(days=rng.randrange(731))
        back = day + dt.timedelta(days=rng.randrange(1, 40)) if rng.random() < 0.9 else None
        fee = round(rng.choice([0, 0, 0, 0.25, 0.5, 1.75, 3.0]) + rng.randrange(0, 3) * 0.1, 2)
        loans.append((i, rng.randrange(1, 41), rng.randrange(1, 31), day, back, fee))
    with duckdb.connect(str(path)) as con:
        for stmt in DDL:
            con.execute(stmt)
        con.executemany("INSERT INTO branches VALUES (?, ?, ?)", BRANCHES)
        con.executemany("INSERT INTO members VALUES (?, ?, ?, ?, ?)", members)
        con.executemany("INSERT INTO books VALUES (?, ?, ?, ?, ?)", books)
        con.executemany("INSERT INTO loans VALUES (?, ?, ?, ?, ?, ?)", loans)


@dataclass
class Library:
    """A connection to a copy of the library file, and the ids of the objects made on it."""

    connection_id: str
    path: Path
    ids: dict[str, str]  # metric / dimension name, or "rel:<from_table>.<column>" -> id

    def sql(self, query: str) -> list[tuple[Any, ...]]:
        return sql(self.path, query)


def sql(path: Path, query: str) -> list[tuple[Any, ...]]:
    """Hand-written SQL on the file (same settings as the server's read-only handle)."""
    with duckdb.connect(str(path), read_only=True, config=dict(SAFE_CONFIG)) as con:
        return con.execute(query).fetchall()


DIMENSIONS: list[dict[str, Any]] = [
    {
        "name": "loan_date",
        "label": "Loan date",
        "table": "loans",
        "expr": "loan_date",
        "type": "time",
    },
    {"name": "genre", "label": "Genre", "table": "books", "expr": "genre"},
    {
        "name": "branch",
        "label": "Branch",
        "table": "branches",
        "expr": "name",
        "synonyms": ["library branch"],
    },
    {"name": "city", "label": "City", "table": "branches", "expr": "city"},
    {
        "name": "membership",
        "label": "Membership",
        "table": "members",
        "expr": "membership",
        "synonyms": ["membership type"],
    },
]
RELATIONSHIPS: list[dict[str, Any]] = [
    {"from_table": "loans", "from_columns": ["book_id"], "to_table": "books", "to_columns": ["id"]},
    {
        "from_table": "loans",
        "from_columns": ["member_id"],
        "to_table": "members",
        "to_columns": ["id"],
    },
    {
        "from_table": "books",
        "from_columns": ["branch_id"],
        "to_table": "branches",
        "to_columns": ["id"],
    },
]
METRICS: list[dict[str, Any]] = [
    {
        "name": "loan_count",
        "label": "Number of loans",
        "table": "loans",
        "agg": "count",
        "synonyms": ["checkouts"],
        "time_dimension": "loan_date",
    },
    {
        "name": "late_fees",
        "label": "Late fees",
        "table": "loans",
        "agg": "sum",
        "expr": "late_fee",
        "synonyms": ["fines"],
        "time_dimension": "loan_date",
        "format": {"kind": "currency", "currency": "USD"},
    },
    {
        "name": "borrowers",
        "label": "Borrowers",
        "table": "loans",
        "agg": "count_distinct",
        "expr": "member_id",
        "time_dimension": "loan_date",
    },
    {
        "name": "fee_per_loan",
        "label": "Fee per loan",
        "type": "ratio",
        "numerator": "late_fees",
        "denominator": "loan_count",
    },
]
