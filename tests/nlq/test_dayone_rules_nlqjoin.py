"""Day-one join and filter rules (issue 12, branch nlqjoin) on a small fitness-studio database
bootstrapped with no hand edits: each question is parsed, compiled, executed on DuckDB and
compared with hand-written SQL, or must be asked back."""

from __future__ import annotations

import datetime as dt
from collections.abc import Iterator

import duckdb
import pytest

from nexatron.nlq import Clarification, DateContext, Refusal

from .bootstrapped import BootstrappedDb, open_bootstrapped

CTX = DateContext(now=dt.datetime(2026, 3, 4, 9, tzinfo=dt.UTC))

_SCHEMA = [
    "CREATE TABLE studios (studio_id INTEGER PRIMARY KEY, studio_name VARCHAR, town VARCHAR)",
    "CREATE TABLE makers (maker_id INTEGER PRIMARY KEY, maker_name VARCHAR, ctry VARCHAR,"
    " is_local BOOLEAN)",
    "CREATE TABLE machines (machine_id INTEGER PRIMARY KEY, machine_model VARCHAR,"
    " maker_id INTEGER REFERENCES makers (maker_id))",
    "CREATE TABLE trainers (trainer_id INTEGER PRIMARY KEY, trainer_name VARCHAR,"
    " based_studio_id INTEGER REFERENCES studios (studio_id))",
    "CREATE TABLE analysis (analysis_id INTEGER PRIMARY KEY, analysis_label VARCHAR)",
    "CREATE TABLE clients (client_id INTEGER PRIMARY KEY, client_name VARCHAR, region VARCHAR,"
    " ctry VARCHAR)",
    "CREATE TABLE lockers (locker_id INTEGER PRIMARY KEY, locker_code VARCHAR,"
    " keeper_client_id INTEGER REFERENCES clients (client_id))",
    "CREATE TABLE workouts (workout_id INTEGER PRIMARY KEY,"
    " client_id INTEGER REFERENCES clients (client_id),"
    " trainer_id INTEGER REFERENCES trainers (trainer_id),"
    " studio_id INTEGER REFERENCES studios (studio_id),"
    " machine_id INTEGER REFERENCES machines (machine_id),"
    " analysis_id INTEGER REFERENCES analysis (analysis_id), workout_date DATE,"
    " price DECIMAL(8, 2))",
]


def _fill(con: duckdb.DuckDBPyConnection) -> None:
    towns = ["Bristol", "Bath", "Exeter"]
    for s, name in enumerate(["Riverside", "Hilltop", "Quayside", "Parkway"], start=1):
        con.execute("INSERT INTO studios VALUES (?, ?, ?)", [s, name, towns[s % 3]])
    for k, name in enumerate(["Kestrel", "Osprey", "Merlin"], start=1):
        con.execute("INSERT INTO makers VALUES (?, ?, ?, ?)", [k, name, "Japan", k == 2])
    for m in range(1, 10):
        con.execute("INSERT INTO machines VALUES (?, ?, ?)", [m, f"Model {m}", 1 + m % 3])
    for t in range(1, 9):
        con.execute("INSERT INTO trainers VALUES (?, ?, ?)", [t, f"Trainer {t}", 1 + t % 4])
    for a, label in enumerate(["Posture", "Balance", "Stamina"], start=1):
        con.execute("INSERT INTO analysis VALUES (?, ?)", [a, label])
    for c in range(1, 41):
        con.execute(
            "INSERT INTO clients VALUES (?, ?, ?, ?)",
            [c, f"Client {c}", ["North", "South"][c % 2], ["Wales", "Eire", "Malta"][c % 3]],
        )
    for lk in range(1, 16):
        con.execute("INSERT INTO lockers VALUES (?, ?, ?)", [lk, f"L{lk:02d}", 1 + lk % 6])
    for w in range(1, 121):
        day = dt.date(2025, 6, 1) + dt.timedelta(days=w * 2)
        con.execute(
            "INSERT INTO workouts VALUES (?, ?, ?, ?, ?, ?, ?, ?)",
            [
                w,
                1 + (w * 7) % 37,
                1 + (w * 5) % 8,
                1 + (w * 3) % 4,
                1 + w % 9,
                1 + w % 3,
                day,
                20 + w % 15,
            ],
        )


