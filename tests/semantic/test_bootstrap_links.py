"""Relationships bootstrap infers where no foreign key is declared and the column's name does not
name its table: `StudentID` -> the one table keyed by a bare `ID`, `mgrNo` -> its own table's key,
`drId` -> the table whose first column is `drId` and unique. Each is verified on the data (target
unique, every sampled value contained) or refused with a reason; SQL is proven by executing it."""

from __future__ import annotations

import datetime as dt
from pathlib import Path

import duckdb

from nexatron.evaluation.run import value_index
from nexatron.nlq.lexicon import build_lexicon
from nexatron.nlq.understand import understand
from nexatron.semantic.compiler import compile_query
from nexatron.semantic.dates import DateContext
from nexatron.semantic.model import SemanticQuery

from .bootstrap_support import boot, declared_links, sorted_rows

SCHOOL = """
CREATE TABLE HighSchooler (ID INTEGER, Name VARCHAR, Grade INTEGER);
CREATE TABLE Club (ClubID INTEGER, ClubName VARCHAR);
CREATE TABLE ClubMember (StudentID INTEGER, ClubID INTEGER);
CREATE TABLE Friend (StudentID INTEGER, FriendID INTEGER);
CREATE TABLE TestScore (TestID INTEGER, StudentID INTEGER, Score INTEGER);
INSERT INTO HighSchooler VALUES (1, 'Ann', 9), (2, 'Bob', 9), (3, 'Ann', 10), (4, 'Cy', 11),
  (5, 'Di', 11), (6, 'Ed', 12);
INSERT INTO Club VALUES (1, 'Chess'), (2, 'Robotics');
INSERT INTO ClubMember VALUES (1, 1), (2, 1), (3, 2), (5, 2), (6, 2);
INSERT INTO Friend VALUES (1, 2), (2, 1), (1, 3), (3, 1), (4, 5), (5, 4), (6, 1);
INSERT INTO TestScore VALUES (100, 1, 80), (101, 2, 70), (102, 3, 90), (103, 4, 60),
  (104, 5, 75), (105, 6, 85), (106, 1, 95);
"""

STAFF = """
CREATE TABLE Dept (deptNo INTEGER, deptNm VARCHAR);
CREATE TABLE Emp (empNo INTEGER, empNm VARCHAR, deptNo INTEGER, mgrNo INTEGER,
                    salAmt INTEGER);
CREATE TABLE doctor (drId INTEGER, drNm VARCHAR);
CREATE TABLE shift (shiftNo INTEGER, drId INTEGER, empNo INTEGER, hrs INTEGER);
CREATE TABLE visit (drId INTEGER, roomNo INTEGER);
INSERT INTO Dept VALUES (1, 'Sales'), (2, 'Ops');
INSERT INTO Emp VALUES (10, 'Ann', 1, NULL, 90), (11, 'Bob', 1, 10, 60), (12, 'Cy', 2, 10, 50),
  (13, 'Di', 2, 12, 40), (14, 'Ed', 2, 12, 45);
INSERT INTO doctor VALUES (7, 'Dr Who'), (8, 'Dr No');
INSERT INTO shift VALUES (1, 7, 11, 8), (2, 8, 12, 6), (3, 7, 13, 4);
INSERT INTO visit VALUES (7, 1), (7, 2), (8, 1);
"""

# Two tables keyed by a bare `id`: a `ownerId` that names neither could mean both.
TWO_IDS = """
CREATE TABLE pets (id INTEGER, name VARCHAR, ownerId INTEGER);
CREATE TABLE toys (id INTEGER, label VARCHAR);
INSERT INTO pets VALUES (1, 'Rex', 1), (2, 'Tom', 2), (3, 'Kit', 1);
INSERT INTO toys VALUES (1, 'Ball'), (2, 'Rope'), (3, 'Bone');
"""

# The only bare `ID` is not unique in the data, and a student number is missing from it.
BROKEN = """
CREATE TABLE Pupil (ID INTEGER, Name VARCHAR);
CREATE TABLE Grades (StudentID INTEGER, Mark INTEGER);
CREATE TABLE Awards (WinnerID INTEGER, Prize VARCHAR);
CREATE TABLE Badge (ID INTEGER, Label VARCHAR);
INSERT INTO Pupil VALUES (1, 'Ann'), (2, 'Bob'), (2, 'Bob again');
INSERT INTO Badge VALUES (1, 'Gold'), (2, 'Silver');
INSERT INTO Grades VALUES (1, 5), (2, 6);
INSERT INTO Awards VALUES (1, 'Cup'), (9, 'Shield');
"""


