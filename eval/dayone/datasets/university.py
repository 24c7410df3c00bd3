"""University courses: departments, instructors, courses, course sections per term, students,
enrollments with grades, and prerequisites (course and prerequisite course both point at
courses). snake_case with declared primary and foreign keys.

Two students are named "Emily Zhang"; two courses share the title "Special Topics" (different
departments); two departments tie on budget. Terms run from Fall 2023 to Summer 2026 (the eval's
now is 2026-06-17, during the Summer 2026 term).
"""

from __future__ import annotations

import datetime as dt
import random

import duckdb

from nexatron.evaluation.datagen import insert_rows as _insert

NOW = dt.date(2026, 6, 17)
DEPTS = [
    (1, "Computer Science", "Turing Hall", 2400000),
    (2, "Mathematics", "Euler Building", 1300000),
    (3, "History", "Gibbon House", 900000),
    (4, "Biology", "Darwin Labs", 2100000),
    (5, "Economics", "Smith Tower", 1300000),
    (6, "Philosophy", "Hume Hall", 600000),
]
COURSES = [
    ("CS101", "Intro to Programming", 1, 4, 100),
    ("CS201", "Data Structures", 1, 4, 200),
    ("CS310", "Databases", 1, 3, 300),
    ("CS350", "Machine Learning", 1, 3, 300),
    ("CS490", "Special Topics", 1, 3, 400),
    ("MATH101", "Calculus I", 2, 4, 100),
    ("MATH201", "Linear Algebra", 2, 3, 200),
    ("MATH301", "Probability", 2, 3, 300),
    ("HIST110", "World History", 3, 3, 100),
    ("HIST240", "Modern Europe", 3, 3, 200),
    ("BIO101", "General Biology", 4, 4, 100),
    ("BIO220", "Genetics", 4, 4, 200),
    ("ECON101", "Microeconomics", 5, 3, 100),
    ("ECON202", "Macroeconomics", 5, 3, 200),
    ("ECON490", "Special Topics", 5, 3, 400),
    ("PHIL101", "Intro to Philosophy", 6, 3, 100),
    ("PHIL330", "Ethics of AI", 6, 3, 300),
]
PREREQS = [
    ("CS201", "CS101"),
    ("CS310", "CS201"),
    ("CS350", "CS201"),
    ("CS350", "MATH201"),
    ("MATH201", "MATH101"),
    ("MATH301", "MATH101"),
    ("BIO220", "BIO101"),
    ("ECON202", "ECON101"),
    ("PHIL330", "PHIL101"),
    ("CS490", "CS310"),
]
TERMS = [
    ("2023FA", dt.date(2023, 9, 4)),
    ("2024SP", dt.date(2024, 1, 15)),
    ("2024SU", dt.date(2024, 6, 3)),
    ("2024FA", dt.date(2024, 9, 2)),
    ("2025SP", dt.date(2025, 1, 13)),
    ("2025SU", dt.date(2025, 6, 2)),
    ("2025FA", dt.date(2025, 9, 1)),
    ("2026SP", dt.date(2026, 1, 12)),
    ("2026SU", dt.date(2026, 6, 1)),
]
FIRST = [
    "Emily",
    "Noah",
    "Ava",
    "Ethan",
    "Mia",
    "Lucas",
    "Zoe",
    "Omar",
    "Sara",
    "Leo",
    "Aria",
    "Kai",
    "Nina",
    "Ben",
]
LAST = ["Zhang", "Smith", "Garcia", "Okafor", "Kumar", "Novak", "Rossi", "Cohen", "Park"]
GRADES = [
    ("A", 4.0),
    ("A-", 3.7),
    ("B+", 3.3),
    ("B", 3.0),
    ("B-", 2.7),
    ("C+", 2.3),
    ("C", 2.0),
    ("D", 1.0),
    ("F", 0.0),
]

