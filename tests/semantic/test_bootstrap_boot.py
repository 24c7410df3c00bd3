"""Bootstrap on abbreviated schemas without keys (issue 12): common short forms read as words
(`snsrRdg`: sensor readings, `hrsQty`: hours, `insTyp` but not `check_ins`); a person's role
(`ReviewerId`) linked to the one table of people holding its values; a text code linked to the
table that describes it (`Severity` -> `SeverityLevel.Severity`). Every link is verified on the
data or refused with a reason; SQL is proven by executing it."""

from __future__ import annotations

from pathlib import Path

import duckdb

from nexatron.semantic.bootstrap import BootstrapResult
from nexatron.semantic.compiler import compile_query
from nexatron.semantic.model import SemanticQuery
from nexatron.semantic.naming import Vocabulary, entity_names, readable_words

from .bootstrap_support import boot, declared_links, sorted_rows

# A workshop: tasks written by one member and reviewed by another; a severity code described
# by its own table; rooms keyed by small numbers too (no person's name: never a person).
WORKSHOP = """
CREATE TABLE Member (MemberId INTEGER, FullName VARCHAR, Guild VARCHAR);
CREATE TABLE Room (RoomId INTEGER, Label VARCHAR);
CREATE TABLE SeverityLevel (Severity VARCHAR, SeverityLabel VARCHAR, MaxDays INTEGER);
CREATE TABLE Task (TaskId INTEGER, CreatorId INTEGER, ReviewerId INTEGER, Severity VARCHAR,
  Title VARCHAR);
INSERT INTO Member VALUES (1, 'Ada', 'Smiths'), (2, 'Bo', 'Smiths'), (3, 'Cy', 'Weavers'),
  (4, 'Di', 'Weavers');
INSERT INTO Room VALUES (1, 'North'), (2, 'South'), (3, 'East'), (4, 'West');
INSERT INTO SeverityLevel VALUES ('S1', 'Urgent', 1), ('S2', 'Normal', 5), ('S3', 'Low', 20);
INSERT INTO Task VALUES (10, 1, 2, 'S1', 'Fix hinge'), (11, 1, 3, 'S2', 'Oil wheel'),
  (12, 2, 3, 'S2', 'Paint door'), (13, 4, 1, 'S3', 'Sweep'), (14, 3, 3, 'S1', 'Patch roof');
"""


def _refused(result: BootstrapResult) -> dict[str, str]:
    return {r.name: r.reason for r in result.report.refused if r.kind == "relationship"}


def test_person_roles_link_to_the_table_of_people_with_role_dimensions(tmp_path: Path) -> None:
    result, path = boot(tmp_path, WORKSHOP)
    links = declared_links(result)
    assert ("Task", "CreatorId", "Member", "MemberId") in links
    assert ("Task", "ReviewerId", "Member", "MemberId") in links
    assert not any(to == "Room" for _, _, to, _ in links)  # no person's name: not people
    declared = {d.name: d.reason for d in result.report.declared if d.kind == "relationship"}
    assert any("names no table" in reason for reason in declared.values())
    reviewer = result.layer.dimension("reviewer_full_name")
    assert reviewer is not None and reviewer.via is not None
    query = SemanticQuery(metrics=["tasks"], dimensions=["reviewer_full_name"])
    got = sorted_rows(path, compile_query(result.layer, query, "duckdb").sql)
    gold = sorted_rows(
        path,
        "SELECT m.FullName, count(*) FROM Task t JOIN Member m ON t.ReviewerId = m.MemberId "
        "GROUP BY m.FullName",
    )
    assert got == gold


def test_a_text_code_links_to_the_table_describing_it(tmp_path: Path) -> None:
    result, path = boot(tmp_path, WORKSHOP)
    assert ("Task", "Severity", "SeverityLevel", "Severity") in declared_links(result)
    query = SemanticQuery(metrics=["tasks"], dimensions=["severity_label"])
    got = sorted_rows(path, compile_query(result.layer, query, "duckdb").sql)
    gold = sorted_rows(
        path,
        "SELECT s.SeverityLabel, count(*) FROM Task t JOIN SeverityLevel s "
        "ON t.Severity = s.Severity GROUP BY s.SeverityLabel",
    )
    assert got == gold


