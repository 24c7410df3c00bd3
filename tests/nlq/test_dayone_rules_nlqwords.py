"""Word rules of issue 12 (branch nlqwords) on a small bike-repair database with abbreviated
names, bootstrapped with no hand edits: contractions read as their words, number words as
counts, question words that spell out an abbreviated name read as that name (announced), and
'hourly' / 'per hour' as the unit of a column's name rather than a part of a date."""

from __future__ import annotations

import datetime as dt
from collections.abc import Callable, Iterator

import duckdb
import pytest

from nexatron.nlq import DateContext
from nexatron.nlq.abbreviated_words import fits
from nexatron.nlq.segment import counted_number
from nexatron.nlq.text import tokenize

from .bootstrapped import BootstrappedDb, open_bootstrapped

CTX = DateContext(now=dt.datetime(2026, 9, 9, 15, tzinfo=dt.UTC))

_BIKES = [
    "CREATE TABLE mech (mech_id INTEGER PRIMARY KEY, mech_nm VARCHAR, hrly_rt DECIMAL(8, 2))",
    "CREATE TABLE ridrs (ridr_id INTEGER PRIMARY KEY, ridr_nm VARCHAR, mthly_fee DECIMAL(8, 2))",
    "CREATE TABLE prts (prt_id INTEGER PRIMARY KEY, prt_nm VARCHAR, rrp DECIMAL(8, 2))",
    "CREATE TABLE rprs (rpr_id INTEGER PRIMARY KEY, ridr_id INTEGER REFERENCES ridrs (ridr_id),"
    " mech_id INTEGER REFERENCES mech (mech_id), rpr_dt DATE, amt_pd DECIMAL(8, 2),"
    " tip_amt DECIMAL(8, 2))",
]
# a sale of several plants at once: its total is a whole amount, not a unit price
_NURSERY = [
    "CREATE TABLE plant_sales (sale_id INTEGER PRIMARY KEY, sold_on DATE, qty INTEGER,"
    " sale_total DECIMAL(8, 2))",
]
# gifts that may be refunded: whether money raised counts refunds is the question's to say
_GIFTS = [
    "CREATE TABLE gifts (gift_id INTEGER PRIMARY KEY, given_on DATE, gift_amt DECIMAL(8, 2),"
    " refunded BOOLEAN)",
]
# a sale line at a unit price: its revenue is no column's sum
_STALL = [
    "CREATE TABLE stall_sales (sale_id INTEGER PRIMARY KEY, sold_on DATE, qty INTEGER,"
    " unit_price DECIMAL(8, 2))",
]
# no column with an hour in its name
_DEPOT = [
    "CREATE TABLE depots (depot_id INTEGER PRIMARY KEY, depot_name VARCHAR)",
    "CREATE TABLE loads (load_id INTEGER PRIMARY KEY,"
    " depot_id INTEGER REFERENCES depots (depot_id), loaded_at TIMESTAMP, weight_kg INTEGER)",
]
_FIXERS = ["Ada", "Bo", "Cy", "Di", "Ed"]
_JOBS_PER_FIXER = [9, 7, 5, 3, 0]  # Ed never fixed anything


def _fill_bikes(con: duckdb.DuckDBPyConnection) -> None:
    for m, name in enumerate(_FIXERS, start=1):
        con.execute("INSERT INTO mech VALUES (?, ?, ?)", [m, name, 20 + 3 * m])
    for r in range(1, 9):
        con.execute("INSERT INTO ridrs VALUES (?, ?, ?)", [r, f"Cyclist {r}", 5 + r])
    for p in range(1, 6):
        con.execute("INSERT INTO prts VALUES (?, ?, ?)", [p, f"Part {p}", 4.5 * p])
    job = 0
    for m, jobs in enumerate(_JOBS_PER_FIXER, start=1):
        for _ in range(jobs):
            job += 1
            day = dt.date(2026, 8, 1) + dt.timedelta(days=job)
            con.execute(
                "INSERT INTO rprs VALUES (?, ?, ?, ?, ?, ?)",
                [job, 1 + (job * 3) % 7, m, day, 10 + job, job % 4],
            )


def _fill_depot(con: duckdb.DuckDBPyConnection) -> None:
    for d in range(1, 3):
        con.execute("INSERT INTO depots VALUES (?, ?)", [d, f"Depot {d}"])
    for n in range(1, 13):
        con.execute(
            "INSERT INTO loads VALUES (?, ?, ?, ?)",
            [n, 1 + n % 2, dt.datetime(2026, 9, 1, n), 100 * n],
        )


