# ruff: noqa: E501
"""Clinic dataset (held out): departments, doctors, patients, appointments, prescriptions.

Deterministic, generated in SQL, with declared primary and foreign keys so schema introspection
(and so the bootstrapped layer) sees the joins.
"""

from __future__ import annotations

import duckdb


def build(path: str) -> None:
    """Create the DuckDB file at `path` (15,000 appointments, 6,000 prescriptions)."""
    con = duckdb.connect(path)
    con.execute("""
    CREATE TABLE departments (id INTEGER PRIMARY KEY, department_name VARCHAR, building VARCHAR);
    INSERT INTO departments VALUES
      (1, 'Cardiology', 'North Wing'), (2, 'Pediatrics', 'South Wing'), (3, 'Orthopedics', 'North Wing'),
      (4, 'Dermatology', 'Main Building'), (5, 'Neurology', 'Main Building'), (6, 'General Medicine', 'South Wing');
    CREATE TABLE doctors (
      id INTEGER PRIMARY KEY, doctor_name VARCHAR, department_id INTEGER REFERENCES departments(id),
      seniority VARCHAR, hire_date DATE);
    INSERT INTO doctors SELECT
      i, 'Dr. ' || ['Okafor', 'Lindqvist', 'Moreau', 'Tanaka', 'Alvarez', 'Kowalski', 'Haddad', 'Brennan', 'Ivanova', 'Mensah',
                     'Rossi', 'Nakamura', 'Schmidt', 'Patel', 'Dubois', 'Fischer', 'Costa', 'Nguyen', 'Larsen', 'Oduya',
                     'Weber', 'Silva', 'Murphy', 'Sato', 'Novak', 'Horvat', 'Ahmed', 'Quinn', 'Berg', 'Walsh'][i],
      1 + (i * 7) % 6,
      ['Resident', 'Attending', 'Attending', 'Consultant'][1 + (i * 5) % 4],
      DATE '2010-01-01' + INTERVAL (CAST((i * 397) % 5000 AS INTEGER)) DAY
    FROM range(1, 31) r(i);
    CREATE TABLE patients (
      id INTEGER PRIMARY KEY, patient_name VARCHAR, sex VARCHAR, city VARCHAR, insurance_type VARCHAR,
      birth_date DATE, registered_on DATE);
    INSERT INTO patients SELECT
      i, 'Patient ' || i, ['Female', 'Male'][1 + (i * 3) % 2],
      ['Springfield', 'Springfield', 'Springfield', 'Riverton', 'Riverton', 'Lakeside', 'Hillview', 'Hillview', 'Oakdale'][1 + (i * 7) % 9],
      ['Private', 'Private', 'Medicare', 'Medicaid', 'Uninsured'][1 + (i * 11) % 5],
      DATE '1940-01-01' + INTERVAL (CAST((i * 7919) % 29000 AS INTEGER)) DAY,
      DATE '2020-01-01' + INTERVAL (CAST((i * 131) % 2100 AS INTEGER)) DAY
    FROM range(1, 2001) r(i);
    CREATE TABLE appointments (
      id INTEGER PRIMARY KEY, patient_id INTEGER REFERENCES patients(id), doctor_id INTEGER REFERENCES doctors(id),
      appointment_date TIMESTAMP, status VARCHAR, visit_type VARCHAR, fee DECIMAL(10, 2),
      duration_minutes INTEGER, wait_minutes INTEGER);
    INSERT INTO appointments SELECT
      i, 1 + (i * 13) % 2000, 1 + CAST(floor(30 * pow(((i * 7919) % 10007) / 10007.0, 1.3)) AS INTEGER),
      TIMESTAMP '2023-06-01 08:00:00' + INTERVAL (CAST((i * 61) % 900 AS INTEGER)) DAY + INTERVAL ((i * 7) % 9) HOUR,
      ['Completed', 'Completed', 'Completed', 'Completed', 'Completed', 'Cancelled', 'No-show', 'Scheduled'][1 + (i * 19) % 8],
      ['In-person', 'In-person', 'Telehealth'][1 + (i * 23) % 3],
      CAST(40 + ((i * 104729) % 30000) / 100.0 AS DECIMAL(10, 2)),
      10 + (i * 29) % 51,
      (i * 31) % 91
    FROM range(1, 15001) r(i);
    CREATE TABLE prescriptions (
      id INTEGER PRIMARY KEY, appointment_id INTEGER REFERENCES appointments(id), medication VARCHAR,
      drug_class VARCHAR, quantity INTEGER, refills INTEGER, cost DECIMAL(10, 2), prescribed_on DATE);
    INSERT INTO prescriptions SELECT
      i, a.id,
      ['Amoxicillin', 'Ibuprofen', 'Lisinopril', 'Metformin', 'Atorvastatin', 'Sertraline', 'Omeprazole', 'Albuterol'][k],
      ['Antibiotic', 'Analgesic', 'Antihypertensive', 'Antidiabetic', 'Statin', 'Antidepressant', 'Antacid', 'Bronchodilator'][k],
      10 + (i * 7) % 81, (i * 3) % 4,
      CAST(3 + ((i * 7907) % 12000) / 100.0 AS DECIMAL(10, 2)),
      CAST(a.appointment_date AS DATE)
    FROM (SELECT i, 1 + CAST(floor(8 * pow(((i * 7907) % 10007) / 10007.0, 1.4)) AS INTEGER) AS k FROM range(1, 6001) r(i)) r
    JOIN appointments a ON a.id = 1 + (i * 37) % 15000;
    """)
    con.close()
