# ruff: noqa: E501
"""University dataset (held out): schools, instructors, courses, students, enrollments.

Deterministic, generated in SQL, with declared primary and foreign keys so schema introspection
(and so the bootstrapped layer) sees the joins.
"""

from __future__ import annotations

import duckdb


def build(path: str) -> None:
    """Create the DuckDB file at `path` (16,000 enrollments)."""
    con = duckdb.connect(path)
    con.execute("""
    CREATE TABLE schools (id INTEGER PRIMARY KEY, school_name VARCHAR, campus VARCHAR);
    INSERT INTO schools VALUES
      (1, 'School of Engineering', 'North Campus'), (2, 'School of Business', 'City Campus'),
      (3, 'School of Humanities', 'City Campus'), (4, 'School of Science', 'North Campus'),
      (5, 'School of Nursing', 'Riverside Campus');
    CREATE TABLE instructors (
      id INTEGER PRIMARY KEY, instructor_name VARCHAR, school_id INTEGER REFERENCES schools(id),
      academic_rank VARCHAR, tenured BOOLEAN);
    INSERT INTO instructors SELECT
      i, ['Ada Byrne', 'Tomas Reyes', 'Mei Chen', 'Kwame Asante', 'Ines Duarte', 'Lars Holm', 'Priya Rao', 'Omar Farouk',
          'Greta Lind', 'Hugo Petit', 'Sana Malik', 'Jonas Weber', 'Leila Haddad', 'Rui Santos', 'Nora Kelly',
          'Ivan Petrov', 'Aiko Mori', 'Felix Braun', 'Zara Ali', 'Marco Bianchi'][i],
      1 + (i * 3) % 5,
      ['Lecturer', 'Assistant Professor', 'Associate Professor', 'Professor'][1 + (i * 7) % 4],
      (i * 7) % 4 >= 2
    FROM range(1, 21) r(i);
    CREATE TABLE courses (
      id INTEGER PRIMARY KEY, course_code VARCHAR, course_name VARCHAR, school_id INTEGER REFERENCES schools(id),
      instructor_id INTEGER REFERENCES instructors(id), credits INTEGER, level VARCHAR, delivery_mode VARCHAR);
    INSERT INTO courses SELECT
      i, ['ENG', 'BUS', 'HUM', 'SCI', 'NUR'][1 + (i - 1) % 5] || (100 + i * 7),
      ['Calculus', 'Accounting', 'Philosophy', 'Chemistry', 'Anatomy', 'Statics', 'Marketing', 'History',
       'Biology', 'Pharmacology', 'Circuits', 'Finance', 'Literature', 'Physics', 'Ethics', 'Thermodynamics',
       'Economics', 'Linguistics', 'Genetics', 'Microbiology', 'Robotics', 'Management', 'Art History', 'Astronomy',
       'Public Health', 'Data Structures', 'Statistics', 'Sociology', 'Geology', 'Nutrition'][i],
      1 + (i - 1) % 5, 1 + (i * 7) % 20,
      [3, 3, 4, 6, 2][1 + (i * 3) % 5],
      ['Undergraduate', 'Undergraduate', 'Graduate'][1 + (i * 5) % 3],
      ['On-campus', 'On-campus', 'Online', 'Hybrid'][1 + (i * 11) % 4]
    FROM range(1, 31) r(i);
    CREATE TABLE students (
      id INTEGER PRIMARY KEY, student_name VARCHAR, major VARCHAR, home_country VARCHAR, gender VARCHAR,
      residency VARCHAR, scholarship BOOLEAN, admitted_on DATE);
    INSERT INTO students SELECT
      i, 'Student ' || i,
      ['Computer Science', 'Economics', 'Nursing', 'Mechanical Engineering', 'History', 'Biology', 'Finance'][1 + (i * 3) % 7],
      ['United States', 'United States', 'United States', 'India', 'China', 'Nigeria', 'Germany', 'Brazil', 'Canada'][1 + (i * 7) % 9],
      ['Female', 'Male', 'Female', 'Male', 'Non-binary'][1 + (i * 11) % 5],
      'Domestic',
      (i * 13) % 5 = 0,
      DATE '2019-08-15' + INTERVAL (CAST(365 * ((i * 7) % 6) + (i % 20) AS INTEGER)) DAY
    FROM range(1, 1501) r(i);
    UPDATE students SET residency = 'International' WHERE home_country <> 'United States';
    CREATE TABLE enrollments (
      id INTEGER PRIMARY KEY, student_id INTEGER REFERENCES students(id), course_id INTEGER REFERENCES courses(id),
      enrolled_on DATE, term VARCHAR, status VARCHAR, letter_grade VARCHAR, grade_points DECIMAL(3, 2),
      tuition_fee DECIMAL(10, 2), attendance_rate DECIMAL(5, 2));
    INSERT INTO enrollments SELECT
      i, 1 + (i * 17) % 1500, 1 + CAST(floor(30 * pow(((i * 7919) % 10007) / 10007.0, 1.3)) AS INTEGER),
      DATE '2022-08-20' + INTERVAL (CAST((i * 37) % 1230 AS INTEGER)) DAY,
      ['Fall', 'Fall', 'Spring', 'Spring', 'Summer'][1 + (i * 3) % 5],
      ['Completed', 'Completed', 'Completed', 'Completed', 'Withdrawn', 'In Progress'][1 + (i * 13) % 6],
      NULL, NULL,
      CAST(900 + ((i * 7919) % 240000) / 100.0 AS DECIMAL(10, 2)),
      CAST(55 + ((i * 31) % 4500) / 100.0 AS DECIMAL(5, 2))
    FROM range(1, 16001) r(i);
    UPDATE enrollments SET
      letter_grade = ['A', 'A', 'B', 'B', 'B', 'C', 'C', 'D', 'F'][1 + (id * 5) % 9],
      grade_points = [4.0, 4.0, 3.0, 3.0, 3.0, 2.0, 2.0, 1.0, 0.0][1 + (id * 5) % 9]
    WHERE status = 'Completed';
    """)
    con.close()
