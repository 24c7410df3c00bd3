"""Rules of issue 12 (branch nlqtime) on a small boatyard database bootstrapped with no hand
edits: a verb dating the counted rows in a period ('repairs carried out last month', 'boats
launched in 2025'), and words naming the whole collection ('boats in the fleet', 'how many
boats are registered'), each announced; other verbs and nouns still refused by name."""

from __future__ import annotations

import datetime as dt
from collections.abc import Iterator
from pathlib import Path

import duckdb
import pytest

from nexatron.nlq import DateContext

from .bootstrapped import BootstrappedDb, open_bootstrapped

CTX = DateContext(now=dt.datetime(2026, 9, 9, 15, tzinfo=dt.UTC))

_BOATYARD = [
    "CREATE TABLE boats (boat_id INTEGER PRIMARY KEY, boat_name VARCHAR, hull VARCHAR,"
    " length_m DOUBLE, registered_on DATE, launched_on DATE, tank_litres DOUBLE)",
    "CREATE TABLE repairs (repair_id INTEGER PRIMARY KEY,"
    " boat_id INTEGER REFERENCES boats (boat_id), repaired_on DATE, cost DECIMAL(8, 2),"
    " trade VARCHAR, oil_litres DOUBLE)",
    "CREATE TABLE members (member_id INTEGER PRIMARY KEY, member_name VARCHAR, signup_date DATE)",
    "CREATE TABLE SurveyScore (ScoreId INTEGER PRIMARY KEY,"
    " BoatId INTEGER REFERENCES boats (boat_id), Score INTEGER)",
    # engines have no date, only the year they were built
    "CREATE TABLE engines (engine_id INTEGER PRIMARY KEY, engine_name VARCHAR,"
    " built_year INTEGER, power_kw INTEGER)",
    # the yard's club: its card games, and the players of them
    "CREATE TABLE players (player_id INTEGER PRIMARY KEY, player_name VARCHAR)",
    "CREATE TABLE games (game_id INTEGER PRIMARY KEY,"
    " player_id INTEGER REFERENCES players (player_id), game_date DATE)",
]


def _fill(con: duckdb.DuckDBPyConnection) -> None:
    for b in range(1, 25):
        con.execute(
            "INSERT INTO boats VALUES (?, ?, ?, ?, ?, ?, ?)",
            [
                b,
                f"Boat {b}",
                ["Wood", "Steel", "Fibreglass"][b % 3],
                6 + b % 9,
                dt.date(2020, 1, 1) + dt.timedelta(days=b * 61),
                dt.date(2024, 3, 1) + dt.timedelta(days=b * 37),
                80 + (b * 13) % 150,
            ],
        )
    for r in range(1, 81):
        con.execute(
            "INSERT INTO repairs VALUES (?, ?, ?, ?, ?, ?)",
            [
                r,
                1 + (r * 7) % 24,
                dt.date(2026, 9, 9) - dt.timedelta(days=r * 3),
                50 + r % 40 + (400 if r % 4 == 0 else 0),
                ["Rigging", "Hull", "Engine", "Sails"][r % 4],
                r % 7,
            ],
        )
    for n in range(1, 61):
        con.execute("INSERT INTO SurveyScore VALUES (?, ?, ?)", [n, 1 + n % 24, 40 + (n * 17) % 61])
    for e in range(1, 31):
        con.execute(
            "INSERT INTO engines VALUES (?, ?, ?, ?)", [e, f"Engine {e}", 1985 + e, 20 + e * 3]
        )
    for p in range(1, 9):
        con.execute("INSERT INTO players VALUES (?, ?)", [p, f"Player {p}"])
    for g in range(1, 91):
        con.execute(
            "INSERT INTO games VALUES (?, ?, ?)",
            [g, 1 + g % 8, dt.date(2026, 9, 8) - dt.timedelta(days=g * 2)],
        )
    for m in range(1, 41):
        con.execute(
            "INSERT INTO members VALUES (?, ?, ?)",
            [m, f"Member {m}", dt.date(2026, 9, 1) - dt.timedelta(days=m * 23)],
        )


@pytest.fixture(scope="module")
def yard(tmp_path_factory: pytest.TempPathFactory) -> Iterator[BootstrappedDb]:
    root: Path = tmp_path_factory.mktemp("boatyard")
    yield from open_bootstrapped(root, _BOATYARD, [_fill], CTX)