def test_key_columns_that_name_no_table_link_to_the_one_bare_id(tmp_path: Path) -> None:
    result, path = boot(tmp_path, SCHOOL)
    links = declared_links(result)
    for child in ("ClubMember", "Friend", "TestScore"):
        assert (child, "StudentID", "HighSchooler", "ID") in links
    assert ("Friend", "FriendID", "HighSchooler", "ID") in links
    assert ("ClubMember", "ClubID", "Club", "ClubID") in links
    assert not any(c == "TestID" for _, c, _, _ in links)  # the table's own key
    # Friend reaches HighSchooler twice: each link is a role named by its column
    roles = {d.name: d.via for d in result.layer.dimensions if d.via}
    assert {"student_name", "friend_name"} <= set(roles)
    got = sorted_rows(
        path,
        compile_query(
            result.layer, SemanticQuery(metrics=["friends"], dimensions=["friend_name"]), "duckdb"
        ).sql,
    )
    gold = sorted_rows(
        path,
        "SELECT h.Name, count(*) FROM Friend f JOIN HighSchooler h ON f.FriendID = h.ID "
        "GROUP BY h.Name",
    )
    assert got == gold
    # what other tables call a high schooler becomes a name of its count
    count = result.layer.metric("high_schoolers")
    assert count is not None and "students" in count.synonyms
    declared = [d for d in result.report.declared if d.kind == "relationship"]
    assert any("names no table" in d.reason for d in declared)


def test_self_reference_and_keys_guessed_from_first_columns(tmp_path: Path) -> None:
    result, path = boot(tmp_path, STAFF)
    links = declared_links(result)
    assert ("Emp", "mgrNo", "Emp", "empNo") in links
    assert ("shift", "drId", "doctor", "drId") in links
    assert ("shift", "empNo", "Emp", "empNo") in links
    assert ("Emp", "deptNo", "Dept", "deptNo") in links
    # visit.drId is visit's first column but repeats: not a key, and nothing links to it
    assert not any(to == "visit" for _, _, to, _ in links)
    manager = result.layer.dimension("manager_name")
    assert manager is not None and manager.via == "employee_manager"
    query = SemanticQuery(metrics=["employees"], dimensions=["manager_name"])
    got = sorted_rows(path, compile_query(result.layer, query, "duckdb").sql)
    gold = sorted_rows(
        path,
        "SELECT m.empNm, count(*) FROM Emp e LEFT JOIN Emp m ON e.mgrNo = m.empNo GROUP BY m.empNm",
    )
    assert got == gold


def test_ambiguous_non_unique_and_uncontained_guesses_are_refused(tmp_path: Path) -> None:
    first = tmp_path / "first"
    first.mkdir()
    result, _ = boot(first, TWO_IDS)
    assert not result.layer.relationships
    refused = {r.name: r.reason for r in result.report.refused if r.kind == "relationship"}
    assert any("ownerId" in k and "several keys" in v for k, v in refused.items())

    result, _ = boot(tmp_path, BROKEN)
    assert not result.layer.relationships
    refused = {r.name: r.reason for r in result.report.refused if r.kind == "relationship"}
    # two tables have a bare ID: the guess is ambiguous, not declared
    assert any("StudentID" in k and "several keys" in v for k, v in refused.items())


def test_non_unique_target_and_missing_values_are_reported(tmp_path: Path) -> None:
    ddl = """
    CREATE TABLE Pupil (ID INTEGER, Name VARCHAR);
    CREATE TABLE Grades (StudentID INTEGER, Mark INTEGER);
    CREATE TABLE Awards (WinnerID INTEGER, Prize VARCHAR);
    INSERT INTO Pupil VALUES (1, 'Ann'), (2, 'Bob'), (3, 'Cy');
    INSERT INTO Grades VALUES (1, 5), (2, 6);
    INSERT INTO Awards VALUES (1, 'Cup'), (9, 'Shield');
    """
    result, _ = boot(tmp_path, ddl)
    assert declared_links(result) == {("Grades", "StudentID", "Pupil", "ID")}
    refused = {r.name: r.reason for r in result.report.refused if r.kind == "relationship"}
    assert any("WinnerID" in k and "1 of 2 sampled values" in v for k, v in refused.items())

    dup = tmp_path / "dup"
    dup.mkdir()
    result, _ = boot(dup, ddl + "INSERT INTO Pupil VALUES (2, 'Bob again');")
    assert not result.layer.relationships
    refused = {r.name: r.reason for r in result.report.refused if r.kind == "relationship"}
    assert any("StudentID" in k and "not unique" in v for k, v in refused.items())


def test_end_to_end_a_question_across_an_inferred_join(tmp_path: Path) -> None:
    """Bootstrap a schema with no keys, ask in words, and compare the rows with gold SQL."""
    result, path = boot(tmp_path, SCHOOL)
    con = duckdb.connect(str(path), read_only=True)
    try:
        lex = build_lexicon(result.layer, value_index(con, result.layer))
    finally:
        con.close()
    ctx = DateContext(now=dt.datetime(2026, 6, 17, tzinfo=dt.UTC), timezone="UTC")
    plan = understand("number of students in each grade", lex, ctx=ctx)
    got = sorted_rows(path, compile_query(result.layer, plan.query, "duckdb").sql)
    assert got == sorted_rows(path, "SELECT Grade, count(*) FROM HighSchooler GROUP BY Grade")
    plan = understand("club members by grade", lex, ctx=ctx)
    got = sorted_rows(path, compile_query(result.layer, plan.query, "duckdb").sql)
    gold = sorted_rows(
        path,
        "SELECT h.Grade, count(*) FROM ClubMember m JOIN HighSchooler h ON m.StudentID = h.ID "
        "GROUP BY h.Grade",
    )
    assert got == gold
