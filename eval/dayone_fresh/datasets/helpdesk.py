"""Internal IT helpdesk: Department, Employee, Ticket (requester and assignee both point at
Employee), TicketComment and SlaPolicy. PascalCase names, no declared keys.

Two employees are called "Sarah Connor"; two priorities tie on the resolution target. Tickets run
up to the eval's now (2026-06-17 10:00); some are still open.
"""

from __future__ import annotations

import datetime as dt
import random

import duckdb

from nexatron.evaluation.datagen import insert_rows as _insert

NOW = dt.datetime(2026, 6, 17, 10, 0)
DEPTS = [
    (1, "IT Support", "Floor 2"),
    (2, "Finance", "Floor 3"),
    (3, "Sales", "Floor 1"),
    (4, "Marketing", "Floor 1"),
    (5, "Operations", "Floor 4"),
    (6, "Legal", "Floor 5"),
]
SLA = [
    ("P1", "Critical", 1, 4),
    ("P2", "High", 4, 24),
    ("P3", "Normal", 8, 72),
    ("P4", "Low", 24, 72),
]
CATEGORIES = ["Hardware", "Software", "Network", "Access request", "Email", "Printer"]
FIRST = [
    "Sarah",
    "John",
    "Mei",
    "Kwame",
    "Olivia",
    "Raj",
    "Elena",
    "Tom",
    "Aisha",
    "Marco",
    "Nina",
    "Paul",
]
LAST = ["Connor", "Baker", "Wong", "Mensah", "Brooks", "Iyer", "Rossi", "Hardy", "Bello"]

DDL = """
CREATE TABLE Department (DepartmentId INTEGER, DepartmentName VARCHAR, Location VARCHAR);
CREATE TABLE Employee (EmployeeId INTEGER, FullName VARCHAR, DepartmentId INTEGER,
  JobTitle VARCHAR, HireDate DATE, IsAgent BOOLEAN);
CREATE TABLE SlaPolicy (Priority VARCHAR, PriorityName VARCHAR, ResponseHours INTEGER,
  ResolutionHours INTEGER);
CREATE TABLE Ticket (TicketId INTEGER, RequesterId INTEGER, AssigneeId INTEGER,
  Category VARCHAR, Priority VARCHAR, Subject VARCHAR, OpenedAt TIMESTAMP, ResolvedAt TIMESTAMP,
  Status VARCHAR, SatisfactionScore INTEGER);
CREATE TABLE TicketComment (CommentId INTEGER, TicketId INTEGER, AuthorId INTEGER,
  PostedAt TIMESTAMP, IsInternal BOOLEAN);
"""


def build(path: str) -> None:
    """Create the DuckDB file at `path`."""
    rng = random.Random(3333)
    emps = []
    for i in range(1, 221):
        dept = 1 if i <= 12 else rng.randint(2, 6)
        name = f"{rng.choice(FIRST)} {rng.choice(LAST)}"
        if name == "Sarah Connor":
            name = "Sarah Baker"
        if i in (5, 140):
            name = "Sarah Connor"
        title = (
            ("Support Engineer" if i <= 10 else "IT Manager")
            if dept == 1
            else rng.choice(["Analyst", "Associate", "Manager", "Specialist"])
        )
        emps.append(
            (i, name, dept, title, (NOW - dt.timedelta(days=rng.randint(30, 3600))).date(), i <= 11)
        )
    agents = [e for e in emps if e[5]]
    tickets, comments = [], []
    for i in range(1, 2201):
        req = emps[12 + int(208 * rng.random() ** 1.2)]
        if req[2] == 6 and rng.random() < 0.5:
            req = emps[13]
        agent = rng.choices(agents[:10], [5, 4, 4, 3, 3, 3, 2, 2, 2, 1])[0]  # agent 11: none
        pr = rng.choices(SLA, [1, 3, 8, 4])[0]
        opened = NOW - dt.timedelta(minutes=int(450 * 1440 * rng.random() ** 1.3) + 2)
        res_h = rng.expovariate(1 / (pr[3] * 0.6))
        resolved = opened + dt.timedelta(hours=res_h)
        status = "Resolved"
        if resolved > NOW:
            resolved, status = None, rng.choice(["Open", "In progress", "Waiting on user"])
        elif rng.random() < 0.05:
            status = "Closed - duplicate"
        score = (
            rng.choices([1, 2, 3, 4, 5], [1, 1, 2, 5, 6])[0]
            if status == "Resolved" and rng.random() < 0.45
            else None
        )
        cat = rng.choice(CATEGORIES)
        tickets.append(
            (
                i,
                req[0],
                agent[0] if status != "Open" or rng.random() < 0.5 else None,
                cat,
                pr[0],
                f"{cat} issue",
                opened,
                resolved,
                status,
                score,
            )
        )
        for _ in range(rng.randint(0, 4)):
            at = opened + dt.timedelta(hours=rng.uniform(0.1, 48))
            if at < NOW:
                comments.append(
                    (len(comments) + 1, i, rng.choice([req[0], agent[0]]), at, rng.random() < 0.3)
                )
    con = duckdb.connect(path)
    try:
        con.execute(DDL)
        _insert(con, "Department", DEPTS)
        _insert(con, "Employee", emps)
        _insert(con, "SlaPolicy", SLA)
        _insert(con, "Ticket", tickets)
        _insert(con, "TicketComment", comments)
    finally:
        con.close()