# --- a verb dating the counted rows ---------------------------------------------------------


def test_a_happening_verb_dates_the_rows_by_their_only_date(yard: BootstrappedDb) -> None:
    question = "How many repairs were carried out last month?"
    gold = (
        "SELECT count(*) FROM repairs"
        " WHERE repaired_on >= DATE '2026-08-01' AND repaired_on < DATE '2026-09-01'"
    )
    assert yard.matches(question, gold)
    assert any("'carried'" in a for a in yard.plan(question).assumptions)


def test_a_verb_sharing_a_dates_root_picks_that_date(yard: BootstrappedDb) -> None:
    """Boats have two dates; 'launched' names launched_on, not registered_on."""
    question = "How many boats were launched in 2025?"
    gold = (
        "SELECT count(*) FROM boats"
        " WHERE launched_on >= DATE '2025-01-01' AND launched_on < DATE '2026-01-01'"
    )
    assert yard.matches(question, gold)
    assert yard.plan(question).query.time is not None
    assert yard.plan(question).query.time.dimension == "launched_on"


def test_a_verb_that_names_an_event_of_its_own_is_refused(yard: BootstrappedDb) -> None:
    """'restored' is no date of the repairs and more than their happening: refused by name."""
    assert "restored" in yard.refused("How many repairs were restored last month?")


def test_a_happening_verb_with_two_dates_and_no_named_one_is_refused(
    yard: BootstrappedDb,
) -> None:
    assert "carried" in yard.refused("How many boats were carried out in 2025?")


# --- words naming the whole collection ------------------------------------------------------


def test_a_trailing_collection_noun_keeps_every_row(yard: BootstrappedDb) -> None:
    question = "How many boats are in the fleet?"
    assert yard.matches(question, "SELECT count(*) FROM boats")
    assert any("in the fleet" in a for a in yard.plan(question).assumptions)


def test_an_existence_participle_keeps_every_row(yard: BootstrappedDb) -> None:
    assert yard.matches("How many boats are registered?", "SELECT count(*) FROM boats")
    assert yard.matches("How many boats are listed in the directory?", "SELECT count(*) FROM boats")


def test_a_collection_phrase_with_a_filter_keeps_the_filter(yard: BootstrappedDb) -> None:
    gold = "SELECT count(*) FROM boats WHERE hull = 'Steel'"
    assert yard.matches("How many steel boats do we have on file?", gold)


def test_a_place_of_the_business_needs_its_determiner(yard: BootstrappedDb) -> None:
    """'in the museum' is the whole collection; 'in museum' (like 'in hospital': admitted)
    says something of each row, refused."""
    assert yard.matches("How many boats are in the museum?", "SELECT count(*) FROM boats")
    assert "museum" in yard.refused("How many boats are in museum?")


def test_an_unknown_place_noun_is_still_refused(yard: BootstrappedDb) -> None:
    """'harbour' is no collection word: it could narrow the rows, so it is refused."""
    assert "harbour" in yard.refused("How many boats are in the harbour?")


# --- a number with its scale word written apart ---------------------------------------------


def test_a_scale_word_after_a_number_scales_it(yard: BootstrappedDb) -> None:
    gold = (
        "SELECT b.hull, sum(r.cost) FROM repairs r JOIN boats b ON r.boat_id = b.boat_id"
        " GROUP BY b.hull HAVING sum(r.cost) > 1900"
    )
    assert yard.matches("hulls with a total cost above 1.9 thousand", gold)


def test_a_lone_letter_after_a_number_is_a_unit_not_a_scale(yard: BootstrappedDb) -> None:
    gold = "SELECT count(*) FROM boats WHERE length_m > 10"
    assert yard.matches("How many boats are longer than 10 m?", gold)


def test_a_threshold_after_total_and_a_verb_applies_to_the_amount(yard: BootstrappedDb) -> None:
    """'a total repaired above 2 thousand': the amount replaced the count, and the threshold
    follows it (it once stayed on the count of repairs)."""
    gold = "SELECT trade, sum(cost) FROM repairs GROUP BY trade HAVING sum(cost) > 2000"
    assert yard.matches("trades with a total repaired above 2 thousand", gold)


# --- units and event nouns ------------------------------------------------------------------


