"""Day-one rules (issue 12) on a small club database bootstrapped with no hand edits: each
question is parsed, compiled, executed on DuckDB and compared with hand-written SQL."""

from __future__ import annotations

import datetime as dt
from collections.abc import Iterator
from pathlib import Path

import duckdb
import pytest

from nexatron.evaluation.datasets import bootstrap_duckdb
from nexatron.nlq import Clarification, DateContext, Refusal, build_lexicon
from nexatron.nlq.readings import name_dimension
from nexatron.nlq.understand import understand
from nexatron.semantic.model import SemanticLayer

from .bootstrapped import BootstrappedDb, open_bootstrapped

CTX = DateContext(now=dt.datetime(2026, 6, 17, 10, tzinfo=dt.UTC))

_SCHEMA = [
    "CREATE TABLE venues (venue_id INTEGER PRIMARY KEY, venue_name VARCHAR, city VARCHAR,"
    " seats INTEGER)",
    "CREATE TABLE members (member_id INTEGER PRIMARY KEY, member_name VARCHAR, city VARCHAR,"
    " joined_on DATE, fee_amt DECIMAL(10, 2), coach_name VARCHAR, grade VARCHAR,"
    " renewal_date DATE)",
    "CREATE TABLE events (event_id INTEGER PRIMARY KEY, event_title VARCHAR,"
    " venue_id INTEGER REFERENCES venues (venue_id), event_date DATE, attendance INTEGER,"
    " host_club VARCHAR, distance_km DECIMAL(6, 1), rpt_dt DATE)",
    "CREATE TABLE invoices (invoice_id INTEGER PRIMARY KEY,"
    " member_id INTEGER REFERENCES members (member_id), invoice_amount DECIMAL(10, 2),"
    " issued_on DATE, posted_on DATE)",
    "CREATE TABLE referrals (referral_id INTEGER PRIMARY KEY,"
    " referrer_member_id INTEGER REFERENCES members (member_id),"
    " referred_member_id INTEGER REFERENCES members (member_id), referred_on DATE)",
]


def _fill(con: duckdb.DuckDBPyConnection) -> None:
    cities = ["Leeds", "York", "Hull"]
    for v in range(1, 7):
        con.execute(
            "INSERT INTO venues VALUES (?, ?, ?, ?)", [v, f"Hall {v}", cities[v % 3], 20 * v]
        )
    for m in range(1, 31):
        joined = dt.date(2024, 1, 1) + dt.timedelta(days=29 * m)
        con.execute(
            "INSERT INTO members VALUES (?, ?, ?, ?, ?, ?, ?, ?)",
            [
                m,
                f"Member {m}",
                cities[m % 3],
                joined,
                10 + m % 7,
                f"Coach {m % 4}",
                ["Junior", "Senior"][m % 3 == 0],
                joined + dt.timedelta(days=365),
            ],
        )
    for e in range(1, 41):
        day = dt.date(2024, 3, 1) + dt.timedelta(days=21 * e)
        host, km = ["Rovers", "Rangers"][e % 2], 5 + (e * 3) % 37
        con.execute(
            "INSERT INTO events VALUES (?, ?, ?, ?, ?, ?, ?, ?)",
            [e, f"Event {e}", 1 + e % 6, day, 15 + (e * 7) % 90, host, km, day + dt.timedelta(60)],
        )
    for i in range(1, 61):
        day = dt.date(2025, 1, 1) + dt.timedelta(days=9 * i)
        member, amount = 1 + (i * i) % 30, 25 + (i * 13) % 200
        posted = None if i % 5 == 0 else day + dt.timedelta(days=40)
        con.execute("INSERT INTO invoices VALUES (?, ?, ?, ?, ?)", [i, member, amount, day, posted])
    for r in range(1, 16):
        day = dt.date(2025, 2, 1) + dt.timedelta(days=11 * r)
        con.execute("INSERT INTO referrals VALUES (?, ?, ?, ?)", [r, 1 + r % 5, 10 + r, day])


Club = BootstrappedDb


@pytest.fixture(scope="module")
def club(tmp_path_factory: pytest.TempPathFactory) -> Iterator[Club]:
    yield from open_bootstrapped(tmp_path_factory.mktemp("club"), _SCHEMA, [_fill], CTX)


def refused(club: Club, question: str) -> None:
    with pytest.raises((Refusal, Clarification)):
        club.plan(question)