def test_unverified_person_and_code_links_are_refused_with_reasons(tmp_path: Path) -> None:
    # two tables of people hold every reviewer: ambiguous; a code missing from its table and a
    # describing table whose code repeats: not declared
    ddl = WORKSHOP.replace(
        "CREATE TABLE Room (RoomId INTEGER, Label VARCHAR);",
        "CREATE TABLE Room (RoomId INTEGER, Label VARCHAR);\n"
        "CREATE TABLE Guest (GuestId INTEGER, LastName VARCHAR);\n"
        "INSERT INTO Guest VALUES (1, 'Ng'), (2, 'Oz'), (3, 'Po'), (4, 'Qi'), (5, 'Ra');",
    ).replace("('S3', 'Low', 20)", "('S2', 'Low', 20)")
    result, _ = boot(tmp_path, ddl)
    links = declared_links(result)
    assert not any(c in {"ReviewerId", "CreatorId", "Severity"} for _, c, _, _ in links)
    refused = _refused(result)
    assert any("ReviewerId" in k and "several tables of people" in v for k, v in refused.items())
    assert any("Severity" in k and "not unique" in v for k, v in refused.items())

    missing = tmp_path / "missing"
    missing.mkdir()
    result, _ = boot(missing, WORKSHOP + "INSERT INTO Task VALUES (15, 9, 9, 'S9', 'Ghost');")
    links = declared_links(result)
    assert not any(c in {"ReviewerId", "CreatorId", "Severity"} for _, c, _, _ in links)
    assert any("Severity" in k and "sampled values" in v for k, v in _refused(result).items())


def test_things_and_own_keys_are_not_people(tmp_path: Path) -> None:
    ddl = """
    CREATE TABLE Member (MemberId INTEGER, FullName VARCHAR);
    CREATE TABLE Reading (ReadingId INTEGER, CounterId INTEGER, Value INTEGER);
    CREATE TABLE painters (painter_id INTEGER, style VARCHAR);
    INSERT INTO Member VALUES (1, 'Ada'), (2, 'Bo');
    INSERT INTO Reading VALUES (1, 1, 5), (2, 2, 6);
    INSERT INTO painters VALUES (1, 'Oil'), (2, 'Ink');
    """
    result, _ = boot(tmp_path, ddl)
    links = declared_links(result)
    assert not any(c == "CounterId" for _, c, _, _ in links)
    assert not any(c == "painter_id" for _, c, _, _ in links)  # a table's own key


def test_common_short_forms_name_tables_and_columns() -> None:
    names = entity_names(["snsrRdg", "fldVisit", "tchrNote"])
    assert names["snsrRdg"] == ("sensor reading", "sensor readings")
    assert names["fldVisit"] == ("field visit", "field visits")
    assert names["tchrNote"] == ("teacher note", "teacher notes")
    assert readable_words("gndrCd") == ["gender", "code"]
    assert readable_words("dschTs") == ["discharge", "timestamp"]
    assert readable_words("insTyp") == ["insurance", "type"]
    assert readable_words("check_ins") == ["check", "ins"]  # check-ins, not insurance
    assert entity_names(["gym_check_ins", "gym_members"])["gym_check_ins"][1] == "check ins"


def test_hours_are_not_read_as_a_schema_word_that_fits_their_letters() -> None:
    # "harvest" is a word of this schema and h-r-s fits its letters: hrs is still hours
    vocabulary = Vocabulary(["hrvLog", "crewShift"], None, ["hrvDt", "hrsQty"])
    assert readable_words("hrsQty", vocabulary) == ["hours", "quantity"]
    assert readable_words("hrvDt", vocabulary) == ["harvest", "date"]


def test_a_short_form_with_two_readings_is_read_by_what_it_names() -> None:
    # a district is a thing (a table, a text column, a code or name); a distance a number
    assert entity_names(["tblDist", "tblStore"])["tblDist"] == ("district", "districts")
    assert readable_words("distNm", text=True) == ["district", "name"]
    assert readable_words("distCd") == ["district", "code"]
    assert readable_words("homeDistId") == ["home", "district", "id"]
    assert readable_words("distKm") == ["distance", "km"]
    assert readable_words("tripDist") == ["trip", "distance"]