def test_a_volume_unit_after_a_threshold_names_the_column(yard: BootstrappedDb) -> None:
    """'litres' is a unit, not the metrics over tank_litres and oil_litres (once asked back)."""
    gold = "SELECT count(*) FROM boats WHERE tank_litres > 150"
    assert yard.matches("How many boats have more than 150 litres?", gold)


def test_sign_ups_name_the_signup_date(yard: BootstrappedDb) -> None:
    gold = (
        "SELECT count(*) FROM members"
        " WHERE signup_date >= DATE '2025-01-01' AND signup_date < DATE '2026-01-01'"
    )
    assert yard.matches("new member sign-ups in 2025", gold)
    assert yard.matches("How many sign-ups were there in 2025?", gold)


# --- aggregates: the table's noun before a measure, the measure's own unit ------------------


def test_an_aggregate_word_before_the_tables_noun_and_a_measure(yard: BootstrappedDb) -> None:
    """'average boat length': 'boat' says whose length; 'average boat' is no metric."""
    assert yard.matches("average boat length", "SELECT avg(length_m) FROM boats")
    assert yard.matches("total repair cost", "SELECT sum(cost) FROM repairs")


def test_a_unit_the_column_carries_only_says_how_it_is_expressed(yard: BootstrappedDb) -> None:
    assert yard.matches("average boat length in metres", "SELECT avg(length_m) FROM boats")
    gold = "SELECT avg(tank_litres), max(tank_litres) FROM boats"
    assert yard.matches("average and largest tank in litres", gold)


def test_a_unit_the_column_does_not_carry_is_refused(yard: BootstrappedDb) -> None:
    """Metres asked in kilometres would need a conversion: refused by name."""
    assert "kilometres" in yard.refused("average boat length in kilometres")


def test_a_noun_naming_a_table_and_its_numeric_column(yard: BootstrappedDb) -> None:
    """SurveyScore and its Score: 'average, lowest and highest survey score' aggregate the
    column; 'total survey scores' still counts the rows."""
    gold = "SELECT avg(Score), min(Score), max(Score) FROM SurveyScore"
    assert yard.matches("average, lowest and highest survey score", gold)
    assert yard.matches("total survey scores", "SELECT count(*) FROM SurveyScore")


def test_a_verb_form_after_the_subject_noun_names_the_grouping(yard: BootstrappedDb) -> None:
    """'boats needing more than 3 repairs' groups boats as 'boats that needed ...' does."""
    gold = (
        "SELECT b.boat_id, b.boat_name, count(*) FROM repairs r JOIN boats b"
        " ON r.boat_id = b.boat_id GROUP BY b.boat_id, b.boat_name HAVING count(*) > 3"
    )
    assert yard.matches("boats needing more than 3 repairs", gold)


def test_a_participle_is_no_typo_of_a_noun_sharing_its_root(yard: BootstrappedDb) -> None:
    """'played' is not 'player' misspelt: 'how many games were played last month' counts games
    by their only date (a happening verb), not games and players."""
    gold = (
        "SELECT count(*) FROM games"
        " WHERE game_date >= DATE '2026-08-01' AND game_date < DATE '2026-09-01'"
    )
    assert yard.matches("How many games were played last month?", gold)


def test_a_light_verb_after_a_distinct_count_restates_it(yard: BootstrappedDb) -> None:
    """'do we handle' only says the values occur; a verb that means more is refused."""
    gold = "SELECT count(DISTINCT trade) FROM repairs"
    assert yard.matches("How many different trades do we handle?", gold)
    assert "restore" in yard.refused("How many different trades do we restore?")


def test_right_now_says_no_more_than_currently(yard: BootstrappedDb) -> None:
    gold = "SELECT count(*) FROM boats WHERE hull = 'Steel'"
    assert yard.matches("how many steel boats are there right now", gold)


def test_a_period_of_years_on_dateless_rows_filters_their_year_column(
    yard: BootstrappedDb,
) -> None:
    before = "SELECT count(*) FROM engines WHERE built_year < 2000"
    assert yard.matches("How many engines were built before 2000?", before)
    assert yard.matches("How many engines were built in 2005?", before.replace("< 2000", "= 2005"))
    plan = yard.plan("How many engines were built before 2000?")
    assert any("built_year" in a for a in plan.assumptions)
