"""Private tutoring agency: tutors, students, subjects, lessons and payments (abbreviated
camelCase with a `tt` prefix, no declared keys).

Deterministic (seeded `random.Random`). A lesson points at its tutor (`tutorRef` ->
`ttTutor.tutorId`), its student (`learnerId` -> `ttStu.stuId`) and its subject (`subjCd` ->
`ttSubj.subjCd`); a student may name the student who referred them (`referredBy` ->
`ttStu.stuId`, NULL when nobody did). Two tutors are both called "Emily Clark"; `stuRating` is
NULL when the student gave no rating; lessons after the eval's now (2026-06-17) are `BOOKED`;
cancelled lessons are charged nothing. One tutor has never taught, one subject has no lessons and
a few students never had a lesson or never paid.
"""

from __future__ import annotations

import datetime as dt
import random

import duckdb

from nexatron.evaluation.datagen import insert_rows as _insert

NOW = dt.datetime(2026, 6, 17, 10, 0)
TUTORS = [
    (1, "Emily Clark", "Boston", 55.00, dt.date(2021, 9, 1), True),
    (2, "Marcus Lee", "Boston", 60.00, dt.date(2020, 1, 15), True),
    (3, "Priya Raman", "Cambridge", 70.00, dt.date(2019, 8, 20), True),
    (4, "Emily Clark", "Somerville", 45.00, dt.date(2024, 1, 8), True),
    (5, "David Osei", "Cambridge", 60.00, dt.date(2022, 6, 1), True),
    (6, "Hannah Fischer", "Boston", 50.00, dt.date(2023, 2, 1), True),
    (7, "Tom Brennan", "Somerville", 40.00, dt.date(2018, 9, 1), False),
    (8, "Yuki Tanaka", "Boston", 65.00, dt.date(2026, 5, 18), True),
]
IDLE_TUTOR = 8
SUBJECTS = [
    ("MATH-ALG", "Algebra", "Math"),
    ("MATH-CALC", "Calculus", "Math"),
    ("MATH-GEO", "Geometry", "Math"),
    ("SCI-CHEM", "Chemistry", "Science"),
    ("SCI-PHYS", "Physics", "Science"),
    ("SCI-BIO", "Biology", "Science"),
    ("ENG-ESS", "Essay Writing", "English"),
    ("TEST-SAT", "SAT Prep", "Test Prep"),
    ("LANG-SPA", "Spanish", "Languages"),
    ("LANG-LAT", "Latin", "Languages"),
]
TEACHES = {
    1: ["MATH-ALG", "MATH-GEO", "TEST-SAT"],
    2: ["MATH-CALC", "SCI-PHYS"],
    3: ["SCI-CHEM", "SCI-BIO", "MATH-CALC"],
    4: ["ENG-ESS", "TEST-SAT"],
    5: ["SCI-PHYS", "MATH-ALG"],
    6: ["LANG-SPA", "ENG-ESS"],
    7: ["MATH-GEO", "MATH-ALG"],
}
RATE = {t[0]: t[3] for t in TUTORS}
FIRST = ["Liam", "Ava", "Ethan", "Mia", "Lucas", "Chloe", "Mason", "Isla", "Owen", "Nora", "Eli"]
LAST = ["Murphy", "Chen", "Gupta", "Silva", "Novak", "Grant", "Ibrahim", "Park"]

DDL = """
CREATE TABLE ttTutor (tutorId INTEGER, fullNm VARCHAR, baseCity VARCHAR, hrlyRate DECIMAL(6,2),
    hireDt DATE, activeFlg BOOLEAN);
CREATE TABLE ttStu (stuId INTEGER, stuNm VARCHAR, gradeLvl INTEGER, signupDt DATE,
    referredBy INTEGER);
CREATE TABLE ttSubj (subjCd VARCHAR, subjNm VARCHAR, deptNm VARCHAR);
CREATE TABLE ttLsn (lsnId INTEGER, tutorRef INTEGER, learnerId INTEGER, subjCd VARCHAR,
    startTs TIMESTAMP, durMin INTEGER, lsnStat VARCHAR, feeAmt DECIMAL(7,2), stuRating INTEGER);
CREATE TABLE ttPay (payId INTEGER, stuId INTEGER, paidDt DATE, amt DECIMAL(8,2), payMethod VARCHAR);
"""


def _students(rng: random.Random) -> list[tuple[object, ...]]:
    names = [f"{f} {ln}" for f in FIRST for ln in LAST]
    rng.shuffle(names)
    rows: list[tuple[object, ...]] = []
    for i, name in enumerate(names[:48], start=1):
        signup = dt.date(2024, 6, 1) + dt.timedelta(days=rng.randrange(740))
        referrer = rng.randrange(1, i) if i > 5 and rng.random() < 0.3 else None
        rows.append((i, name, rng.randrange(6, 13), signup, referrer))
    return rows


def _lessons(rng: random.Random, students: list[tuple[object, ...]]) -> list[tuple[object, ...]]:
    rows: list[tuple[object, ...]] = []
    learners = [s for s in students if s[0] not in (9, 27, 41)]
    for lid in range(1, 381):
        student = rng.choice(learners)
        tutor = rng.choices(list(TEACHES), weights=[22, 16, 18, 12, 14, 12, 6])[0]
        start = max(dt.datetime(2025, 1, 6), dt.datetime.combine(student[3], dt.time()))
        span = (dt.datetime(2026, 7, 10) - start).days
        when = start + dt.timedelta(
            days=rng.randrange(max(span, 1)), hours=rng.choice([15, 16, 17, 18])
        )
        if tutor == 7 and when > dt.datetime(2025, 12, 1):
            tutor = 1
        duration = rng.choice([45, 60, 60, 90])
        if when > NOW:
            status, fee, rating = "BOOKED", round(float(RATE[tutor]) * duration / 60, 2), None
        elif rng.random() < 0.08:
            status, fee, rating = "CANCELLED", 0.0, None
        else:
            status, fee = "DONE", round(float(RATE[tutor]) * duration / 60, 2)
            rating = (
                None if rng.random() < 0.35 else rng.choices([3, 4, 5], weights=[15, 40, 45])[0]
            )
        rows.append(
            (
                lid,
                tutor,
                student[0],
                rng.choice(TEACHES[tutor]),
                when,
                duration,
                status,
                fee,
                rating,
            )
        )
    return rows


def _payments(rng: random.Random, lessons: list[tuple[object, ...]]) -> list[tuple[object, ...]]:
    rows: list[tuple[object, ...]] = []
    billed: dict[int, float] = {}
    for lesson in lessons:
        if lesson[6] == "DONE":
            billed[int(lesson[2])] = billed.get(int(lesson[2]), 0.0) + float(lesson[7])
    pid = 0
    for student, total in sorted(billed.items()):
        if student % 11 == 4:
            continue
        for share in (0.5, 0.5) if total > 300 else (1.0,):
            pid += 1
            day = dt.date(2025, 2, 1) + dt.timedelta(days=rng.randrange(495))
            rows.append(
                (pid, student, day, round(total * share, 2), rng.choice(["card", "bank transfer"]))
            )
    return rows


def build(path: str) -> None:
    rng = random.Random(4106)
    students = _students(rng)
    lessons = _lessons(rng, students)
    payments = _payments(rng, lessons)
    con = duckdb.connect(path)
    try:
        con.execute(DDL)
        _insert(con, "ttTutor", TUTORS)
        _insert(con, "ttStu", students)
        _insert(con, "ttSubj", SUBJECTS)
        _insert(con, "ttLsn", lessons)
        _insert(con, "ttPay", payments)
    finally:
        con.close()
