"""Day-one rules of issue 12 (branch nlqmore) on small databases of domains in no eval set,
bootstrapped with no hand edits: 'how many different patrons bought from us in 2026' counts
the patrons over the one table of rows pointing to them, filtered to the period; 'kettles older
than 12' (only the rows' noun and a comparison, on rows with no date) lists those rows."""

from __future__ import annotations

import datetime as dt
from collections.abc import Iterator

import duckdb
import pytest

from nexatron.nlq import DateContext

from .bootstrapped import BootstrappedDb, open_bootstrapped

CTX = DateContext(now=dt.datetime(2026, 9, 9, 15, tzinfo=dt.UTC))

# a tea room: patrons buy tins of tea; some purchases are anonymous (no patron)
_TEAROOM = [
    "CREATE TABLE patrons (patron_id INTEGER PRIMARY KEY, patron_name VARCHAR)",
    "CREATE TABLE kettles (kettle_id INTEGER PRIMARY KEY, kettle_name VARCHAR, age INTEGER,"
    " seats INTEGER, made_year INTEGER)",
    "CREATE TABLE guilds (guild_id INTEGER PRIMARY KEY, guild_name VARCHAR, founded_year INTEGER)",
    "CREATE TABLE tins (tin_id INTEGER PRIMARY KEY,"
    " patron_id INTEGER REFERENCES patrons (patron_id), sold_on TIMESTAMP,"
    " price DECIMAL(8, 2))",
]


def _fill_tearoom(con: duckdb.DuckDBPyConnection) -> None:
    for p in range(1, 10):
        con.execute("INSERT INTO patrons VALUES (?, ?)", [p, f"Patron {p}"])
    for k in range(1, 9):
        con.execute(
            "INSERT INTO kettles VALUES (?, ?, ?, ?, ?)",
            [k, f"Kettle {k}", 3 * k, 2 + k, 1990 + 4 * k],
        )
    for g in range(1, 7):
        con.execute("INSERT INTO guilds VALUES (?, ?, ?)", [g, f"Guild {g}", 1850 + 20 * g])
    for n in range(1, 31):
        # patrons 1-4 buy in 2025, 3-7 in 2026; 8 and 9 never buy; every fifth tin anonymous
        year = 2025 if n <= 12 else 2026
        patron = None if n % 5 == 0 else (1 + n % 4 if year == 2025 else 3 + n % 5)
        when = dt.datetime(year, 1 + n % 8, 1 + n % 27, 10)
        con.execute("INSERT INTO tins VALUES (?, ?, ?, ?)", [n, patron, when, 4.5 + n])


@pytest.fixture(scope="module")
def tearoom(tmp_path_factory: pytest.TempPathFactory) -> Iterator[BootstrappedDb]:
    yield from open_bootstrapped(tmp_path_factory.mktemp("tearoom"), _TEAROOM, [_fill_tearoom], CTX)


# --- different entities counted by a verb, then a period ---------------------------------------


@pytest.mark.parametrize(
    ("question", "gold"),
    [
        (
            "How many different patrons bought from us in 2026?",
            "SELECT count(DISTINCT patron_id) FROM tins"
            " WHERE sold_on >= TIMESTAMP '2026-01-01' AND sold_on < TIMESTAMP '2027-01-01'",
        ),
        (
            "How many different patrons have bought something from us this year?",
            "SELECT count(DISTINCT patron_id) FROM tins"
            " WHERE sold_on >= TIMESTAMP '2026-01-01' AND sold_on < TIMESTAMP '2027-01-01'",
        ),
        (
            "How many distinct patrons bought in 2025?",
            "SELECT count(DISTINCT patron_id) FROM tins"
            " WHERE sold_on >= TIMESTAMP '2025-01-01' AND sold_on < TIMESTAMP '2026-01-01'",
        ),
    ],
)
def test_different_entities_by_verb_in_a_period(
    tearoom: BootstrappedDb, question: str, gold: str
) -> None:
    assert tearoom.matches(question, gold)
    plan = tearoom.plan(question)
    assert any("different 'patrons'" in a for a in plan.assumptions)


def test_different_entities_by_verb_with_an_unknown_object_still_refused(
    tearoom: BootstrappedDb,
) -> None:
    # 'sent us work': a noun the layer does not know is no verb's object to drop
    assert "work" in tearoom.refused("How many different patrons have sent us work this year?")