def test_a_participle_restating_that_the_rows_exist_is_a_light_verb(club: Club) -> None:
    gold = "SELECT count(*) FROM events WHERE event_date >= DATE '2025-01-01'"
    gold += " AND event_date < DATE '2026-01-01'"
    assert club.matches("how many events were held in 2025", gold)
    assert club.matches("number of events held in 2025", gold)
    assert club.matches("how many events have been held in 2025", gold)
    refused(club, "how many events were cancelled in 2025")  # not a light verb


def test_all_after_a_preposition_names_every_row_not_a_second_metric(club: Club) -> None:
    assert club.matches("total fee across all members", "SELECT sum(fee_amt) FROM members")
    assert club.plan("total fee across all members").query.metrics == ["total_fee_amount"]


def test_rows_named_with_their_date_and_a_period_are_counted_and_announced(club: Club) -> None:
    gold = "SELECT count(*) FROM members WHERE joined_on >= DATE '2025-01-01'"
    gold += " AND joined_on < DATE '2026-01-01'"
    assert club.matches("members who joined in 2025", gold)
    plan = club.plan("members who joined in 2025")
    assert any("a list of the rows themselves may be meant" in a for a in plan.assumptions)
    refused(club, "members who joined")  # no period: nothing says which rows to count
    listed = club.plan("list the members who joined in 2025").query
    assert listed.columns and not listed.metrics  # a listing stays a listing


def test_total_of_the_tables_noun_as_a_verb_is_its_amount(club: Club) -> None:
    assert club.matches("total invoiced", "SELECT sum(invoice_amount) FROM invoices")
    plan = club.plan("total invoiced")
    assert any(a.startswith("read 'invoiced' as") for a in plan.assumptions)
    assert club.matches("total invoices", "SELECT count(*) FROM invoices")  # the noun: a count


def test_a_size_superlative_of_a_text_column_is_refused_not_ranked_by_a_count(club: Club) -> None:
    with pytest.raises(Refusal) as refusal:
        club.plan("which event has the biggest host club")
    assert refusal.value.detail["unmatched"] == ["biggest host club"]
    assert club.plan("which host club has the most events").query.metrics == ["events"]


def test_in_a_unit_naming_the_aggregated_column_is_its_unit(club: Club) -> None:
    gold = "SELECT max(distance_km), min(distance_km), avg(distance_km) FROM events"
    assert club.matches("highest, lowest and average distance in km", gold)
    assert club.matches("average distance in km", "SELECT avg(distance_km) FROM events")
    gold = "SELECT host_club, avg(distance_km) FROM events GROUP BY host_club"
    assert club.matches("average distance in km per host club", gold)


def test_role_dimensions_do_not_hide_a_tables_own_name_and_key(club: Club) -> None:
    # referrals point at members twice (referrer, referred): the role copies of the member's
    # name and key are not the member's own
    gold = "SELECT m.member_id, m.member_name, count(*) FROM invoices i"
    gold += " JOIN members m ON i.member_id = m.member_id GROUP BY m.member_id, m.member_name"
    assert club.matches("number of invoices per member", gold)
    assert club.plan("number of invoices per member").query.keys == ["member_id"]


def test_a_table_noun_after_in_each_is_a_grouping_not_a_second_count(club: Club) -> None:
    gold = "SELECT v.venue_id, v.venue_name, count(*) FROM events e"
    gold += " JOIN venues v ON e.venue_id = v.venue_id GROUP BY v.venue_id, v.venue_name"
    assert club.matches("number of events in each venue", gold)
    assert club.plan("number of events in each venue").query.keys == ["venue_id"]


def test_the_subject_of_did_names_rows_not_a_second_count(club: Club) -> None:
    gold = "SELECT count(*) FROM invoices i JOIN members m ON i.member_id = m.member_id"
    gold += " WHERE m.city = 'York'"
    assert club.matches("How many invoices did members from York receive?", gold)


def test_a_tables_name_is_the_name_column_named_after_it(club: Club) -> None:
    # members hold 'member_name' and 'coach_name': the first names the members
    gold = "SELECT m.member_id, m.member_name, count(*) FROM invoices i"
    gold += " JOIN members m ON i.member_id = m.member_id GROUP BY m.member_id, m.member_name"
    gold += " HAVING count(*) > 2"
    assert club.matches("members with more than 2 invoices", gold)


