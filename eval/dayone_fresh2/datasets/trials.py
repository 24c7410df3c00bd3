"""Clinical trials: trials, sites, participants, enrolments and adverse events (PascalCase, no
declared keys).

Deterministic (seeded `random.Random`). The enrolment's participant column is `PatientID`
(pointing at `Participant.ParticipantID`); two participants are both called "Laura Bennett";
trials 2 and 5 tie on the largest target enrolment. Trial 8 has not started yet (StartDate in the
future, scheduled by nature) and has no enrolments; site 7 has never enrolled anyone. Events run
up to the eval's now (2026-06-17).
"""

from __future__ import annotations

import datetime as dt
import random

import duckdb

from nexatron.evaluation.datagen import insert_rows as _insert

NOW = dt.date(2026, 6, 17)
TRIALS = [
    (1, "CARDIO-ACE", "II", "Helix Pharma", dt.date(2024, 3, 1), 120, "Cardiology"),
    (2, "NEURO-LINK", "III", "Borealis Bio", dt.date(2024, 9, 15), 300, "Neurology"),
    (3, "ONCO-STEP", "I", "Helix Pharma", dt.date(2025, 1, 10), 40, "Oncology"),
    (4, "DERMA-CLEAR", "II", "Vantage Labs", dt.date(2025, 4, 7), 150, "Dermatology"),
    (5, "ONCO-BRIDGE", "III", "Borealis Bio", dt.date(2025, 6, 2), 300, "Oncology"),
    (6, "PULMO-AIR", "II", "Vantage Labs", dt.date(2025, 11, 20), 90, "Pulmonology"),
    (7, "CARDIO-RHYTHM", "I", "Meridian Health", dt.date(2026, 2, 16), 30, "Cardiology"),
    (8, "NEURO-SLEEP", "II", "Meridian Health", dt.date(2026, 9, 1), 80, "Neurology"),
]
SITES = [
    (1, "St. Mary Research Unit", "Boston", "USA"),
    (2, "Lakeside Clinical Centre", "Toronto", "Canada"),
    (3, "Charite Study Site", "Berlin", "Germany"),
    (4, "Northwell Trials", "New York", "USA"),
    (5, "Hopital Lyon Sud", "Lyon", "France"),
    (6, "Kings Research Hub", "London", "UK"),
    (7, "Alpine Medical Studies", "Zurich", "Switzerland"),
]
FIRST = ["Laura", "Mark", "Sara", "Tom", "Nina", "Paul", "Rita", "Omar", "Julia", "Victor", "Amy"]
LAST = ["Bennett", "Fischer", "Garcia", "Hughes", "Ivanov", "Jensen", "Klein", "Lambert", "Moss"]

DDL = """
CREATE TABLE Trial (TrialID INTEGER, Title VARCHAR, Phase VARCHAR, Sponsor VARCHAR,
  StartDate DATE, TargetEnrollment INTEGER, TherapeuticArea VARCHAR);
CREATE TABLE Site (SiteID INTEGER, SiteName VARCHAR, City VARCHAR, Country VARCHAR);
CREATE TABLE Participant (ParticipantID INTEGER, FullName VARCHAR, Sex VARCHAR, BirthDate DATE);
CREATE TABLE Enrollment (EnrollmentID INTEGER, TrialID INTEGER, SiteID INTEGER,
  PatientID INTEGER, EnrolledOn DATE, Arm VARCHAR, WithdrawnOn DATE);
CREATE TABLE AdverseEvent (EventID INTEGER, EnrollmentID INTEGER, Term VARCHAR,
  Severity INTEGER, ReportedOn DATE, Serious BOOLEAN);
"""
TERMS = ["Headache", "Nausea", "Fatigue", "Rash", "Dizziness", "Fever", "Insomnia"]


def build(path: str) -> None:
    """Create the DuckDB file at `path`."""
    rng = random.Random(3307)
    people = []
    for i in range(1, 501):
        name = f"{rng.choice(FIRST)} {rng.choice(LAST)}"
        if i in (44, 318):
            name = "Laura Bennett"
        elif name == "Laura Bennett":
            name = "Laura Moss"
        birth = dt.date(1940, 1, 1) + dt.timedelta(days=rng.randint(0, 365 * 62))
        people.append((i, name, rng.choice(["F", "M"]), birth))
    enrol = []
    eid = 0
    for p in range(1, 481):  # participants 481..500 screened but never enrolled
        for _ in range(1 if rng.random() < 0.85 else 2):
            trial = TRIALS[rng.randint(0, 6)]
            eid += 1
            span = (NOW - trial[4]).days
            on = trial[4] + dt.timedelta(days=int(span * rng.random()))
            withdrawn = None
            if rng.random() < 0.12:
                withdrawn = min(NOW, on + dt.timedelta(days=rng.randint(5, 200)))
            enrol.append(
                (
                    eid,
                    trial[0],
                    rng.randint(1, 6),
                    p,
                    on,
                    rng.choice(["placebo", "treatment"]),
                    withdrawn,
                )
            )
    events = []
    for i in range(1, 901):
        e = enrol[rng.randint(0, len(enrol) - 1)]
        day = e[4] + dt.timedelta(days=int((NOW - e[4]).days * rng.random()))
        sev = rng.choices([1, 2, 3, 4], weights=[50, 30, 15, 5])[0]
        events.append((i, e[0], rng.choice(TERMS), sev, day, sev >= 3 and rng.random() < 0.6))
    con = duckdb.connect(path)
    try:
        con.execute(DDL)
        _insert(con, "Trial", TRIALS)
        _insert(con, "Site", SITES)
        _insert(con, "Participant", people)
        _insert(con, "Enrollment", enrol)
        _insert(con, "AdverseEvent", events)
    finally:
        con.close()
