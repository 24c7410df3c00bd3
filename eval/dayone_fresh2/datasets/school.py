"""School district: schools, pupils, teachers, absences and exam scores (`tbl` prefix,
PascalCase with abbreviated columns, no declared keys).

Deterministic (seeded `random.Random`). Absences and scores point at pupils through `StudentID`
(the table is `tblPupil`, key `PupilNo`); two pupils are both called "Ethan Park" (different
schools); schools 1 and 4 tie on the largest enrolment capacity. School 9 opened this year and has
no pupils. Absences run up to the eval's now (2026-06-17).
"""

from __future__ import annotations

import datetime as dt
import random

import duckdb

from nexatron.evaluation.datagen import insert_rows as _insert

NOW = dt.date(2026, 6, 17)
SCHOOLS = [
    (1, "Lincoln High", "High", "Ward 1", 1200, 1958),
    (2, "Maple Elementary", "Elementary", "Ward 1", 420, 1972),
    (3, "Cedar Middle", "Middle", "Ward 2", 650, 1981),
    (4, "Roosevelt High", "High", "Ward 3", 1200, 1966),
    (5, "Birch Elementary", "Elementary", "Ward 2", 380, 1990),
    (6, "Harbor Middle", "Middle", "Ward 3", 700, 2001),
    (7, "Willow Elementary", "Elementary", "Ward 4", 450, 2008),
    (8, "Summit High", "High", "Ward 4", 900, 2015),
    (9, "Prairie Elementary", "Elementary", "Ward 4", 400, 2026),
]
GRADES = {"Elementary": (1, 5), "Middle": (6, 8), "High": (9, 12)}
FIRST = ["Ethan", "Olivia", "Noah", "Ava", "Liam", "Mia", "Lucas", "Zoe", "Mason", "Ella", "Leo"]
LAST = ["Park", "Johnson", "Diaz", "Okoro", "Schmidt", "Tran", "Walsh", "Reyes", "Cohen", "Ali"]
SUBJECTS = ["Math", "English", "Science", "History"]
REASONS = ["Illness", "Medical appointment", "Family", "Unexplained", "Suspension"]

DDL = """
CREATE TABLE tblSchool (SchoolNo INTEGER, SchoolNm VARCHAR, SchoolType VARCHAR, Ward VARCHAR,
  EnrollCap INTEGER, YrOpened INTEGER);
CREATE TABLE tblPupil (PupilNo INTEGER, FirstNm VARCHAR, LastNm VARCHAR, DOB DATE,
  GradeLvl INTEGER, SchoolNo INTEGER, FreeMealFlg BOOLEAN);
CREATE TABLE tblTeacher (TeacherNo INTEGER, TeacherNm VARCHAR, SchoolNo INTEGER, Subj VARCHAR,
  HireDt DATE, AnnualSal DECIMAL(9, 2));
CREATE TABLE tblAbsence (AbsNo INTEGER, StudentID INTEGER, AbsDt DATE, Reason VARCHAR,
  ExcusedFlg BOOLEAN);
CREATE TABLE tblExamScore (ScoreNo INTEGER, StudentID INTEGER, Subj VARCHAR, TermCd VARCHAR,
  Score INTEGER);
"""
TERMS = ["2025T1", "2025T2", "2026T1"]


def build(path: str) -> None:
    """Create the DuckDB file at `path`."""
    rng = random.Random(5513)
    pupils = []
    for i in range(1, 801):
        school = SCHOOLS[rng.randint(0, 7)]
        first, last = rng.choice(FIRST), rng.choice(LAST)
        if (first, last) == ("Ethan", "Park"):
            last = "Parker"
        if i == 33:
            first, last, school = "Ethan", "Park", SCHOOLS[0]
        if i == 611:
            first, last, school = "Ethan", "Park", SCHOOLS[2]
        lo, hi = GRADES[school[2]]
        grade = rng.randint(lo, hi)
        dob = dt.date(2026 - 6 - grade, 1, 1) + dt.timedelta(days=rng.randint(0, 364))
        pupils.append((i, first, last, dob, grade, school[0], rng.random() < 0.3))
    teachers = []
    for i in range(1, 71):
        school = SCHOOLS[(i - 1) % 9] if i <= 64 else SCHOOLS[8]
        hire = dt.date(2000, 8, 20) + dt.timedelta(days=rng.randint(0, 9300))
        name = f"{rng.choice(['Ms.', 'Mr.', 'Dr.'])} {rng.choice(LAST)}"
        teachers.append(
            (i, name, school[0], rng.choice(SUBJECTS), hire, round(rng.uniform(48000, 92000), 2))
        )
    absences = []
    for i in range(1, 2201):
        pupil = 1 + int(780 * rng.random() ** 1.5)  # pupils 781..800 never absent
        day = NOW - dt.timedelta(days=int(420 * rng.random()))
        while day.weekday() >= 5:
            day -= dt.timedelta(days=1)
        reason = rng.choice(REASONS)
        absences.append((i, pupil, day, reason, reason in ("Illness", "Medical appointment")))
    scores = []
    sid = 0
    for p in pupils:
        for term in TERMS:
            for subj in SUBJECTS:
                if rng.random() < 0.35:
                    continue
                sid += 1
                scores.append((sid, p[0], subj, term, max(20, min(100, int(rng.gauss(71, 13))))))
    con = duckdb.connect(path)
    try:
        con.execute(DDL)
        _insert(con, "tblSchool", SCHOOLS)
        _insert(con, "tblPupil", pupils)
        _insert(con, "tblTeacher", teachers)
        _insert(con, "tblAbsence", absences)
        _insert(con, "tblExamScore", scores)
    finally:
        con.close()
