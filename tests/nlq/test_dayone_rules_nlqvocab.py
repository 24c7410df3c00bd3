"""Vocabulary rules of issue 12 (branch nlqvocab) on small ferry databases bootstrapped with no
hand edits: money nouns ('revenue', 'takings', 'spend') read as the sum of the one money column
they are about, announced; refused when no column or a unit price could be meant."""

from __future__ import annotations

import datetime as dt
from collections.abc import Iterator
from pathlib import Path
from typing import Any

import duckdb
import pytest

from nexatron.evaluation.compare import rows_match
from nexatron.nlq import DateContext

from .bootstrapped import BootstrappedDb, open_bootstrapped

CTX = DateContext(now=dt.datetime(2026, 9, 9, 15, tzinfo=dt.UTC))

_FERRIES = [
    "CREATE TABLE harbours (harbour_id INTEGER PRIMARY KEY, harbour_name VARCHAR, isle VARCHAR)",
    "CREATE TABLE routes (route_id INTEGER PRIMARY KEY, route_name VARCHAR,"
    " harbour_id INTEGER REFERENCES harbours (harbour_id), list_fare DECIMAL(8, 2),"
    " opened_on DATE)",
    "CREATE TABLE crossings (crossing_id INTEGER PRIMARY KEY,"
    " route_id INTEGER REFERENCES routes (route_id), sailed_on DATE, fare_paid DECIMAL(8, 2))",
]
# a kiosk selling units at a unit price: its revenue is no column's sum
_KIOSK = [
    "CREATE TABLE kiosk_sales (sale_id INTEGER PRIMARY KEY, sold_on DATE, quantity INTEGER,"
    " unit_price DECIMAL(8, 2))",
]
# no money at all
_LOGBOOK = [
    "CREATE TABLE skippers (skipper_id INTEGER PRIMARY KEY, skipper_name VARCHAR)",
    "CREATE TABLE voyages (voyage_id INTEGER PRIMARY KEY,"
    " skipper_id INTEGER REFERENCES skippers (skipper_id), sailed_on DATE, miles INTEGER)",
]


def _fill_ferries(con: duckdb.DuckDBPyConnection) -> None:
    for h in range(1, 4):
        con.execute("INSERT INTO harbours VALUES (?, ?, ?)", [h, f"Harbour {h}", f"Isle {h % 2}"])
    for r in range(1, 7):
        con.execute(
            "INSERT INTO routes VALUES (?, ?, ?, ?, ?)",
            [r, f"Route {r}", 1 + r % 3, 10 + r, dt.date(2020, 1, r)],
        )
    today = dt.date(2026, 9, 9)
    for c in range(1, 121):
        con.execute(
            "INSERT INTO crossings VALUES (?, ?, ?, ?)",
            [c, 1 + (c * 5) % 6, today - dt.timedelta(days=c % 70), 5 + (c * 7) % 23],
        )


def _fill_kiosk(con: duckdb.DuckDBPyConnection) -> None:
    for s in range(1, 31):
        con.execute(
            "INSERT INTO kiosk_sales VALUES (?, ?, ?, ?)",
            [s, dt.date(2026, 9, 1) - dt.timedelta(days=s), 1 + s % 4, 2 + s % 3],
        )


def _fill_logbook(con: duckdb.DuckDBPyConnection) -> None:
    for k in range(1, 4):
        con.execute("INSERT INTO skippers VALUES (?, ?)", [k, f"Skipper {k}"])
    for v in range(1, 21):
        con.execute(
            "INSERT INTO voyages VALUES (?, ?, ?, ?)",
            [v, 1 + v % 3, dt.date(2026, 8, 1) + dt.timedelta(days=v), 10 * v],
        )


Db = BootstrappedDb


def _database(root: Path, schema: list[str], fills: list[Any]) -> Iterator[Db]:
    return open_bootstrapped(root, schema, fills, CTX)


