"""Independent bookshop: authors, books, loyalty customers, sales (till and web), sale lines and
author events (abbreviated camelCase, no prefix, no declared keys: `txnLn.txnId` -> `txn.txnId`,
`txnLn.isbn` -> `bk.isbn`, `bk.authId` -> `auth.authId`, `txn.custNo` -> `cust.custNo`,
`evt.authId` -> `auth.authId`).

Deterministic (seeded `random.Random`). Two different books are both titled "The Long Road"
(merged by title they wrongly top the best-seller list); anonymous sales have no customer (NULL
`custNo`); `loyPts` is NULL for customers outside the loyalty scheme; `tixSold` is NULL for events
whose ticket sales have not opened. Author events are scheduled after the eval's now
(2026-06-17). Some books never sold, some authors never held an event and some customers never
bought. txnLn -> bk -> auth is a three-table chain.
"""

from __future__ import annotations

import datetime as dt
import random

import duckdb

from nexatron.evaluation.datagen import insert_rows as _insert

NOW = dt.datetime(2026, 6, 17, 10, 0)
# authId, authNm, ctry
AUTHORS = [
    (1, "Maeve Callaghan", "Ireland"),
    (2, "Tobias Reinholt", "Germany"),
    (3, "Priya Desai", "UK"),
    (4, "Hollis Grant", "USA"),
    (5, "Ingrid Solberg", "Norway"),
    (6, "Kwame Mensah", "Ghana"),
    (7, "Rosalind Pike", "UK"),
    (8, "Dmitri Orlov", "Russia"),
]
# isbn, ttl, authId, genre, pubYr, rrp
BOOKS = [
    ("9780000000011", "The Long Road", 1, "Literary fiction", 2021, 9.99),
    ("9780000000028", "Salt and Embers", 1, "Literary fiction", 2024, 16.99),
    ("9780000000035", "The Quiet Engineer", 2, "Biography", 2019, 12.99),
    ("9780000000042", "Monsoon Kitchen", 3, "Cookery", 2022, 25.00),
    ("9780000000059", "Small Plates, Big Flavour", 3, "Cookery", 2025, 22.00),
    ("9780000000066", "The Long Road", 4, "Crime", 2023, 8.99),
    ("9780000000073", "Dead Reckoning", 4, "Crime", 2020, 8.99),
    ("9780000000080", "Fjord Light", 5, "Crime", 2024, 14.99),
    ("9780000000097", "The Cartographer's Daughter", 5, "Literary fiction", 2018, 9.99),
    ("9780000000103", "Gold Coast Stories", 6, "Short stories", 2022, 11.99),
    ("9780000000110", "Counting Hedgehogs", 7, "Children's", 2023, 6.99),
    ("9780000000127", "Hedgehog Goes to Sea", 7, "Children's", 2025, 6.99),
    ("9780000000134", "A Winter in Omsk", 8, "History", 2017, 18.99),
    ("9780000000141", "Letters from the Steppe", 8, "History", 2026, 20.00),
    ("9780000000158", "The Tidy Garden", 3, "Gardening", 2016, 14.99),
]
UNSOLD = {"9780000000141", "9780000000158"}
# weights for picking a sold book: the two "The Long Road" sell moderately each
BOOK_WEIGHTS = {
    "9780000000011": 6,
    "9780000000028": 7,
    "9780000000035": 3,
    "9780000000042": 5,
    "9780000000059": 8,
    "9780000000066": 6,
    "9780000000073": 5,
    "9780000000080": 9,
    "9780000000097": 4,
    "9780000000103": 3,
    "9780000000110": 7,
    "9780000000127": 6,
    "9780000000134": 2,
}
NAMES = [
    "Helen Marsh",
    "Gareth Lyle",
    "Imogen Tate",
    "Felix Abara",
    "Rhian Powell",
    "Stuart Lamb",
    "Clara Voss",
    "Omar Haddad",
    "Beth Kinsella",
    "Yusuf Demir",
    "Alice Fenwick",
    "Rory Quinn",
    "Tessa Moon",
    "Ewan Blair",
    "Lucia Ferro",
    "Niall Boyd",
    "Harriet Cole",
    "Sanjay Iyer",
    "Polly Reeves",
    "Callum Gray",
    "Maria Novak",
    "Idris Bello",
    "Fiona Hale",
    "Jonah Platt",
    "Kezia Ward",
    "Adam Stroud",
    "Eleni Pappas",
    "Will Carver",
    "Daisy Nolan",
    "Marcus Tay",
]
NEVER_BOUGHT = (12, 19, 27)
# evtId, authId, evtDt, venue, cap, tixSold
EVENTS = [
    (1, 1, dt.date(2025, 3, 14), "Main shop", 60, 58),
    (2, 3, dt.date(2025, 5, 22), "Main shop", 60, 44),
    (3, 5, dt.date(2025, 10, 9), "Town hall", 150, 131),
    (4, 7, dt.date(2025, 12, 6), "Children's corner", 30, 30),
    (5, 1, dt.date(2026, 2, 19), "Town hall", 150, 102),
    (6, 4, dt.date(2026, 4, 30), "Main shop", 60, 60),
    (7, 7, dt.date(2026, 6, 27), "Children's corner", 30, 21),
    (8, 5, dt.date(2026, 7, 9), "Town hall", 150, 64),
    (9, 3, dt.date(2026, 9, 17), "Main shop", 60, None),
]


