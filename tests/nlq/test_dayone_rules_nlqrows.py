"""Row-level, ranking, join and anti-join rules of issue 12 (branch nlqrows) on a small marina
database bootstrapped with no hand edits: each question is parsed, compiled, executed on DuckDB
and compared with hand-written SQL, or its refusal is checked."""

from __future__ import annotations

import datetime as dt
from collections.abc import Iterator

import duckdb
import pytest

from nexatron.errors import NexatronError
from nexatron.evaluation.compare import rows_match
from nexatron.nlq import DateContext
from nexatron.nlq.errors import WriteRefused
from nexatron.semantic.compiler import compile_query

from .bootstrapped import BootstrappedDb, open_bootstrapped

CTX = DateContext(now=dt.datetime(2026, 7, 15, 12, tzinfo=dt.UTC))

_SCHEMA = [
    "CREATE TABLE harbours (harbour_id INTEGER PRIMARY KEY, harbour_name VARCHAR, town VARCHAR,"
    " berths INTEGER, opened_year INTEGER, checkin_desk VARCHAR)",
    "CREATE TABLE boats (boat_id INTEGER PRIMARY KEY, boat_name VARCHAR, boat_class VARCHAR,"
    " hull_value DECIMAL(10, 2), home_harbour_id INTEGER REFERENCES harbours (harbour_id),"
    " mentor_boat_id INTEGER REFERENCES boats (boat_id))",
    "CREATE TABLE trips (trip_id INTEGER PRIMARY KEY, trip_name VARCHAR,"
    " boat_id INTEGER REFERENCES boats (boat_id),"
    " departure_harbour_id INTEGER REFERENCES harbours (harbour_id),"
    " arrival_harbour_id INTEGER REFERENCES harbours (harbour_id), sailed_on DATE,"
    " duration_hours DECIMAL(6, 1))",
    "CREATE TABLE catches (catch_id INTEGER PRIMARY KEY,"
    " trip_id INTEGER REFERENCES trips (trip_id), species VARCHAR, gear VARCHAR,"
    " weight_kg DECIMAL(6, 1))",
    "CREATE TABLE services (service_id INTEGER PRIMARY KEY,"
    " boat_id INTEGER REFERENCES boats (boat_id), done_on DATE, status VARCHAR,"
    " cost DECIMAL(8, 2))",
    "CREATE TABLE mooring_applications (application_id INTEGER PRIMARY KEY,"
    " boat_id INTEGER REFERENCES boats (boat_id), filed_on DATE)",
]

# berths: two harbours share the second-largest count (80)
_HARBOURS = [
    (1, "North Quay", "Tarn", 120, 1901, "East"),
    (2, "South Basin", "Tarn", 80, 1955, "West"),
    (3, "Gull Point", "Wexby", 80, 1988, "East"),
    (4, "Old Dock", "Wexby", 40, 1870, "East"),
    (5, "Seal Cove", "Amble", 25, 2004, "West"),
]