Studio = BootstrappedDb


@pytest.fixture(scope="module")
def studio(tmp_path_factory: pytest.TempPathFactory) -> Iterator[Studio]:
    yield from open_bootstrapped(tmp_path_factory.mktemp("studio"), _SCHEMA, [_fill], CTX)


def test_distinct_entities_counted_through_rows_leading_to_a_value(studio: Studio) -> None:
    gold = (
        "SELECT count(DISTINCT w.client_id) FROM workouts w"
        " JOIN studios s ON w.studio_id = s.studio_id WHERE s.studio_name = 'Riverside'"
    )
    question = "how many different clients came to the Riverside studio"
    assert studio.matches(question, gold)
    assert any("workouts" in a for a in studio.plan(question).assumptions)
    assert studio.matches("number of distinct clients who came to Riverside", gold)


def test_distinct_entities_counted_through_two_hops_to_a_value(studio: Studio) -> None:
    gold = (
        "SELECT count(DISTINCT w.client_id) FROM workouts w"
        " JOIN machines m ON w.machine_id = m.machine_id"
        " JOIN makers k ON m.maker_id = k.maker_id WHERE k.maker_name = 'Kestrel'"
    )
    assert studio.matches("how many distinct clients have exercised on Kestrel", gold)


def test_distinct_said_outright_counts_over_rows_not_the_entitys_own_link(studio: Studio) -> None:
    # trainers have a studio of their own; 'distinct ... worked at' counts those with workouts
    gold = (
        "SELECT count(DISTINCT w.trainer_id) FROM workouts w"
        " JOIN studios s ON w.studio_id = s.studio_id WHERE s.studio_name = 'Hilltop'"
    )
    question = "how many distinct trainers worked at Hilltop"
    assert studio.matches(question, gold)
    assert any("not by their own studios" in a for a in studio.plan(question).assumptions)


def test_a_verb_naming_the_entitys_own_link_is_asked_back(studio: Studio) -> None:
    with pytest.raises(Clarification):
        studio.plan("how many distinct trainers are based at Hilltop")


def test_no_rows_reach_the_value_leaves_the_question_to_other_passes(studio: Studio) -> None:
    # 'North' is a client region: no other rows lead to it, so the count is not taken that way
    with pytest.raises((Refusal, Clarification)):
        studio.plan("how many distinct makers supplied North")


def test_a_singular_that_stems_apart_from_the_plural_names_the_tables_rows(studio: Studio) -> None:
    # 'analysis' / 'analyses' stem apart: the singular after 'by' still groups by the table
    gold = (
        "SELECT a.analysis_id, a.analysis_label, count(*) FROM workouts w"
        " JOIN analysis a ON w.analysis_id = a.analysis_id GROUP BY a.analysis_id, a.analysis_label"
    )
    assert studio.matches("number of workouts by analysis", gold)
    assert studio.matches("workouts per analysis", gold)


def test_distinct_entities_ending_on_a_participle_count_the_one_table_pointing_at_them(
    studio: Studio,
) -> None:
    gold = "SELECT count(DISTINCT machine_id) FROM workouts"
    question = "how many different machines have been used?"
    assert studio.matches(question, gold)
    assert any("workouts" in a for a in studio.plan(question).assumptions)
    gold = "SELECT count(DISTINCT trainer_id) FROM workouts"
    assert studio.matches("how many distinct trainers have coached at least once", gold)


def test_a_participle_with_several_tables_pointing_at_the_entity_is_not_guessed(
    studio: Studio,
) -> None:
    # trainers and workouts both point at studios, and 'visited' names neither
    with pytest.raises((Refusal, Clarification)):
        studio.plan("how many different studios have been visited?")


def test_a_verb_linking_the_rows_to_a_related_value_is_announced(studio: Studio) -> None:
    gold = (
        "SELECT count(*) FROM trainers t JOIN studios s ON t.based_studio_id = s.studio_id"
        " WHERE s.studio_name = 'Riverside'"
    )
    question = "number of trainers working at Riverside"
    assert studio.matches(question, gold)
    assert any("'working' as linking" in a for a in studio.plan(question).assumptions)
    gold = "SELECT count(*) FROM clients WHERE region = 'North'"
    assert studio.matches("how many clients live in North", gold)