def test_a_key_to_a_district_table_links_there(tmp_path: Path) -> None:
    ddl = """
    CREATE TABLE ter_dist (distNo INTEGER, distNm VARCHAR);
    CREATE TABLE ter_store (storeNo INTEGER, salesDistNo INTEGER, distKm DOUBLE);
    INSERT INTO ter_dist VALUES (1, 'North'), (2, 'South');
    INSERT INTO ter_store VALUES (10, 1, 2.5), (11, 1, 4.0), (12, 2, 1.5);
    """
    result, path = boot(tmp_path, ddl)
    assert ("ter_store", "salesDistNo", "ter_dist", "distNo") in declared_links(result)
    assert result.layer.metric("total_distance_km") is not None
    query = SemanticQuery(metrics=["stores"], dimensions=["district_name"])
    got = sorted_rows(path, compile_query(result.layer, query, "duckdb").sql)
    gold = sorted_rows(
        path,
        "SELECT d.distNm, count(*) FROM ter_store s JOIN ter_dist d ON s.salesDistNo = d.distNo "
        "GROUP BY d.distNm",
    )
    assert got == gold


def test_a_reference_column_links_to_its_tables_first_column_key(tmp_path: Path) -> None:
    # `ReaderRef` and `AcctRef` name their tables but not their keys' names or key words
    ddl = """
    CREATE TABLE Reader (ReaderID INTEGER, ReaderName VARCHAR);
    CREATE TABLE tblAcct (AcctNo INTEGER, Opened DATE);
    CREATE TABLE Borrowing (BorrowingID INTEGER, ReaderRef INTEGER, AcctRef INTEGER);
    INSERT INTO Reader VALUES (1, 'Ann'), (2, 'Bob'), (3, 'Cy');
    INSERT INTO tblAcct VALUES (70, DATE '2024-01-01'), (71, DATE '2024-02-01');
    INSERT INTO Borrowing VALUES (1, 1, 70), (2, 1, 71), (3, 3, 70);
    """
    result, path = boot(tmp_path, ddl)
    links = declared_links(result)
    assert ("Borrowing", "ReaderRef", "Reader", "ReaderID") in links
    assert ("Borrowing", "AcctRef", "tblAcct", "AcctNo") in links
    query = SemanticQuery(metrics=["borrowings"], dimensions=["reader_name"])
    got = sorted_rows(path, compile_query(result.layer, query, "duckdb").sql)
    gold = sorted_rows(
        path,
        "SELECT r.ReaderName, count(*) FROM Borrowing b JOIN Reader r ON b.ReaderRef = r.ReaderID "
        "GROUP BY r.ReaderName",
    )
    assert got == gold

    missing = tmp_path / "missing"
    missing.mkdir()
    result, _ = boot(missing, ddl + "INSERT INTO Borrowing VALUES (4, 9, 70);")
    assert not any(c == "ReaderRef" for _, c, _, _ in declared_links(result))
    assert any("ReaderRef" in k and "sampled values" in v for k, v in _refused(result).items())


def test_headcount_counts_the_one_table_of_employees(tmp_path: Path) -> None:
    import datetime as dt

    from nexatron.evaluation.run import value_index
    from nexatron.nlq.lexicon import build_lexicon
    from nexatron.nlq.understand import understand
    from nexatron.semantic.dates import DateContext

    ddl = """
    CREATE TABLE ops_team (teamNo INTEGER, teamNm VARCHAR);
    CREATE TABLE ops_emp (empNo INTEGER, empNm VARCHAR, teamNo INTEGER);
    INSERT INTO ops_team VALUES (1, 'Red'), (2, 'Blue');
    INSERT INTO ops_emp VALUES (1, 'Ann', 1), (2, 'Bob', 1), (3, 'Cy', 2);
    """
    result, path = boot(tmp_path, ddl)
    count = result.layer.metric("employees")
    assert count is not None and {"headcount", "staff"} <= set(count.synonyms)
    con = duckdb.connect(str(path), read_only=True)
    try:
        lex = build_lexicon(result.layer, value_index(con, result.layer))
    finally:
        con.close()
    ctx = DateContext(now=dt.datetime(2026, 6, 17, tzinfo=dt.UTC), timezone="UTC")
    plan = understand("headcount per team", lex, ctx=ctx)
    got = sorted_rows(path, compile_query(result.layer, plan.query, "duckdb").sql)
    gold = "SELECT t.teamNm, count(*) FROM ops_emp e JOIN ops_team t ON e.teamNo = t.teamNo"
    assert {r[-2:] for r in got} == set(sorted_rows(path, gold + " GROUP BY t.teamNm"))

    two = tmp_path / "two"
    two.mkdir()
    result, _ = boot(two, ddl + "CREATE TABLE ops_worker (workerNo INTEGER, workerNm VARCHAR);")
    count = result.layer.metric("employees")
    assert count is not None and "headcount" not in count.synonyms