DDL = """
CREATE TABLE departments (dept_id INTEGER PRIMARY KEY, dept_name VARCHAR, building VARCHAR,
  budget INTEGER);
CREATE TABLE instructors (instructor_id INTEGER PRIMARY KEY, instructor_name VARCHAR,
  dept_id INTEGER REFERENCES departments(dept_id), rank VARCHAR, hire_year INTEGER,
  salary INTEGER);
CREATE TABLE courses (course_code VARCHAR PRIMARY KEY, title VARCHAR,
  dept_id INTEGER REFERENCES departments(dept_id), credits INTEGER, level INTEGER);
CREATE TABLE prerequisites (course_code VARCHAR REFERENCES courses(course_code),
  prereq_code VARCHAR REFERENCES courses(course_code), PRIMARY KEY (course_code, prereq_code));
CREATE TABLE sections (section_id INTEGER PRIMARY KEY,
  course_code VARCHAR REFERENCES courses(course_code), term VARCHAR, term_start DATE,
  instructor_id INTEGER REFERENCES instructors(instructor_id), capacity INTEGER, room VARCHAR);
CREATE TABLE students (student_id INTEGER PRIMARY KEY, full_name VARCHAR,
  major_dept_id INTEGER REFERENCES departments(dept_id), enrolled_on DATE, birth_year INTEGER,
  is_international BOOLEAN);
CREATE TABLE enrollments (section_id INTEGER REFERENCES sections(section_id),
  student_id INTEGER REFERENCES students(student_id), enrolled_at TIMESTAMP, grade VARCHAR,
  grade_points DOUBLE, PRIMARY KEY (section_id, student_id));
"""


def build(path: str) -> None:
    """Create the DuckDB file at `path`."""
    rng = random.Random(1818)
    instructors = []
    for i in range(1, 31):
        d = DEPTS[i % 6]
        rank = rng.choices(
            ["Lecturer", "Assistant Professor", "Associate Professor", "Professor"], [3, 3, 2, 2]
        )[0]
        base = {
            "Lecturer": 62000,
            "Assistant Professor": 85000,
            "Associate Professor": 105000,
            "Professor": 135000,
        }[rank]
        instructors.append(
            (
                i,
                f"Dr. {rng.choice(FIRST)} {rng.choice(LAST)}",
                d[0],
                rank,
                rng.randint(1995, 2025),
                base + rng.randint(0, 30) * 1000,
            )
        )
    sections = []
    for term, start in TERMS:
        for c in COURSES:
            if c[0] == "PHIL330" or (term.endswith("SU") and c[4] >= 300):
                continue  # Ethics of AI has never been offered; no upper-level summer courses
            if rng.random() < 0.75:
                inst = rng.choice([x for x in instructors if x[2] == c[2]])
                sections.append(
                    (
                        len(sections) + 1,
                        c[0],
                        term,
                        start,
                        inst[0],
                        rng.choice([25, 30, 40, 60, 120])
                        if c[4] == 100
                        else rng.choice([20, 25, 30, 40]),
                        f"{rng.choice('ABCDEF')}{rng.randint(100, 350)}",
                    )
                )
    students = []
    for i in range(1, 601):
        name = f"{rng.choice(FIRST)} {rng.choice(LAST)}"
        if name == "Emily Zhang":
            name = "Emily Park"
        if i in (101, 455):
            name = "Emily Zhang"
        students.append(
            (
                i,
                name,
                rng.choices(DEPTS, [5, 2, 2, 3, 3, 1])[0][0],
                NOW - dt.timedelta(days=rng.randint(20, 1500)),
                rng.randint(1995, 2008),
                rng.random() < 0.18,
            )
        )
    enrollments = set()
    rows = []
    for _ in range(4200):
        s = sections[int(len(sections) * rng.random())]
        st = students[int(580 * rng.random())]  # students 581..600 not enrolled in anything yet
        if (s[0], st[0]) in enrollments or st[3] > s[3]:
            continue
        enrollments.add((s[0], st[0]))
        at = dt.datetime.combine(
            s[3] - dt.timedelta(days=rng.randint(1, 60)),
            dt.time(rng.randint(7, 22), rng.randint(0, 59)),
        )
        if s[2] == "2026SU":
            g, pts = None, None
        else:
            g, pts = rng.choices(GRADES, [6, 5, 5, 6, 4, 3, 3, 1, 1])[0]
        rows.append((s[0], st[0], at, g, pts))
    con = duckdb.connect(path)
    try:
        con.execute(DDL)
        _insert(con, "departments", DEPTS)
        _insert(con, "instructors", instructors)
        _insert(con, "courses", COURSES)
        _insert(con, "prerequisites", PREREQS)
        _insert(con, "sections", sections)
        _insert(con, "students", students)
        _insert(con, "enrollments", rows)
    finally:
        con.close()