def _fill(con: duckdb.DuckDBPyConnection) -> None:
    con.executemany("INSERT INTO harbours VALUES (?, ?, ?, ?, ?, ?)", _HARBOURS)
    classes = ["Sloop", "Ketch", "Cutter"]
    for b in range(1, 13):
        con.execute(
            "INSERT INTO boats VALUES (?, ?, ?, ?, ?, ?)",
            [b, f"Boat {b}", classes[b % 3], 10000 + (b * 3700) % 40000, 1 + b % 4, b // 2 or None],
        )
    # durations: two trips share the second-longest (30.5)
    hours = [12.0, 30.5, 41.0, 8.5, 30.5, 22.0, 17.0, 5.5, 26.0, 9.0]
    start = dt.date(2026, 3, 1)
    for t in range(1, 11):
        con.execute(
            "INSERT INTO trips VALUES (?, ?, ?, ?, ?, ?, ?)",
            [
                t,
                f"Trip {t}",
                1 + t % 9,
                1 + t % 3,
                2 + t % 2,
                start + dt.timedelta(days=7 * t),
                hours[t - 1],
            ],
        )
    fish = ["Cod", "Mackerel", "Pollock"]
    for c in range(1, 16):  # trips 9 and 10 caught nothing
        con.execute(
            "INSERT INTO catches VALUES (?, ?, ?, ?, ?)",
            [c, 1 + c % 8, fish[c % 3], "Net" if c % 2 else "Line", 5 + c * 2.5],
        )

    for r in range(1, 7):  # boats 1..6 have been serviced
        con.execute(
            "INSERT INTO services VALUES (?, ?, ?, ?, ?)",
            [r, r, dt.date(2026, 1, 1) + dt.timedelta(days=9 * r), "Serviced", 150 * r],
        )

    for a in range(1, 5):  # boats 3, 5, 7 and 9 applied for a mooring
        con.execute(
            "INSERT INTO mooring_applications VALUES (?, ?, ?)",
            [a, 1 + 2 * a, dt.date(2026, 2, 1) + dt.timedelta(days=3 * a)],
        )


@pytest.fixture(scope="module")
def marina(tmp_path_factory: pytest.TempPathFactory) -> Iterator[BootstrappedDb]:
    yield from open_bootstrapped(tmp_path_factory.mktemp("marina"), _SCHEMA, [_fill], CTX)


def same_rows(db: BootstrappedDb, question: str, gold_sql: str) -> bool:
    """The question's rows equal the gold's, an answer's entity keys allowed beside them (as
    `nexatron eval` compares)."""
    plan = db.plan(question)
    compiled = compile_query(db.layer, plan.query, "duckdb")
    got = db.con.execute(compiled.sql).fetchall()
    keys = tuple(
        i
        for i, c in enumerate(compiled.columns)
        if c.role == "dimension" and c.ref in plan.query.keys
    )
    return rows_match(got, db.con.execute(gold_sql).fetchall(), False, keys)


# --- an ordinal place of a ranking of rows by their own column ----------------------------


def test_second_place_without_which(marina: BootstrappedDb) -> None:
    """'harbours with the second-largest number of berths': the ordinal asks for a ranking
    even with no 'which'; 'number of' before a numeric column is the column itself."""
    assert same_rows(
        marina,
        "harbours with the second-largest number of berths",
        "SELECT harbour_name, berths FROM harbours WHERE berths = 80",
    )


def test_tie_said_with_share(marina: BootstrappedDb) -> None:
    assert same_rows(
        marina,
        "which harbours share the second-largest number of berths",
        "SELECT harbour_name, berths FROM harbours WHERE berths = 80",
    )


def test_longest_ranks_a_column(marina: BootstrappedDb) -> None:
    """'longest' and 'shortest' are superlatives like 'largest', and a measure's bare noun
    after one is its column: 'the second-longest duration' ranks the trips by it."""
    assert same_rows(
        marina,
        "which trips have the second-longest duration",
        "SELECT trip_name, duration_hours FROM trips WHERE duration_hours = 30.5",
    )
    assert same_rows(
        marina,
        "which trip has the shortest duration",
        "SELECT trip_name, duration_hours FROM trips WHERE duration_hours = 5.5",
    )


def test_ranked_rows_with_no_name_are_listed_by_their_own_key(marina: BootstrappedDb) -> None:
    """'the 2 heaviest catches': catches have no name and nothing points at them, so their own
    id lists them (before: the ranking was dropped and the catches counted)."""
    assert same_rows(
        marina,
        "the 2 heaviest catches",
        "SELECT catch_id, weight_kg FROM catches ORDER BY weight_kg DESC LIMIT 2",
    )


def test_ranked_rows_no_row_query_can_list_are_refused(marina: BootstrappedDb) -> None:
    marina.refused("average weight of the 3 heaviest catches")


# --- a measure's bare noun in a question asking for rows is its column --------------------


def test_measure_said_of_rows_is_its_column(marina: BootstrappedDb) -> None:
    """'their durations', 'names and durations': each row's own value, not a total."""
    assert same_rows(
        marina,
        "list the trips with their durations",
        "SELECT trip_name, duration_hours FROM trips",
    )
    assert same_rows(
        marina,
        "show the trip names and durations of the trips",
        "SELECT trip_name, duration_hours FROM trips",
    )


def test_measure_of_another_table_stays_a_metric(marina: BootstrappedDb) -> None:
    """'harbours and their durations': the durations are the trips', so no row of harbours
    has one; not read as a column (refused or asked, never listed)."""
    marina.refused("list the harbours with their durations")


# --- anti-joins -----------------------------------------------------------------------------


def test_role_words_pick_one_of_two_relationships(marina: BootstrappedDb) -> None:
    """trips point at harbours twice; 'departing' names the departure, 'arriving' the
    arrival; with no role word the question is still refused."""
    assert same_rows(
        marina,
        "which harbours have no departing trips",
        "SELECT harbour_name FROM harbours WHERE harbour_id NOT IN"
        " (SELECT departure_harbour_id FROM trips)",
    )
    assert same_rows(
        marina,
        "which harbours have no arriving trips",
        "SELECT harbour_name FROM harbours WHERE harbour_id NOT IN"
        " (SELECT arrival_harbour_id FROM trips)",
    )
    marina.refused("harbours with no trips")


def test_never_a_or_b_is_neither(marina: BootstrappedDb) -> None:
    assert same_rows(
        marina,
        "which harbours have never sent or received a trip",
        "SELECT harbour_name FROM harbours WHERE harbour_id NOT IN"
        " (SELECT departure_harbour_id FROM trips UNION SELECT arrival_harbour_id FROM trips)",
    )


def test_noun_after_the_verb_only_says_what_it_is_about(marina: BootstrappedDb) -> None:
    """'boats that have never sailed a trip': the rows themselves, listed, with no question
    word (before: refused as a count of trips)."""
    assert same_rows(
        marina,
        "boats that have never sailed a trip",
        "SELECT boat_name FROM boats WHERE boat_id NOT IN (SELECT boat_id FROM trips)",
    )


def test_child_verb_before_the_negation(marina: BootstrappedDb) -> None:
    """'boats sailed no trips': 'sailed' is the trips' own date column, the verb of the
    relationship; the rows are the boats before it (before: the trips were taken as the rows
    and the question refused)."""
    assert same_rows(
        marina,
        "how many boats sailed no trips",
        "SELECT count(*) FROM boats WHERE boat_id NOT IN (SELECT boat_id FROM trips)",
    )


def test_closing_filler_after_the_anti_join(marina: BootstrappedDb) -> None:
    assert same_rows(
        marina,
        "how many boats are not sailed by anyone",
        "SELECT count(*) FROM boats WHERE boat_id NOT IN (SELECT boat_id FROM trips)",
    )


def test_closing_participle_names_the_child_table(marina: BootstrappedDb) -> None:
    """'trips never been recorded': a participle known as a function word closes the question
    (the only child table); so does a participle that is also a value ('Serviced'), naming of
    several child tables the one the verb begins like ('boats never serviced': services, not
    trips)."""
    assert same_rows(
        marina,
        "which trips have never been recorded",
        "SELECT trip_name FROM trips WHERE trip_id NOT IN (SELECT trip_id FROM catches)",
    )
    assert same_rows(
        marina,
        "which boats were never serviced",
        "SELECT boat_name FROM boats WHERE boat_id NOT IN (SELECT boat_id FROM services)",
    )
    assert same_rows(
        marina,
        "which boats never applied",
        "SELECT boat_name FROM boats WHERE boat_id NOT IN"
        " (SELECT boat_id FROM mooring_applications)",
    )


# --- the verb of a ranking ------------------------------------------------------------------


def test_ranking_verb_names_the_one_link(marina: BootstrappedDb) -> None:
    """'which trip landed the most catches': catches point at trips one way, so the verb only
    names that link (announced)."""
    plan = marina.plan("which trip landed the most catches")
    assert any("'landed'" in a for a in plan.assumptions)
    assert same_rows(
        marina,
        "which trip landed the most catches",
        "SELECT t.trip_name, count(*) FROM catches c JOIN trips t ON c.trip_id = t.trip_id"
        " GROUP BY t.trip_id, t.trip_name HAVING count(*) ="
        " (SELECT max(n) FROM (SELECT count(*) AS n FROM catches GROUP BY trip_id))",
    )


def test_ranking_verb_over_two_links_is_refused(marina: BootstrappedDb) -> None:
    """trips point at harbours as departure and as arrival: 'launched' does not say which."""
    assert "launched" in marina.refused("which harbour launched the most trips")


# --- listings: a date column's 'dates', a name after 'called' -------------------------------


def test_dates_after_a_date_column_name_it(marina: BootstrappedDb) -> None:
    """'the names and sail dates of trips': 'dates' names the column, not a daily grain."""
    assert same_rows(
        marina,
        "show the names and sail dates of trips",
        "SELECT trip_name, sailed_on FROM trips",
    )


def test_called_names_the_rows_own_column(marina: BootstrappedDb) -> None:
    """boats point at boats (mentor): 'boats called Boat 3' is their own name, not their
    mentor's; with no 'called' the value stays ambiguous."""
    assert same_rows(
        marina,
        "list the boats called Boat 3 with their classes",
        "SELECT boat_id, boat_name, boat_class FROM boats WHERE boat_name = 'Boat 3'",
    )
    marina.refused("how many boats follow Boat 3")


# --- hyphenated compounds -------------------------------------------------------------------


def test_hyphen_compound_the_schema_writes_as_one_word(marina: BootstrappedDb) -> None:
    """'check-in desk' against `checkin_desk` (announced as read), and 'drop-off' is no
    request to drop anything."""
    plan = marina.plan("harbours per check-in desk")
    assert any("check-in" in a for a in plan.assumptions)
    assert same_rows(
        marina,
        "harbours per check-in desk",
        "SELECT checkin_desk, count(*) FROM harbours GROUP BY checkin_desk",
    )
    with pytest.raises(NexatronError) as caught:
        marina.plan("boats per drop-off quay")
    assert not isinstance(caught.value, WriteRefused)
    with pytest.raises(WriteRefused):
        marina.plan("drop the boats table")