def test_the_name_column_named_after_the_rows_noun_of_an_abbreviated_table() -> None:
    layer = SemanticLayer.model_validate(
        {
            "metrics": [{"name": "recruiters", "table": "crm_rctr", "agg": "count"}],
            "dimensions": [
                {"name": "recruiter_name", "table": "crm_rctr", "expr": "rctrNm"},
                {"name": "team_name", "table": "crm_rctr", "expr": "teamNm"},
            ],
        }
    )
    assert name_dimension("crm_rctr", build_lexicon(layer)) == "recruiter_name"


def test_a_count_of_different_values_may_name_their_rows_first() -> None:
    layer = SemanticLayer.model_validate(
        {
            "metrics": [
                {"name": "vehicles", "table": "fleet", "agg": "count", "synonyms": ["cars"]}
            ],
            "dimensions": [{"name": "make", "table": "fleet", "expr": "make"}],
        }
    )
    lex = build_lexicon(layer, {"make": ["Ford", "Kia"]})
    query = understand("How many different car makes do we have?", lex, ctx=CTX).query
    assert [(a.agg, a.dimension) for a in query.aggregates] == [("count_distinct", "make")]
    assert not query.metrics


def test_which_thing_has_the_most_of_its_own_column_ranks_its_rows(club: Club) -> None:
    gold = "SELECT venue_id, venue_name, seats FROM venues"
    gold += " WHERE seats = (SELECT max(seats) FROM venues)"
    assert club.matches("Which venue has the most seats?", gold)
    assert club.matches("the venue with the most seats", gold)


def test_a_threshold_after_per_row_bounds_the_average(club: Club) -> None:
    question = "host clubs with average attendance per event above 56"
    gold = "SELECT host_club, avg(attendance) FROM events GROUP BY host_club"
    gold += " HAVING avg(attendance) > 56"
    assert club.matches(question, gold)
    assert [f.field for f in club.plan(question).query.metric_filters] == ["avg_attendance"]


def test_a_verb_sharing_a_root_with_a_column_is_not_light(club: Club) -> None:
    # events have a report date ('rpt_dt'): 'reported in 2025' is not their event date but
    # that report date (nlq/dated_verbs.py), announced
    plan = club.plan("how many events were reported in 2025")
    assert plan.query.time is not None and plan.query.time.dimension != "event_date"
    gold = "SELECT count(*) FROM events WHERE rpt_dt >= DATE '2025-01-01'"
    gold += " AND rpt_dt < DATE '2026-01-01'"
    assert club.matches("how many events were reported in 2025", gold)
    assert any("'reported'" in a for a in plan.assumptions)
    assert club.plan("how many events were held in 2025").query.metrics == ["events"]


def test_a_number_before_the_ranked_things_is_how_many(club: Club) -> None:
    question = "the 3 members with the highest total invoice amount"
    query = club.plan(question).query
    assert query.limit == 3 and query.order[0].field == "total_invoice_amount"
    gold = "SELECT member_id, member_name, total FROM (SELECT m.member_id, m.member_name,"
    gold += " sum(i.invoice_amount) AS total, rank() OVER (ORDER BY sum(i.invoice_amount) DESC)"
    gold += " AS r FROM invoices i JOIN members m ON i.member_id = m.member_id"
    gold += " GROUP BY m.member_id, m.member_name) WHERE r <= 3"
    assert club.matches(question, gold)  # ties at the cut are kept


def test_not_yet_means_the_rows_own_date_is_empty(club: Club) -> None:
    gold = "SELECT count(*) FROM invoices WHERE posted_on IS NULL"
    assert club.matches("how many invoices are not posted yet", gold)
    assert club.matches("how many invoices are not yet posted", gold)
    plan = club.plan("how many invoices are not posted yet")
    assert any("no posted on" in a for a in plan.assumptions)


def test_a_value_as_the_counted_noun_counts_the_rows_it_describes(club: Club) -> None:
    gold = "SELECT count(*) FROM members WHERE grade = 'Senior'"
    assert club.matches("number of seniors", gold)
    assert club.matches("how many seniors", gold)


def test_the_dates_events_named_as_a_plural_are_counted(club: Club) -> None:
    gold = "SELECT count(*) FROM members WHERE renewal_date >= DATE '2025-01-01'"
    gold += " AND renewal_date < DATE '2026-01-01'"
    assert club.matches("renewals in 2025", gold)


def test_rows_and_their_aggregate_are_never_two_ungrouped_totals(club: Club) -> None:
    refused(club, "members and their total invoice amount")  # was (30 members, one total)
    query = club.plan("show the members with their total invoice amount").query
    assert query.metrics == ["total_invoice_amount"] and query.keys == ["member_id"]