def _fill_sales(table: str) -> Callable[[duckdb.DuckDBPyConnection], None]:
    def fill(con: duckdb.DuckDBPyConnection) -> None:
        for n in range(1, 21):
            day = dt.date(2026, 8, 1) + dt.timedelta(days=n)
            con.execute(f"INSERT INTO {table} VALUES (?, ?, ?, ?)", [n, day, 1 + n % 3, 2.5 * n])

    return fill


@pytest.fixture(scope="module")
def nursery(tmp_path_factory: pytest.TempPathFactory) -> Iterator[BootstrappedDb]:
    root = tmp_path_factory.mktemp("nursery")
    yield from open_bootstrapped(root, _NURSERY, [_fill_sales("plant_sales")], CTX)


@pytest.fixture(scope="module")
def stall(tmp_path_factory: pytest.TempPathFactory) -> Iterator[BootstrappedDb]:
    root = tmp_path_factory.mktemp("stall")
    yield from open_bootstrapped(root, _STALL, [_fill_sales("stall_sales")], CTX)


def _fill_gifts(con: duckdb.DuckDBPyConnection) -> None:
    for n in range(1, 21):
        day = dt.date(2026, 8, 1) + dt.timedelta(days=n)
        con.execute("INSERT INTO gifts VALUES (?, ?, ?, ?)", [n, day, 5.0 * n, n % 5 == 0])


@pytest.fixture(scope="module")
def gifts(tmp_path_factory: pytest.TempPathFactory) -> Iterator[BootstrappedDb]:
    yield from open_bootstrapped(tmp_path_factory.mktemp("gifts"), _GIFTS, [_fill_gifts], CTX)


@pytest.fixture(scope="module")
def bikes(tmp_path_factory: pytest.TempPathFactory) -> Iterator[BootstrappedDb]:
    yield from open_bootstrapped(tmp_path_factory.mktemp("bikes"), _BIKES, [_fill_bikes], CTX)


@pytest.fixture(scope="module")
def depot(tmp_path_factory: pytest.TempPathFactory) -> Iterator[BootstrappedDb]:
    yield from open_bootstrapped(tmp_path_factory.mktemp("depot"), _DEPOT, [_fill_depot], CTX)


# --- contractions -----------------------------------------------------------------------------


@pytest.mark.parametrize(
    ("text", "words"),
    [
        ("haven't", ["have", "not"]),
        ("don't", ["do", "not"]),
        ("aren't", ["are", "not"]),
        ("won't", ["will", "not"]),
        ("can\u2019t", ["can", "not"]),
        ("we've", ["we", "have"]),
        ("who've", ["who", "have"]),
        ("they're", ["they", "are"]),
        ("O'Brien's", ["o", "brien"]),
        ("part-time", ["part", "time"]),
    ],
)
def test_a_contraction_reads_as_its_words(text: str, words: list[str]) -> None:
    assert [t.low for t in tokenize(text)] == words


def test_a_contracted_negation_is_a_negation(bikes: BootstrappedDb) -> None:
    gold = (
        "SELECT m.mech_id, m.mech_nm FROM mech m"
        " WHERE NOT EXISTS (SELECT 1 FROM rprs r WHERE r.mech_id = m.mech_id)"
    )
    assert bikes.matches("Which mechanics haven't done any repairs?", gold)
    assert bikes.matches("mechanics who've never done a repair", gold)


# --- number words -----------------------------------------------------------------------------


def test_a_number_word_after_a_rank_is_the_limit(bikes: BootstrappedDb) -> None:
    gold = (
        "SELECT m.mech_id, m.mech_nm, count(*) AS n FROM rprs r JOIN mech m"
        " ON r.mech_id = m.mech_id GROUP BY 1, 2 ORDER BY n DESC LIMIT 3"
    )
    assert bikes.matches("top three mechanics by repairs", gold)
    assert bikes.plan("top three mechanics by repairs").query.limit == 3


def test_a_number_word_before_or_more_is_a_threshold(bikes: BootstrappedDb) -> None:
    gold = (
        "SELECT m.mech_id, m.mech_nm, count(*) FROM rprs r JOIN mech m"
        " ON r.mech_id = m.mech_id GROUP BY 1, 2 HAVING count(*) >= 5"
    )
    assert bikes.matches("mechanics with five or more repairs", gold)


