"""High school social network: HighSchooler, Friend (both directions stored), Likes (one way),
Club, ClubMember and TestScore. PascalCase names, no declared keys; Friend and Likes each hold
two references to HighSchooler.

Names are first names only and several repeat (e.g. two students named "Jordan" in different
grades). Test dates run up to the eval's now (2026-06-17).
"""

from __future__ import annotations

import datetime as dt
import random
from typing import Any

import duckdb

from nexatron.evaluation.datagen import insert_rows as _insert

NOW = dt.date(2026, 6, 17)
NAMES = [
    "Jordan",
    "Gabriel",
    "Tiffany",
    "Kris",
    "Brittany",
    "Haley",
    "Alexis",
    "Austin",
    "Cassandra",
    "Andrew",
    "Jessica",
    "Kyle",
    "Logan",
    "Madison",
    "Ethan",
    "Priya",
    "Diego",
    "Naomi",
    "Marcus",
    "Yuki",
    "Sana",
    "Owen",
    "Chloe",
    "Mateo",
    "Ava",
    "Liam",
    "Zoe",
    "Caleb",
    "Ivy",
    "Nathan",
    "Leah",
    "Ravi",
    "Elena",
    "Tyler",
    "Maya",
    "Omar",
]
CLUBS = [
    (1, "Chess Club", "Mr. Dalton", "Monday"),
    (2, "Drama Society", "Ms. Reyes", "Tuesday"),
    (3, "Robotics", "Mr. Okoro", "Thursday"),
    (4, "Debate Team", "Ms. Feld", "Wednesday"),
    (5, "Art Club", "Ms. Reyes", "Friday"),
    (6, "Environmental Club", "Mr. Singh", "Monday"),
    (7, "Photography Club", "Mr. Dalton", "Thursday"),
]
SUBJECTS = ["Math", "English", "Biology", "History", "Chemistry"]

DDL = """
CREATE TABLE HighSchooler (ID INTEGER, Name VARCHAR, Grade INTEGER, BirthDate DATE,
  Homeroom VARCHAR);
CREATE TABLE Friend (StudentID INTEGER, FriendID INTEGER);
CREATE TABLE Likes (StudentID INTEGER, LikedID INTEGER);
CREATE TABLE Club (ClubID INTEGER, ClubName VARCHAR, Advisor VARCHAR, MeetingDay VARCHAR);
CREATE TABLE ClubMember (StudentID INTEGER, ClubID INTEGER, JoinedOn DATE, IsOfficer BOOLEAN);
CREATE TABLE TestScore (TestID INTEGER, StudentID INTEGER, Subject VARCHAR, Score INTEGER,
  TakenOn DATE);
"""


def build(path: str) -> None:
    """Create the DuckDB file at `path`."""
    rng = random.Random(4004)
    students = []
    for i in range(1, 241):
        grade = 9 + (i % 4)
        born = dt.date(2026 - (grade + 5), 1, 1) + dt.timedelta(days=rng.randint(-200, 200))
        students.append((1000 + i, rng.choice(NAMES), grade, born, f"{grade}{'ABCD'[i % 4]}"))
    students[0] = (1001, "Jordan", 10, students[0][3], "10B")
    students[1] = (1002, "Jordan", 11, students[1][3], "11C")
    friends: set[tuple[int, int]] = set()
    for _ in range(420):
        a = 1001 + int(230 * rng.random() ** 1.3)  # 1231..1240 have no friends
        b = 1001 + int(230 * rng.random())
        if a != b:
            friends.add((a, b))
            friends.add((b, a))
    likes: set[tuple[int, int]] = set()
    for _ in range(260):
        a = 1001 + int(240 * rng.random())
        b = 1001 + int(240 * rng.random() ** 1.5)
        if a != b:
            likes.add((a, b))
    members: dict[tuple[int, int], tuple[Any, ...]] = {}
    for _ in range(330):
        s = 1001 + int(220 * rng.random())
        c = rng.choices(range(1, 8), [5, 7, 6, 4, 5, 3, 0])[0]  # nobody in Photography Club
        joined = NOW - dt.timedelta(days=rng.randint(0, 900))
        members[(s, c)] = (s, c, joined, rng.random() < 0.12)
    scores = []
    for i in range(1, 1401):
        s = 1001 + int(240 * rng.random())
        subj = rng.choice(SUBJECTS)
        taken = NOW - dt.timedelta(days=int(400 * rng.random() ** 1.3))
        scores.append((i, s, subj, max(20, min(100, int(rng.gauss(74, 13)))), taken))
    con = duckdb.connect(path)
    try:
        con.execute(DDL)
        _insert(con, "HighSchooler", students)
        _insert(con, "Friend", sorted(friends))
        _insert(con, "Likes", sorted(likes))
        _insert(con, "Club", CLUBS)
        _insert(con, "ClubMember", sorted(members.values()))
        _insert(con, "TestScore", scores)
    finally:
        con.close()