def test_a_column_beside_its_role_copies_is_the_named_rows_own(club: Club) -> None:
    # referrals point at members twice: 'referrer_member_city' and 'referred_member_city' are
    # copies of the members' own 'city' seen from a referral
    gold = "SELECT member_name, city FROM members"
    assert club.matches("show the names and cities of members", gold)
    gold = "SELECT count(DISTINCT city) FROM members"
    assert club.matches("how many different cities do members come from", gold)
    refused(club, "number of referrals per city")  # a referral has two members' cities


def test_names_of_several_tables_are_those_of_the_rows_the_question_names(club: Club) -> None:
    # 'names' is member_name or venue_name: the members named next, or described by a value
    gold = "SELECT member_id, member_name FROM members WHERE joined_on >= DATE '2025-01-01'"
    gold += " AND joined_on < DATE '2026-01-01'"
    assert club.matches("list the names of members who joined in 2025", gold)
    gold = "SELECT member_name, grade FROM members WHERE grade = 'Senior'"
    assert club.matches("show the names and grades of all the seniors", gold)
    refused(club, "list the names of all the seniors in Hall 2")  # values of two tables


@pytest.fixture(scope="module")
def coded(tmp_path_factory: pytest.TempPathFactory) -> Iterator[Club]:
    """A code table named by its description (no name column) and the events pointing at it;
    a table nothing points at whose only text column is a mark."""
    path = Path(tmp_path_factory.mktemp("coded")) / "coded.duckdb"
    con = duckdb.connect(str(path))
    con.execute(
        "CREATE TABLE thesis (thesis_cd VARCHAR PRIMARY KEY, thesis_desc VARCHAR, area_cd VARCHAR)"
    )
    con.execute(
        "CREATE TABLE review (review_id INTEGER PRIMARY KEY,"
        " thesis_cd VARCHAR REFERENCES thesis (thesis_cd), cost_amt DECIMAL(10, 2), done_on DATE)"
    )
    con.execute("CREATE TABLE grading (grading_id INTEGER PRIMARY KEY, mark VARCHAR, pts INTEGER)")
    for g in range(1, 21):
        con.execute("INSERT INTO grading VALUES (?, ?, ?)", [g, "ABCF"[g % 4], g % 7])
    for f in range(1, 6):
        con.execute("INSERT INTO thesis VALUES (?, ?, ?)", [f"F{f}", f"Thesis {f}", f"A{f % 2}"])
    for r in range(1, 41):
        day = dt.date(2025, 1, 1) + dt.timedelta(days=7 * r)
        thesis = f"F{1 + min(r % 9, 4)}"
        con.execute("INSERT INTO review VALUES (?, ?, ?, ?)", [r, thesis, 10 + r * 3, day])
    con.close()
    layer = bootstrap_duckdb(path).layer
    ro = duckdb.connect(str(path), read_only=True)
    try:
        yield Club(layer, ro, CTX)
    finally:
        ro.close()


def test_a_code_tables_description_names_its_rows(coded: Club) -> None:
    assert name_dimension("thesis", coded.lex) == "thesis_description"
    gold = "SELECT f.thesis_cd, f.thesis_desc, avg(r.cost_amt) FROM review r"
    gold += " JOIN thesis f ON r.thesis_cd = f.thesis_cd GROUP BY f.thesis_cd, f.thesis_desc"
    gold += " HAVING avg(r.cost_amt) > 60"
    assert coded.matches("theses with an average cost above 60", gold)


def test_a_frequency_word_before_a_tables_noun_ranks_it_by_the_rows_pointing_at_it(
    coded: Club,
) -> None:
    gold = "SELECT f.thesis_cd, f.thesis_desc, count(*) FROM review r"
    gold += " JOIN thesis f ON r.thesis_cd = f.thesis_cd GROUP BY f.thesis_cd, f.thesis_desc"
    gold += " ORDER BY count(*) DESC LIMIT 1"
    assert coded.matches("the most common thesis", gold)
    assert coded.plan("the most common thesis").query.metrics == ["reviews"]


def test_a_counted_value_of_a_table_nothing_points_at_counts_its_own_rows(coded: Club) -> None:
    # 'mark' is the only text column of grading: not a name, and no events point at grading
    gold = "SELECT count(*) FROM grading WHERE mark = 'F'"
    assert coded.matches("how many F marks were given", gold)
    assert coded.matches("number of F marks", gold)