def test_a_verb_that_selects_rows_or_names_a_column_is_not_a_link(studio: Studio) -> None:
    with pytest.raises(Refusal):
        studio.plan("number of workouts cancelled at Riverside")  # which workouts: not said
    with pytest.raises(Refusal):
        studio.plan("how many makers supplied North")  # a client's region: no attribute of makers


def test_a_word_that_excludes_or_places_is_never_read_as_a_link(studio: Studio) -> None:
    # 'outside Riverside' is not 'at Riverside': refused by name, not answered as Riverside's
    with pytest.raises(Refusal, match="outside"):
        studio.plan("number of workouts outside Riverside")


def test_a_count_named_by_its_label_counts_entities_with_at_least_one_row(studio: Studio) -> None:
    gold = "SELECT count(DISTINCT client_id) FROM workouts"
    assert studio.matches("number of clients who had at least one workout", gold)


def test_a_light_verb_after_a_pronoun_restates_the_metric(studio: Studio) -> None:
    gold = (
        "SELECT t.trainer_id, t.trainer_name, count(*) FROM workouts w"
        " JOIN trainers t ON w.trainer_id = t.trainer_id GROUP BY t.trainer_id, t.trainer_name"
    )
    assert studio.matches("For each trainer, the number of workouts they handled", gold)


def test_rows_named_on_the_one_path_to_a_filter_describe_the_counted_rows(studio: Studio) -> None:
    gold = (
        "SELECT count(*) FROM workouts w JOIN machines m ON w.machine_id = m.machine_id"
        " JOIN makers k ON m.maker_id = k.maker_id WHERE k.maker_name = 'Kestrel'"
    )
    question = "number of workouts on machines of Kestrel"
    assert studio.matches(question, gold)
    assert any("'machines' as the rows of machines" in a for a in studio.plan(question).assumptions)


def test_rows_named_off_the_path_the_filter_is_joined_by_stay_unmatched(studio: Studio) -> None:
    # workouts point at their studio directly: 'trainers of Riverside' (the trainers' own
    # studio) is not the studio the filter would be joined by, so it is refused by name
    with pytest.raises(Refusal, match="trainers"):
        studio.plan("number of workouts of trainers of Riverside")


def test_a_role_word_between_per_and_the_entity_names_the_key_grouped_by(studio: Studio) -> None:
    gold = (
        "SELECT c.client_id, c.client_name, count(*) FROM lockers l"
        " JOIN clients c ON l.keeper_client_id = c.client_id GROUP BY c.client_id, c.client_name"
    )
    assert studio.matches("number of lockers per keeper client", gold)


def test_at_least_one_row_of_the_values_own_table_adds_no_condition(studio: Studio) -> None:
    gold = "SELECT count(DISTINCT region) FROM clients"
    assert studio.matches("number of regions with at least one client", gold)
    assert studio.matches("how many regions have at least one client", gold)
    with pytest.raises(Refusal):  # the workouts' clients' regions: another table's rows
        studio.plan("number of regions with at least one workout")


def test_a_label_opening_with_the_tables_noun_is_named_by_the_rest(studio: Studio) -> None:
    # clients and makers both hold a country: 'Client country' is named by 'countries' alone
    gold = "SELECT count(DISTINCT ctry) FROM clients"
    assert studio.matches("how many different countries do our clients come from", gold)


def test_rows_named_after_a_boolean_of_a_further_table_only_name_the_rows(studio: Studio) -> None:
    # 'local' is a column of the makers; 'machines' only says how the workouts reach them
    gold = (
        "SELECT count(*) FROM workouts w JOIN machines m ON w.machine_id = m.machine_id"
        " JOIN makers k ON m.maker_id = k.maker_id WHERE k.is_local"
    )
    question = "how many workouts were done on local machines"
    assert studio.matches(question, gold)
    assert any("'machines' as the rows of machines" in a for a in studio.plan(question).assumptions)
