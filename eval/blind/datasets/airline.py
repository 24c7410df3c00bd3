# ruff: noqa: E501
"""Airline dataset (blind): airports, routes, flights, passengers, bookings.

Deterministic, generated in SQL, with declared primary and foreign keys. Routes reference their
origin airport by key; the destination is a plain code (no second key to the same table).
"""

from __future__ import annotations

import duckdb


def build(path: str) -> None:
    """Create the DuckDB file at `path` (7,000 flights, 18,000 bookings, 3,000 passengers)."""
    con = duckdb.connect(path)
    con.execute("""
    CREATE TABLE airports (
      airport_code VARCHAR PRIMARY KEY, airport_name VARCHAR, city VARCHAR, country VARCHAR, is_hub BOOLEAN);
    INSERT INTO airports VALUES
      ('FRA', 'Frankfurt Airport', 'Frankfurt', 'Germany', true),
      ('MUC', 'Munich Airport', 'Munich', 'Germany', true),
      ('LHR', 'London Heathrow', 'London', 'United Kingdom', true),
      ('MAN', 'Manchester Airport', 'Manchester', 'United Kingdom', false),
      ('CDG', 'Paris Charles de Gaulle', 'Paris', 'France', true),
      ('MAD', 'Madrid Barajas', 'Madrid', 'Spain', false),
      ('BCN', 'Barcelona El Prat', 'Barcelona', 'Spain', false),
      ('FCO', 'Rome Fiumicino', 'Rome', 'Italy', false),
      ('AMS', 'Amsterdam Schiphol', 'Amsterdam', 'Netherlands', true),
      ('JFK', 'New York JFK', 'New York', 'United States', true),
      ('DXB', 'Dubai International', 'Dubai', 'United Arab Emirates', false),
      ('NRT', 'Tokyo Narita', 'Tokyo', 'Japan', false);
    CREATE TABLE routes (
      route_id INTEGER PRIMARY KEY, route_name VARCHAR, origin_code VARCHAR REFERENCES airports(airport_code),
      destination_code VARCHAR, distance_km INTEGER, haul_type VARCHAR, is_international BOOLEAN);
    INSERT INTO routes
    WITH pairs AS (
      SELECT a.airport_code AS o, b.airport_code AS d, a.country <> b.country AS intl,
             row_number() OVER (ORDER BY a.airport_code, b.airport_code) AS rn
      FROM airports a, airports b WHERE a.airport_code <> b.airport_code),
    picked AS (SELECT *, row_number() OVER (ORDER BY rn) AS id FROM pairs WHERE (rn * 37) % 132 < 40)
    SELECT id, o || '-' || d, o, d, 350 + CAST((rn * 613) % 6500 AS INTEGER) AS km,
           CASE WHEN 350 + (rn * 613) % 6500 < 1500 THEN 'Short-haul'
                WHEN 350 + (rn * 613) % 6500 < 4000 THEN 'Medium-haul' ELSE 'Long-haul' END,
           intl
    FROM picked;
    CREATE TABLE flights (
      flight_id INTEGER PRIMARY KEY, flight_number VARCHAR, route_id INTEGER REFERENCES routes(route_id),
      scheduled_departure TIMESTAMP, actual_departure TIMESTAMP, delay_minutes INTEGER, cancelled BOOLEAN,
      aircraft_type VARCHAR, seats INTEGER);
    INSERT INTO flights
    WITH f AS (
      SELECT i,
        1 + CAST(floor(40 * pow(((i * 7919) % 10007) / 10007.0, 1.5)) AS INTEGER) AS route_id,
        TIMESTAMP '2024-01-01 06:00:00' + INTERVAL (CAST((i * 53) % 801 AS INTEGER)) DAY
          + INTERVAL (CAST((i * 7) % 16 AS INTEGER)) HOUR + INTERVAL (CAST(((i * 13) % 4) * 15 AS INTEGER)) MINUTE AS sched,
        (i * 31) % 29 = 0 AS cancelled,
        CASE WHEN (i * 17) % 23 = 0 THEN 90 + (i % 150) ELSE greatest(0, ((i * 89) % 97) - 45) END AS delay
      FROM range(1, 7001) r(i))
    SELECT f.i, 'NX' || CAST(100 + f.route_id * 7 + f.i % 3 AS VARCHAR), f.route_id, f.sched,
      CASE WHEN f.cancelled THEN NULL ELSE f.sched + INTERVAL (f.delay) MINUTE END,
      CASE WHEN f.cancelled THEN NULL ELSE f.delay END,
      f.cancelled,
      CASE WHEN r.haul_type = 'Long-haul' THEN ['B787-9', 'A350-900'][1 + f.i % 2]
           ELSE ['A320', 'A320', 'A321neo', 'B737-800'][1 + (f.i * 3) % 4] END AS ac,
      0
    FROM f JOIN routes r ON r.route_id = f.route_id;
    UPDATE flights SET seats = CASE aircraft_type WHEN 'A320' THEN 180 WHEN 'A321neo' THEN 220
      WHEN 'B737-800' THEN 189 WHEN 'B787-9' THEN 290 ELSE 325 END;
    CREATE TABLE passengers (
      passenger_id INTEGER PRIMARY KEY, full_name VARCHAR, loyalty_tier VARCHAR, country VARCHAR, signup_date DATE);
    INSERT INTO passengers SELECT
      i,
      ['Anna', 'Ben', 'Chloe', 'David', 'Elena', 'Felix', 'Grace', 'Hiro', 'Ines', 'Jonas', 'Kate', 'Luca',
       'Maria', 'Noah', 'Olga', 'Pierre', 'Quinn', 'Rosa', 'Sam', 'Tariq'][1 + (i * 7) % 20] || ' ' ||
      ['Schmidt', 'Smith', 'Martin', 'Garcia', 'Rossi', 'de Vries', 'Tanaka', 'Johnson', 'Muller', 'Brown',
       'Dubois', 'Lopez', 'Bianchi', 'Jansen', 'Sato', 'Williams', 'Weber', 'Taylor', 'Moreau', 'Fernandez',
       'Ricci', 'Bakker', 'Suzuki', 'Miller', 'Fischer'][1 + (i * 11) % 25],
      ['Basic', 'Basic', 'Basic', 'Basic', 'Silver', 'Silver', 'Gold', 'Platinum'][1 + (i * 13) % 8],
      ['Germany', 'Germany', 'United Kingdom', 'United Kingdom', 'France', 'Spain', 'Italy',
       'Netherlands', 'United States', 'United States', 'Canada', 'India', 'Brazil'][1 + (i * 5) % 13],
      DATE '2018-01-01' + INTERVAL (CAST((i * 131) % 2900 AS INTEGER)) DAY
    FROM range(1, 3001) r(i);
    CREATE TABLE bookings (
      booking_id INTEGER PRIMARY KEY, flight_id INTEGER REFERENCES flights(flight_id),
      passenger_id INTEGER REFERENCES passengers(passenger_id), booked_at TIMESTAMP, cabin_class VARCHAR,
      fare DECIMAL(10, 2), booking_channel VARCHAR, status VARCHAR, checked_bags INTEGER);
    INSERT INTO bookings
    WITH b AS (
      SELECT i,
        1 + (i * 3371) % 7000 AS flight_id,
        1 + CAST(floor(3000 * pow(((i * 7907) % 10007) / 10007.0, 1.2)) AS INTEGER) AS passenger_id,
        ['Economy', 'Economy', 'Economy', 'Economy', 'Economy', 'Economy', 'Premium Economy', 'Premium Economy',
         'Business', 'First'][1 + (i * 7) % 10] AS cabin,
        [1.0, 1.0, 1.0, 1.0, 1.0, 1.0, 1.6, 1.6, 3.5, 6.0][1 + (i * 7) % 10] AS mult
      FROM range(1, 18001) r(i))
    SELECT b.i, b.flight_id, b.passenger_id,
      f.scheduled_departure - INTERVAL (CAST(1 + (b.i * 29) % 120 AS INTEGER)) DAY - INTERVAL (CAST((b.i * 5) % 11 AS INTEGER)) HOUR,
      b.cabin,
      CAST(round((45 + r.distance_km * 0.07 + (b.i * 37) % 60) * b.mult, 2) AS DECIMAL(10, 2)),
      ['Website', 'Website', 'Website', 'Website', 'Mobile app', 'Mobile app', 'Mobile app', 'Mobile app',
       'Travel agent', 'Travel agent', 'Call centre', 'Call centre', 'Website'][1 + (b.i * 11) % 13],
      ['Confirmed', 'Confirmed', 'Confirmed', 'Confirmed', 'Confirmed', 'Confirmed', 'Confirmed', 'Confirmed',
       'Confirmed', 'Confirmed', 'Confirmed', 'Confirmed', 'Confirmed', 'Confirmed', 'Cancelled', 'Cancelled',
       'Refunded'][1 + (b.i * 3) % 17],
      [0, 0, 1, 1, 1, 2, 3][1 + (b.i * 5) % 7]
    FROM b JOIN flights f ON f.flight_id = b.flight_id JOIN routes r ON r.route_id = f.route_id;
    """)
    con.close()
