"""Clinical laboratory: referring clinics, patients, the test catalogue, requisitions, results
and technicians (`tbl` prefix, PascalCase with abbreviations, no declared keys).

Deterministic (seeded `random.Random`). A requisition (`tblReq`) points at a patient
(`PtRef` -> `tblPt.PtNo`) and a referring clinic (`ClinRef` -> `tblClin.ClinID`); each result
(`tblRes.ReqRef` -> `tblReq.ReqNo`) names its test (`TstCd` -> `tblTst.TstCd`) and the technician
who verified it (`VerBy` -> `tblTech.TechID`, NULL while pending). Two patients are both called
"Maria Santos"; `AbnFlg` is 'H' or 'L' for out-of-range values and NULL for normal ones;
`RptTs` is NULL while a result is pending; `InsCo` is NULL for self-paying patients. Draws booked
after the eval's now (2026-06-17) are `SCHEDULED` requisitions without results. One clinic never
sent a requisition and one test was never ordered.
"""

from __future__ import annotations

import datetime as dt
import random

import duckdb

from nexatron.evaluation.datagen import insert_rows as _insert

NOW = dt.datetime(2026, 6, 17, 10, 0)
CLINICS = [
    (1, "Riverside Family Practice", "Porto", dt.date(2019, 3, 1)),
    (2, "Santa Clara Health Centre", "Porto", dt.date(2020, 6, 15)),
    (3, "Lisbon Cardio Clinic", "Lisbon", dt.date(2018, 1, 10)),
    (4, "Alfama Medical", "Lisbon", dt.date(2022, 9, 1)),
    (5, "Braga Diabetes Unit", "Braga", dt.date(2021, 4, 20)),
    (6, "Coimbra Sports Medicine", "Coimbra", dt.date(2026, 5, 25)),
]
SILENT_CLINIC = 6
TESTS = [
    ("CBC", "Complete blood count", "Haematology", 18.00, 4),
    ("HBA1C", "Glycated haemoglobin", "Diabetes", 24.00, 24),
    ("GLU", "Fasting glucose", "Diabetes", 8.00, 4),
    ("LIPID", "Lipid panel", "Cardiac", 32.00, 24),
    ("TROP", "Troponin I", "Cardiac", 45.00, 2),
    ("TSH", "Thyroid stimulating hormone", "Endocrine", 22.00, 24),
    ("VITD", "Vitamin D", "Endocrine", 35.00, 48),
    ("CRP", "C-reactive protein", "Inflammation", 14.00, 4),
    ("FERR", "Ferritin", "Haematology", 19.00, 24),
    ("PSA", "Prostate specific antigen", "Oncology", 29.00, 48),
    ("B12", "Vitamin B12", "Endocrine", 27.00, 48),
]
NEVER_ORDERED = "B12"
TECHS = [
    (1, "Rui Almeida", "day"),
    (2, "Ines Duarte", "day"),
    (3, "Joao Pinto", "night"),
    (4, "Carla Reis", "night"),
    (5, "Tiago Lopes", "day"),
]
FIRST = ["Maria", "Ana", "Joao", "Pedro", "Sofia", "Miguel", "Beatriz", "Luis", "Rita", "Nuno"]
LAST = ["Silva", "Costa", "Ferreira", "Oliveira", "Martins", "Rocha", "Gomes", "Sousa"]
INSURERS = ["Medis", "Multicare", "AdvanceCare", None]
PANELS = {
    1: ["CBC", "LIPID", "TSH", "VITD", "GLU", "FERR", "PSA"],
    2: ["CBC", "CRP", "GLU", "TSH"],
    3: ["TROP", "LIPID", "CRP", "CBC"],
    4: ["CBC", "FERR", "VITD", "CRP"],
    5: ["HBA1C", "GLU", "LIPID"],
}