@pytest.fixture(scope="module")
def ferries(tmp_path_factory: pytest.TempPathFactory) -> Iterator[Db]:
    yield from _database(tmp_path_factory.mktemp("ferries"), _FERRIES, [_fill_ferries])


@pytest.fixture(scope="module")
def ferries_and_kiosk(tmp_path_factory: pytest.TempPathFactory) -> Iterator[Db]:
    yield from _database(
        tmp_path_factory.mktemp("kiosk"), _FERRIES + _KIOSK, [_fill_ferries, _fill_kiosk]
    )


@pytest.fixture(scope="module")
def logbook(tmp_path_factory: pytest.TempPathFactory) -> Iterator[Db]:
    yield from _database(tmp_path_factory.mktemp("logbook"), _LOGBOOK, [_fill_logbook])


_TOTAL = "SELECT sum(fare_paid) FROM crossings"


@pytest.mark.parametrize(
    "question",
    [
        "crossing revenue",
        "total crossing revenue",
        "revenue from crossings",
        "crossing takings",
        "fare paid revenue",
        "revenue",
    ],
)
def test_a_money_noun_is_the_sum_of_the_money_column_it_is_about(
    ferries: Db, question: str
) -> None:
    assert ferries.matches(question, _TOTAL)
    plan = ferries.plan(question)
    assert any("as the total of fare paid" in a for a in plan.assumptions), plan.assumptions


def test_a_money_noun_keeps_the_period_and_the_grouping(ferries: Db) -> None:
    gold = (
        "SELECT sum(fare_paid) FROM crossings WHERE sailed_on >= DATE '2026-08-01'"
        " AND sailed_on < DATE '2026-09-01'"
    )
    assert ferries.matches("crossing revenue last month", gold)
    gold = (
        "SELECT h.harbour_id, h.harbour_name, sum(c.fare_paid) FROM crossings c"
        " JOIN routes r ON c.route_id = r.route_id JOIN harbours h ON r.harbour_id = h.harbour_id"
        " GROUP BY h.harbour_id, h.harbour_name"
    )
    assert ferries.matches("revenue by harbour", gold)


def test_a_money_noun_ranks(ferries: Db) -> None:
    gold = (
        "SELECT r.route_id, r.route_name, sum(c.fare_paid) AS s FROM crossings c"
        " JOIN routes r ON c.route_id = r.route_id GROUP BY r.route_id, r.route_name"
        " ORDER BY s DESC LIMIT 2"
    )
    got = ferries.rows("top 2 routes by revenue")
    assert rows_match(got, ferries.con.execute(gold).fetchall(), ordered=True)


def test_a_listed_price_of_undated_rows_is_not_money_taken(ferries: Db) -> None:
    # routes hold a listed fare and no date: 'route revenue' is not the sum of list prices
    assert "revenue" in ferries.refused("route revenue")


def test_a_unit_price_is_not_revenue(ferries_and_kiosk: Db) -> None:
    assert "revenue" in ferries_and_kiosk.refused("kiosk sale revenue")
    # alone, quantity times a unit price could be meant: no guess
    assert "revenue" in ferries_and_kiosk.refused("revenue by harbour")
    # the ferry's own crossings are still read
    assert ferries_and_kiosk.matches("crossing revenue", _TOTAL)


def test_no_money_column_leaves_the_noun_refused_by_name(logbook: Db) -> None:
    assert "revenue" in logbook.refused("revenue by skipper")
    assert "spend" in logbook.refused("voyage spend last month")


# --- 'headcount': the number of the one table of employed people -----------------------------

_STATIONS = [
    "CREATE TABLE stations (station_id INTEGER PRIMARY KEY, station_name VARCHAR)",
    "CREATE TABLE staff (staff_id INTEGER PRIMARY KEY, staff_name VARCHAR,"
    " station_id INTEGER REFERENCES stations (station_id), joined_on DATE)",
]