def test_a_measure_in_a_unit_of_area_is_an_area(tmp_path: Path) -> None:
    import datetime as dt

    from nexatron.evaluation.run import value_index
    from nexatron.nlq.lexicon import build_lexicon
    from nexatron.nlq.understand import understand
    from nexatron.semantic.dates import DateContext

    assert readable_words("floorSqm") == ["floor", "square", "metres"]
    assert readable_words("plotHa") == ["plot", "hectares"]
    assert readable_words("haulDist") == ["haul", "distance"]
    # unit words are no nouns of the schema: `mtr` is still a meter beside `floorSqm`
    assert Vocabulary(["mtrReading", "meter"], None, ["floorSqm"]).read("mtr") == "meter"
    ddl = """
    CREATE TABLE block (blockNo INTEGER, blockNm VARCHAR);
    CREATE TABLE unit (unitNo INTEGER, blockNo INTEGER, floorSqm INTEGER);
    INSERT INTO block VALUES (1, 'A'), (2, 'B');
    INSERT INTO unit VALUES (1, 1, 50), (2, 1, 80), (3, 2, 120);
    """
    result, path = boot(tmp_path, ddl)
    dim = result.layer.dimension("floor_square_metres")
    assert dim is not None and "floor area" in dim.synonyms
    con = duckdb.connect(str(path), read_only=True)
    try:
        lex = build_lexicon(result.layer, value_index(con, result.layer))
    finally:
        con.close()
    ctx = DateContext(now=dt.datetime(2026, 6, 17, tzinfo=dt.UTC), timezone="UTC")
    plan = understand("average floor area", lex, ctx=ctx)
    got = sorted_rows(path, compile_query(result.layer, plan.query, "duckdb").sql)
    assert got == sorted_rows(path, "SELECT avg(floorSqm) FROM unit")


def test_a_percent_is_also_a_percentage(tmp_path: Path) -> None:
    ddl = """
    CREATE TABLE probe (probeNo INTEGER, humidPct DOUBLE);
    INSERT INTO probe VALUES (1, 40.0), (2, 55.5), (3, 61.0);
    """
    result, path = boot(tmp_path, ddl)
    dim = result.layer.dimension("humid_percent")
    assert dim is not None and "humid percentage" in dim.synonyms
    top = result.layer.metric("max_humid_percent")
    assert top is not None and "highest humid percentage" in top.synonyms
    sql = compile_query(result.layer, SemanticQuery(metrics=["max_humid_percent"]), "duckdb").sql
    assert sorted_rows(path, sql) == sorted_rows(path, "SELECT max(humidPct) FROM probe")


def test_a_unit_and_a_quantity_word_is_that_unit(tmp_path: Path) -> None:
    ddl = """
    CREATE TABLE crew_shift (shiftNo INTEGER, hrsQty DOUBLE, yrsExp INTEGER);
    INSERT INTO crew_shift VALUES (1, 7.5, 3), (2, 8.0, 10);
    """
    result, path = boot(tmp_path, ddl)
    total = result.layer.metric("total_hours_quantity")
    assert total is not None and "total hours" in total.synonyms
    assert not any("hours of quantity" in s for s in total.synonyms)
    experience = result.layer.metric("avg_years_experience")
    assert experience is not None and "average years of experience" in experience.synonyms
    sql = compile_query(result.layer, SemanticQuery(metrics=["total_hours_quantity"]), "duckdb")
    assert sorted_rows(path, sql.sql) == sorted_rows(path, "SELECT sum(hrsQty) FROM crew_shift")