# --- a bare noun phrase with a comparison lists the rows -----------------------------------------


@pytest.mark.parametrize(
    ("question", "gold"),
    [
        ("kettles older than 12", "SELECT kettle_name, age FROM kettles WHERE age > 12"),
        ("kettles younger than 9", "SELECT kettle_name, age FROM kettles WHERE age < 9"),
        # a year period on dateless rows is a comparison on their year column (year_periods)
        (
            "kettles made before 2010",
            "SELECT kettle_name, made_year FROM kettles WHERE made_year < 2010",
        ),
        # 'guilds founded' names the year column: the phrase starts with the rows' noun
        (
            "guilds founded before 1920",
            "SELECT guild_name, founded_year FROM guilds WHERE founded_year < 1920",
        ),
    ],
)
def test_bare_rows_with_a_comparison_are_listed(
    tearoom: BootstrappedDb, question: str, gold: str
) -> None:
    plan = tearoom.plan(question)
    assert plan.query.entity in {"kettles", "guilds"}
    assert tearoom.matches(question, gold)
    assert any("listed the rows of" in a for a in plan.assumptions)
    assert not any("answered with the number of rows" in a for a in plan.assumptions)


@pytest.mark.parametrize(
    ("question", "gold"),
    [
        # rows of events (dated) are counted, as before, announced
        ("tins with a price over 20", "SELECT count(*) FROM tins WHERE price > 20"),
        # a count word or a question asks for the number
        ("how many kettles are older than 12", "SELECT count(*) FROM kettles WHERE age > 12"),
        ("number of kettles older than 12", "SELECT count(*) FROM kettles WHERE age > 12"),
        (
            "how many kettles were made before 2010",
            "SELECT count(*) FROM kettles WHERE made_year < 2010",
        ),
        (
            "how many guilds were founded before 1920",
            "SELECT count(*) FROM guilds WHERE founded_year < 1920",
        ),
    ],
)
def test_bare_rows_counted_when_dated_or_asked(
    tearoom: BootstrappedDb, question: str, gold: str
) -> None:
    assert tearoom.plan(question).query.entity is None
    assert tearoom.matches(question, gold)


# --- a count of different values over rows with several dates --------------------------------

# an atelier: sessions are booked on one day and held on another
_ATELIER = [
    "CREATE TABLE pupils (pupil_id INTEGER PRIMARY KEY, pupil_name VARCHAR)",
    "CREATE TABLE sessions (session_id INTEGER PRIMARY KEY,"
    " pupil_id INTEGER REFERENCES pupils (pupil_id), booked_at TIMESTAMP, held_on DATE)",
]


def _fill_atelier(con: duckdb.DuckDBPyConnection) -> None:
    for p in range(1, 8):
        con.execute("INSERT INTO pupils VALUES (?, ?)", [p, f"Pupil {p}"])
    for n in range(1, 25):
        booked = dt.datetime(2025, 12, 1 + n, 9)  # booked in December 2025 ...
        held = dt.date(2025 + n % 2, 1 + n % 6, 10)  # ... held in 2025 or 2026
        con.execute("INSERT INTO sessions VALUES (?, ?, ?, ?)", [n, 1 + n % 7, booked, held])


@pytest.fixture(scope="module")
def atelier(tmp_path_factory: pytest.TempPathFactory) -> Iterator[BootstrappedDb]:
    yield from open_bootstrapped(tmp_path_factory.mktemp("atelier"), _ATELIER, [_fill_atelier], CTX)


def test_distinct_count_in_a_period_takes_the_row_count_date(atelier: BootstrappedDb) -> None:
    sessions = next(m for m in atelier.layer.metrics if m.name == "sessions")
    date = atelier.layer.dimension(str(sessions.time_dimension))
    assert date is not None
    gold = (
        f"SELECT count(DISTINCT pupil_id) FROM sessions WHERE {date.expr} >= DATE '2026-01-01'"
        f" AND {date.expr} < DATE '2027-01-01'"
    )
    question = "How many different pupils attended in 2026?"
    assert atelier.matches(question, gold)
    # the same period as for the sessions themselves
    assert atelier.matches(
        "how many sessions in 2026",
        f"SELECT count(*) FROM sessions WHERE {date.expr} >= DATE '2026-01-01'"
        f" AND {date.expr} < DATE '2027-01-01'",
    )
