"""Human resources: employees (with a manager reference back to employees), departments, jobs,
leave requests and salary history. Abbreviated camelCase with an `hr` prefix on every table, no
declared keys (empNo, deptNo, jobCd, mgrNo link by value).

Two employees are both named "David Chen"; two departments tie on head count. Hire dates and leave
run up to the eval's now (2026-06-17).
"""

from __future__ import annotations

import datetime as dt
import random
from typing import Any

import duckdb

from nexatron.evaluation.datagen import insert_rows as _insert

NOW = dt.date(2026, 6, 17)
DEPTS = [
    (10, "Engineering", "Berlin", 1450000),
    (20, "Sales", "Madrid", 800000),
    (30, "Marketing", "Madrid", 420000),
    (40, "Finance", "Berlin", 380000),
    (50, "Human Resources", "Lisbon", 210000),
    (60, "Customer Support", "Lisbon", 300000),
    (70, "Legal", "Berlin", 150000),
]
JOBS = [
    ("ENG1", "Software Engineer", 55000, 95000),
    ("ENG2", "Senior Engineer", 80000, 130000),
    ("SAL1", "Account Executive", 40000, 75000),
    ("MKT1", "Marketing Specialist", 38000, 65000),
    ("FIN1", "Accountant", 42000, 70000),
    ("HR01", "HR Partner", 40000, 68000),
    ("SUP1", "Support Agent", 28000, 42000),
    ("MGR1", "Manager", 75000, 140000),
    ("LGL1", "Counsel", 70000, 120000),
]
DEPT_JOBS = {
    10: ["ENG1", "ENG2"],
    20: ["SAL1"],
    30: ["MKT1"],
    40: ["FIN1"],
    50: ["HR01"],
    60: ["SUP1"],
    70: ["LGL1"],
}
HEADS = {10: 60, 20: 45, 30: 24, 40: 24, 50: 12, 60: 40, 70: 0}
FIRST = [
    "David",
    "Anna",
    "Lukas",
    "Marta",
    "Joao",
    "Ines",
    "Felix",
    "Clara",
    "Pablo",
    "Lea",
    "Tiago",
    "Nora",
    "Jonas",
    "Sara",
    "Miguel",
    "Emma",
    "Paul",
    "Rita",
]
LAST = [
    "Chen",
    "Muller",
    "Garcia",
    "Silva",
    "Schmidt",
    "Fernandez",
    "Costa",
    "Weber",
    "Lopez",
    "Santos",
    "Fischer",
    "Martin",
]
LEAVE_TYPES = ["Annual", "Sick", "Parental", "Unpaid", "Training"]

DDL = """
CREATE TABLE hrDept (deptNo INTEGER, deptNm VARCHAR, locCity VARCHAR, budgetAmt INTEGER);
CREATE TABLE hrJob (jobCd VARCHAR, jobTtl VARCHAR, minSal INTEGER, maxSal INTEGER);
CREATE TABLE hrEmp (empNo INTEGER, empNm VARCHAR, deptNo INTEGER, jobCd VARCHAR, mgrNo INTEGER,
  hireDt DATE, birthDt DATE, salAmt INTEGER, gndr VARCHAR, empStatus VARCHAR);
CREATE TABLE hrLeave (lvNo INTEGER, empNo INTEGER, lvTyp VARCHAR, startDt DATE, endDt DATE,
  dayCnt INTEGER, apprvFlg BOOLEAN);
CREATE TABLE hrSalHist (empNo INTEGER, effDt DATE, salAmt INTEGER, chgPct DOUBLE);
"""


def build(path: str) -> None:
    """Create the DuckDB file at `path`."""
    rng = random.Random(6006)
    emps: list[tuple[Any, ...]] = []
    emp_no = 1000
    for dept, _, _, _ in DEPTS:
        if HEADS[dept] == 0:
            continue
        emp_no += 1
        boss = emp_no
        hire = NOW - dt.timedelta(days=rng.randint(2500, 6000))
        emps.append(
            (boss, "", dept, "MGR1", None, hire, None, rng.randint(90, 135) * 1000, None, "Active")
        )
        for _ in range(HEADS[dept] - 1):
            emp_no += 1
            job = rng.choice(DEPT_JOBS[dept])
            lo, hi = next((j[2], j[3]) for j in JOBS if j[0] == job)
            hire = NOW - dt.timedelta(days=int(4000 * rng.random() ** 1.5))
            status = "Terminated" if rng.random() < 0.08 else "Active"
            emps.append(
                (
                    emp_no,
                    "",
                    dept,
                    job,
                    boss,
                    hire,
                    None,
                    round(rng.uniform(lo, hi), -2),
                    None,
                    status,
                )
            )
    rows = []
    for e in emps:
        name = f"{rng.choice(FIRST)} {rng.choice(LAST)}"
        if name == "David Chen":
            name = "Emma Weber"
        if e[0] in (1010, 1150):
            name = "David Chen"
        born = dt.date(rng.randint(1962, 2003), rng.randint(1, 12), rng.randint(1, 28))
        rows.append((e[0], name, *e[2:6], born, int(e[7]), rng.choice(["F", "M"]), e[9]))
    leaves, hist = [], []
    for i in range(1, 901):
        e = rows[int(len(rows) * rng.random())]
        start = NOW - dt.timedelta(days=int(720 * rng.random() ** 1.2)) + dt.timedelta(days=20)
        days = rng.randint(1, 15)
        leaves.append(
            (
                i,
                e[0],
                rng.choices(LEAVE_TYPES, [6, 3, 1, 1, 1])[0],
                start,
                start + dt.timedelta(days=days - 1),
                days,
                start < NOW or rng.random() < 0.7,
            )
        )
    for e in rows:
        sal, day = e[7], e[5]
        while True:
            day = day + dt.timedelta(days=365)
            if day > NOW:
                break
            pct = round(rng.uniform(0, 6), 1)
            hist.append((e[0], day, sal, pct))
    con = duckdb.connect(path)
    try:
        con.execute(DDL)
        _insert(con, "hrDept", DEPTS)
        _insert(con, "hrJob", JOBS)
        _insert(con, "hrEmp", rows)
        _insert(con, "hrLeave", leaves)
        _insert(con, "hrSalHist", hist[:2500])
    finally:
        con.close()