def test_a_lone_number_word_is_no_count(bikes: BootstrappedDb) -> None:
    assert "three" in bikes.refused("three mechanics")


# --- spelled-out abbreviations ----------------------------------------------------------------


@pytest.mark.parametrize(
    ("short", "word"),
    [
        ("bks", "books"),
        ("hrly", "hourly"),
        ("mthly", "monthly"),
        ("pd", "paid"),
        ("rt", "rate"),
        ("grmr", "groomer"),
        ("brd", "breeds"),
        ("ridrs", "riders"),
        ("membs", "members"),
        ("auths", "authors"),
        ("loy", "loyalty"),
    ],
)
def test_a_layer_word_abbreviates_the_question_word(short: str, word: str) -> None:
    assert fits(short, word)


@pytest.mark.parametrize(
    ("short", "word"),
    [
        ("city", "capacity"),  # a real word is not an abbreviation with consonants dropped
        ("days", "daily"),
        ("rt", "rent"),  # two letters must be the whole skeleton
        ("plnts", "plantings"),  # the last letters differ in the singular
        ("book", "booking"),  # an ending makes a new word, not a spelling-out
        ("pet", "petrol"),  # a prefix is cut before a vowel
    ],
)
def test_a_layer_word_does_not_abbreviate_another_word(short: str, word: str) -> None:
    assert not fits(short, word)


def test_a_spelled_out_table_name_is_counted_and_announced(bikes: BootstrappedDb) -> None:
    assert bikes.matches("How many riders do we have?", "SELECT count(*) FROM ridrs")
    plan = bikes.plan("How many riders do we have?")
    assert "read 'riders' as 'ridrs'" in plan.assumptions


@pytest.mark.parametrize(
    ("question", "gold"),
    [
        ("What's the average monthly fee?", "SELECT avg(mthly_fee) FROM ridrs"),
        ("total amount paid", "SELECT sum(amt_pd) FROM rprs"),
        ("average hourly rate", "SELECT avg(hrly_rt) FROM mech"),
        ("average recommended retail price", "SELECT avg(rrp) FROM prts"),
    ],
)
def test_spelled_out_column_names(bikes: BootstrappedDb, question: str, gold: str) -> None:
    assert bikes.matches(question, gold)
    assert any(a.startswith("read '") for a in bikes.plan(question).assumptions)


def test_a_word_that_completes_no_name_stays_unmatched(bikes: BootstrappedDb) -> None:
    assert "rent" in bikes.refused("average rent")
    assert "bicycles" in bikes.refused("how many bicycles")


# --- hour units -------------------------------------------------------------------------------


def test_hourly_is_a_unit_where_a_column_is_named_for_it(bikes: BootstrappedDb) -> None:
    gold = "SELECT mech_id, mech_nm, hrly_rt FROM mech ORDER BY hrly_rt DESC LIMIT 2"
    assert bikes.matches("top two mechanics by hourly rate", gold)


def test_per_hour_is_a_date_part_where_no_column_is_named_for_it(depot: BootstrappedDb) -> None:
    assert depot.refused("loads per hour") == ["per hour"]
    assert depot.refused("hourly loads") == ["hourly"]


# --- money nouns ------------------------------------------------------------------------------


def test_revenue_is_the_amount_paid_not_the_tip(bikes: BootstrappedDb) -> None:
    gold = (
        "SELECT m.mech_id, m.mech_nm, sum(r.amt_pd) FROM rprs r JOIN mech m"
        " ON r.mech_id = m.mech_id GROUP BY 1, 2"
    )
    assert bikes.matches("revenue per mechanic", gold)
    plan = bikes.plan("revenue per mechanic")
    assert any("as the total of amount pd" in a for a in plan.assumptions), plan.assumptions


def test_money_and_its_light_participle_are_the_money_column(bikes: BootstrappedDb) -> None:
    gold = (
        "SELECT m.mech_id, m.mech_nm, sum(r.amt_pd) FROM rprs r JOIN mech m"
        " ON r.mech_id = m.mech_id GROUP BY 1, 2"
    )
    assert bikes.matches("money taken per mechanic", gold)


def test_money_over_refundable_rows_is_read_only_when_refunds_are_mentioned(
    gifts: BootstrappedDb,
) -> None:
    assert "money" in gifts.refused("total money raised")
    gold = "SELECT sum(gift_amt) FROM gifts WHERE NOT refunded"
    assert gifts.matches("total money raised, not refunded", gold)