def _fill_stations(con: duckdb.DuckDBPyConnection) -> None:
    for s in range(1, 5):
        con.execute("INSERT INTO stations VALUES (?, ?)", [s, f"Station {s}"])
    for p in range(1, 24):
        con.execute(
            "INSERT INTO staff VALUES (?, ?, ?, ?)",
            [p, f"Person {p}", 1 + (p * p) % 4, dt.date(2020, 1, 1) + dt.timedelta(days=p)],
        )


@pytest.fixture(scope="module")
def stations(tmp_path_factory: pytest.TempPathFactory) -> Iterator[Db]:
    yield from _database(tmp_path_factory.mktemp("stations"), _STATIONS, [_fill_stations])


def test_headcount_counts_the_table_of_employed_people(stations: Db) -> None:
    assert stations.matches("headcount", "SELECT count(*) FROM staff")
    gold = (
        "SELECT s.station_id, s.station_name, count(*) FROM staff p"
        " JOIN stations s ON p.station_id = s.station_id GROUP BY s.station_id, s.station_name"
    )
    assert stations.matches("headcount per station", gold)


def test_headcount_with_no_table_of_employed_people_is_refused_by_name(logbook: Db) -> None:
    assert "headcount" in logbook.refused("headcount by skipper")


# --- 'running time', 'duration', 'length': the one column measuring how long ---------------

_EPISODES = [
    "CREATE TABLE episodes (episode_id INTEGER PRIMARY KEY, episode_title VARCHAR,"
    " runtime_min INTEGER, aired_on DATE)",
]


def _fill_episodes(con: duckdb.DuckDBPyConnection) -> None:
    for s in range(1, 13):
        con.execute(
            "INSERT INTO episodes VALUES (?, ?, ?, ?)",
            [s, f"Episode {s}", 60 + (s * 17) % 70, dt.date(2024, 1, 1) + dt.timedelta(days=9 * s)],
        )


@pytest.fixture(scope="module")
def episodes(tmp_path_factory: pytest.TempPathFactory) -> Iterator[Db]:
    yield from _database(tmp_path_factory.mktemp("episodes"), _EPISODES, [_fill_episodes])


@pytest.mark.parametrize(
    ("question", "gold"),
    [
        ("average episode running time", "SELECT avg(runtime_min) FROM episodes"),
        (
            "longest and shortest episode duration",
            "SELECT max(runtime_min), min(runtime_min) FROM episodes",
        ),
        ("average episode length", "SELECT avg(runtime_min) FROM episodes"),
    ],
)
def test_a_duration_phrase_reads_as_the_one_duration_column(
    episodes: Db, question: str, gold: str
) -> None:
    assert episodes.matches(question, gold)


def test_duration_phrases_need_exactly_one_duration_column() -> None:
    from nexatron.nlq.concept_words import duration_phrases
    from nexatron.semantic.model import Dimension

    def number(name: str) -> Dimension:
        return Dimension(name=name, table="t", expr=name, type="number")

    assert ("running time", "runtime_min") in [
        (" ".join(w), d) for w, d in duration_phrases([number("runtime_min")], set())
    ]
    # two durations: no guess; a point in time ('start_hour') is no duration
    assert duration_phrases([number("runtime_min"), number("interval_min")], set()) == []
    assert duration_phrases([number("start_hour")], set()) == []
    # a phrase the layer already names keeps its own reading
    assert ("length",) not in {
        tuple(w) for w, _ in duration_phrases([number("runtime_min")], {("length",)})
    }


def test_running_time_with_no_duration_column_is_refused(logbook: Db) -> None:
    logbook.refused("average voyage running time")


def test_top_things_by_a_table_noun_ranks_them_by_its_count(stations: Db) -> None:
    gold = (
        "SELECT s.station_id, s.station_name, count(*) AS n FROM staff p"
        " JOIN stations s ON p.station_id = s.station_id GROUP BY s.station_id, s.station_name"
        " ORDER BY n DESC LIMIT 2"
    )
    for question in ("top 2 stations by staff", "top 2 stations by headcount"):
        got = stations.rows(question)
        assert rows_match(got, stations.con.execute(gold).fetchall(), ordered=True), question