def _sales(rng: random.Random) -> tuple[list[tuple[object, ...]], list[tuple[object, ...]]]:
    txns: list[tuple[object, ...]] = []
    lines: list[tuple[object, ...]] = []
    buyers = [n for n in range(1, len(NAMES) + 1) if n not in NEVER_BOUGHT]
    books = {b[0]: b for b in BOOKS}
    isbns = list(BOOK_WEIGHTS)
    weights = [BOOK_WEIGHTS[i] for i in isbns]
    start = dt.datetime(2025, 1, 2, 9, 0)
    span = int((NOW - start).total_seconds() // 60)
    for tid in range(1, 301):
        at = start + dt.timedelta(minutes=rng.randint(0, span))
        channel = "web" if rng.random() < 0.3 else "till"
        if channel == "till":
            at = at.replace(hour=rng.randint(9, 17))
            if at > NOW:
                at -= dt.timedelta(days=1)
        cust = None if rng.random() < 0.35 else rng.choice(buyers)
        if channel == "web" and cust is None:
            cust = rng.choice(buyers)
        txns.append((tid, cust, at, channel))
        for isbn in dict.fromkeys(rng.choices(isbns, weights, k=rng.choice([1, 1, 1, 2, 2, 3]))):
            book = books[isbn]
            published = dt.date(int(str(book[4])), 1, 1)
            if published > at.date():
                continue
            qty = rng.choice([1, 1, 1, 1, 2])
            price = float(str(book[5]))
            if rng.random() < 0.2:
                price = round(price * 0.8, 2)  # promotion
            lines.append((tid, isbn, qty, round(price * qty, 2)))
    return txns, lines


def build(path: str) -> None:
    rng = random.Random(8080)
    con = duckdb.connect(path)
    con.execute("CREATE TABLE auth (authId INTEGER, authNm VARCHAR, ctry VARCHAR)")
    con.execute(
        "CREATE TABLE bk (isbn VARCHAR, ttl VARCHAR, authId INTEGER, genre VARCHAR,"
        " pubYr INTEGER, rrp DECIMAL(6,2))"
    )
    con.execute(
        "CREATE TABLE cust (custNo INTEGER, custNm VARCHAR, email VARCHAR, joinDt DATE,"
        " loyPts INTEGER)"
    )
    con.execute("CREATE TABLE txn (txnId INTEGER, custNo INTEGER, txnTs TIMESTAMP, chan VARCHAR)")
    con.execute(
        "CREATE TABLE txnLn (txnId INTEGER, isbn VARCHAR, qty INTEGER, amtPaid DECIMAL(8,2))"
    )
    con.execute(
        "CREATE TABLE evt (evtId INTEGER, authId INTEGER, evtDt DATE, venue VARCHAR, cap INTEGER,"
        " tixSold INTEGER)"
    )
    customers = []
    for no, name in enumerate(NAMES, start=1):
        joined = dt.date(2023, 1, 1) + dt.timedelta(days=rng.randint(0, 700))
        points = None if no % 4 == 0 else rng.randint(0, 900)
        email = f"{name.split()[0].lower()}.{no}@example.org"
        customers.append((no, name, email, joined, points))
    txns, lines = _sales(rng)
    _insert(con, "auth", AUTHORS)
    _insert(con, "bk", BOOKS)
    _insert(con, "cust", customers)
    _insert(con, "txn", txns)
    _insert(con, "txnLn", lines)
    _insert(con, "evt", EVENTS)
    con.close()