def test_revenue_beside_a_quantity_is_the_whole_total(nursery: BootstrappedDb) -> None:
    assert nursery.matches("revenue", "SELECT sum(sale_total) FROM plant_sales")


def test_revenue_beside_a_quantity_and_a_unit_price_is_refused(stall: BootstrappedDb) -> None:
    assert "revenue" in stall.refused("revenue")


# --- filler words -----------------------------------------------------------------------------


@pytest.mark.parametrize(
    "question",
    [
        "how many repairs have we actually done",
        "how many riders do we have on file",
        "how many riders are on our books",
        "how many riders are on record",
    ],
)
def test_filler_words_add_nothing(bikes: BootstrappedDb, question: str) -> None:
    table = "rprs" if "repairs" in question else "ridrs"
    assert bikes.matches(question, f"SELECT count(*) FROM {table}")


def test_a_single_after_a_determiner_is_emphasis(bikes: BootstrappedDb) -> None:
    gold = (
        "SELECT m.mech_id, m.mech_nm FROM mech m"
        " WHERE NOT EXISTS (SELECT 1 FROM rprs r WHERE r.mech_id = m.mech_id)"
    )
    assert bikes.matches("mechanics who have never done a single repair", gold)
    assert "single" in bikes.refused("single mechanics")


# --- light verbs ------------------------------------------------------------------------------


def test_a_light_verb_after_have_restates_the_counted_rows(bikes: BootstrappedDb) -> None:
    assert bikes.matches("how many repairs have we booked", "SELECT count(*) FROM rprs")
    assert "booked" in bikes.refused("what have we booked for each rider")


def test_registered_after_the_counted_rows_restates_them(bikes: BootstrappedDb) -> None:
    assert bikes.matches("How many riders are registered?", "SELECT count(*) FROM ridrs")


def test_booked_after_the_counted_rows_restates_them(bikes: BootstrappedDb) -> None:
    gold = (
        "SELECT m.mech_id, m.mech_nm, count(*) FROM rprs r JOIN mech m"
        " ON r.mech_id = m.mech_id GROUP BY 1, 2"
    )
    assert bikes.matches("How many repairs have been booked for each mechanic?", gold)


@pytest.mark.parametrize("verb", ["have booked", "bought", "have purchased"])
def test_a_light_verb_in_a_relative_clause_restates_its_object(
    bikes: BootstrappedDb, verb: str
) -> None:
    gold = (
        "SELECT d.ridr_id, d.ridr_nm, count(*) FROM rprs r JOIN ridrs d"
        " ON r.ridr_id = d.ridr_id GROUP BY 1, 2 HAVING count(*) >= 4"
    )
    assert bikes.matches(f"riders who {verb} four or more repairs", gold)


@pytest.mark.parametrize(
    ("text", "at", "counted"),
    [
        ("our three biggest sites", 1, True),
        ("the five most visited halls", 1, True),
        ("top three halls", 1, True),
        ("eight or more visits", 0, True),
        ("more than three visits", 2, True),
        ("three halls", 0, False),
        ("the best one", 2, False),
    ],
)
def test_a_number_word_is_read_as_a_number_only_where_it_counts(
    text: str, at: int, counted: bool
) -> None:
    assert counted_number(tokenize(text), at) is counted


# --- the rows a metric is over ----------------------------------------------------------------


@pytest.mark.parametrize(
    "question",
    [
        "What's the average monthly fee of our riders?",
        "average monthly fee across all the riders",
    ],
)
def test_a_count_noun_after_of_names_the_rows_of_the_metric(
    bikes: BootstrappedDb, question: str
) -> None:
    assert bikes.matches(question, "SELECT avg(mthly_fee) FROM ridrs")
    assert any("as the rows of" in a for a in bikes.plan(question).assumptions)


def test_a_count_noun_of_another_table_is_still_a_second_metric(bikes: BootstrappedDb) -> None:
    assert bikes.refused("average monthly fee of our repairs")


def test_a_money_noun_listed_beside_another_metric(bikes: BootstrappedDb) -> None:
    gold = "SELECT sum(amt_pd), sum(tip_amt) FROM rprs"
    assert bikes.matches("total takings and total tips", gold)
    assert "takings" in bikes.refused("total takings and total amount paid")