DDL = """
CREATE TABLE tblClin (ClinID INTEGER, ClinNm VARCHAR, CityNm VARCHAR, CntrctDt DATE);
CREATE TABLE tblPt (PtNo INTEGER, PtNm VARCHAR, BirthDt DATE, SexCd VARCHAR, InsCo VARCHAR);
CREATE TABLE tblTst (TstCd VARCHAR, TstDesc VARCHAR, PanelGrp VARCHAR, ListPx DECIMAL(6,2),
    TatHrs INTEGER);
CREATE TABLE tblTech (TechID INTEGER, TechNm VARCHAR, ShiftCd VARCHAR);
CREATE TABLE tblReq (ReqNo INTEGER, PtRef INTEGER, ClinRef INTEGER, DrawTs TIMESTAMP,
    ReqStat VARCHAR);
CREATE TABLE tblRes (ResID INTEGER, ReqRef INTEGER, TstCd VARCHAR, ResVal DOUBLE,
    AbnFlg VARCHAR, RptTs TIMESTAMP, VerBy INTEGER);
"""


def _patients(rng: random.Random) -> list[tuple[object, ...]]:
    names = [f"{f} {ln}" for f in FIRST for ln in LAST if (f, ln) != ("Maria", "Santos")]
    rng.shuffle(names)
    names = [*names[:58], "Maria Santos", "Maria Santos"]
    rows: list[tuple[object, ...]] = []
    for i, name in enumerate(names, start=1):
        born = dt.date(1940, 1, 1) + dt.timedelta(days=rng.randrange(25000))
        sex = "F" if name.split()[0] in {"Maria", "Ana", "Sofia", "Beatriz", "Rita"} else "M"
        rows.append((1000 + i, name, born, sex, rng.choice(INSURERS)))
    return rows


def _requisitions(
    rng: random.Random, patients: list[tuple[object, ...]]
) -> tuple[list[tuple[object, ...]], list[tuple[object, ...]]]:
    reqs: list[tuple[object, ...]] = []
    results: list[tuple[object, ...]] = []
    tat = {t[0]: t[4] for t in TESTS}
    start = dt.datetime(2025, 9, 1, 7, 0)
    rid = 0
    for req in range(1, 221):
        clinic = rng.choices([1, 2, 3, 4, 5], weights=[30, 20, 20, 12, 18])[0]
        drawn = start + dt.timedelta(days=rng.randrange(289), minutes=rng.randrange(540))
        patient = rng.choice(patients)[0]
        status = "CANCELLED" if rng.random() < 0.05 else "COLLECTED"
        tests = [] if status == "CANCELLED" else rng.sample(PANELS[clinic], 1 + rng.randrange(3))
        for code in tests:
            rid += 1
            reported = drawn + dt.timedelta(hours=rng.randrange(1, tat[code] + 12))
            pending = reported > NOW
            value = round(rng.uniform(0.5, 150.0), 2)
            flag = rng.choices(["H", "L", None], weights=[15, 8, 77])[0]
            tech = None if pending else rng.randrange(1, 6)
            results.append(
                (
                    rid,
                    req,
                    code,
                    None if pending else value,
                    None if pending else flag,
                    None if pending else reported,
                    tech,
                )
            )
        if tests and any(r[5] is None for r in results if r[1] == req):
            status = "IN_PROGRESS"
        elif tests:
            status = "REPORTED"
        reqs.append((req, patient, clinic, drawn, status))
    for req, patient, clinic, day in [(221, 1003, 3, 19), (222, 1020, 5, 23), (223, 1059, 1, 30)]:
        reqs.append((req, patient, clinic, dt.datetime(2026, 6, day, 8, 0), "SCHEDULED"))
    return reqs, results


def build(path: str) -> None:
    rng = random.Random(4104)
    patients = _patients(rng)
    reqs, results = _requisitions(rng, patients)
    con = duckdb.connect(path)
    try:
        con.execute(DDL)
        _insert(con, "tblClin", CLINICS)
        _insert(con, "tblPt", patients)
        _insert(con, "tblTst", TESTS)
        _insert(con, "tblTech", TECHS)
        _insert(con, "tblReq", reqs)
        _insert(con, "tblRes", results)
    finally:
        con.close()
