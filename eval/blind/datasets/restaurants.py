# ruff: noqa: E501
"""Restaurant chain dataset (blind): restaurants, menu items, orders, order lines, staff, shifts.

Deterministic, generated in SQL, with declared primary and foreign keys. An order's total is the
sum of its lines; shifts name the restaurant worked at (usually the staff member's own).
"""

from __future__ import annotations

import duckdb


def build(path: str) -> None:
    """Create the DuckDB file at `path` (12,000 orders, 20,000 order lines, 9,000 shifts)."""
    con = duckdb.connect(path)
    con.execute("""
    CREATE TABLE restaurants (
      restaurant_id INTEGER PRIMARY KEY, restaurant_name VARCHAR, city VARCHAR, region VARCHAR,
      format VARCHAR, opened_on DATE, has_terrace BOOLEAN);
    INSERT INTO restaurants VALUES
      (1, 'Old Town', 'Edinburgh', 'Scotland', 'Flagship', DATE '2015-04-01', true),
      (2, 'Castle Yard', 'Edinburgh', 'Scotland', 'Standard', DATE '2018-09-15', false),
      (3, 'Merchant City', 'Glasgow', 'Scotland', 'Standard', DATE '2017-03-10', false),
      (4, 'Kings Cross', 'London', 'London', 'Flagship', DATE '2014-11-20', true),
      (5, 'Shoreditch', 'London', 'London', 'Standard', DATE '2019-06-01', true),
      (6, 'Canal Wharf', 'London', 'London', 'Express', DATE '2022-02-14', false),
      (7, 'Deansgate', 'Manchester', 'North West', 'Flagship', DATE '2016-08-05', true),
      (8, 'Northern Quarter', 'Manchester', 'North West', 'Express', DATE '2021-10-01', false),
      (9, 'Albert Dock', 'Liverpool', 'North West', 'Standard', DATE '2018-05-12', true),
      (10, 'Bullring', 'Birmingham', 'Midlands', 'Standard', DATE '2017-12-01', false),
      (11, 'Jewellery Quarter', 'Birmingham', 'Midlands', 'Express', DATE '2023-01-20', false),
      (12, 'Headrow', 'Leeds', 'Yorkshire', 'Standard', DATE '2019-11-11', false),
      (13, 'Harbourside', 'Bristol', 'South West', 'Standard', DATE '2020-07-04', true),
      (14, 'Market Square', 'Nottingham', 'Midlands', 'Express', DATE '2023-09-01', false);
    CREATE TABLE menu_items (
      item_id INTEGER PRIMARY KEY, item_name VARCHAR, category VARCHAR, price DECIMAL(6, 2), is_vegetarian BOOLEAN);
    INSERT INTO menu_items VALUES
      (1, 'Classic Burger', 'Burgers', 11.50, false), (2, 'Cheeseburger', 'Burgers', 12.50, false),
      (3, 'Bacon Burger', 'Burgers', 13.50, false), (4, 'Veggie Burger', 'Burgers', 11.00, true),
      (5, 'Chicken Burger', 'Burgers', 12.00, false), (6, 'Margherita Pizza', 'Pizza', 10.00, true),
      (7, 'Pepperoni Pizza', 'Pizza', 12.00, false), (8, 'Four Cheese Pizza', 'Pizza', 12.50, true),
      (9, 'BBQ Chicken Pizza', 'Pizza', 13.00, false), (10, 'Caesar Salad', 'Salads', 9.50, false),
      (11, 'Greek Salad', 'Salads', 9.00, true), (12, 'Quinoa Bowl', 'Salads', 10.50, true),
      (13, 'Fries', 'Sides', 3.50, true), (14, 'Sweet Potato Fries', 'Sides', 4.00, true),
      (15, 'Onion Rings', 'Sides', 4.00, true), (16, 'Garlic Bread', 'Sides', 4.50, true),
      (17, 'Chicken Wings', 'Sides', 6.50, false), (18, 'Brownie', 'Desserts', 5.50, true),
      (19, 'Cheesecake', 'Desserts', 6.00, true), (20, 'Ice Cream', 'Desserts', 4.50, true),
      (21, 'Sticky Toffee Pudding', 'Desserts', 6.50, true), (22, 'Cola', 'Drinks', 2.80, true),
      (23, 'Lemonade', 'Drinks', 3.00, true), (24, 'Iced Tea', 'Drinks', 3.00, true),
      (25, 'Craft Beer', 'Drinks', 5.50, true), (26, 'House Wine', 'Drinks', 6.50, true),
      (27, 'Coffee', 'Drinks', 2.60, true), (28, 'Milkshake', 'Drinks', 4.80, true),
      (29, 'Fish & Chips', 'Mains', 14.00, false), (30, 'Steak Frites', 'Mains', 18.50, false),
      (31, 'Mushroom Risotto', 'Mains', 13.50, true);
    CREATE TEMP TABLE tmp_lines AS
    WITH l AS (
      SELECT i AS order_id, 1 AS n FROM range(1, 12001) r(i)
      UNION ALL SELECT i, 2 FROM range(1, 12001) r(i) WHERE i % 3 <> 0)
    SELECT row_number() OVER (ORDER BY order_id, n) AS line_id, order_id,
      1 + CAST(floor(31 * pow(((order_id * 7919 + n * 104729) % 10007) / 10007.0, 1.3)) AS INTEGER) AS item_id,
      1 + (order_id * 7 + n) % 3 AS quantity
    FROM l;
    CREATE TABLE orders (
      order_id INTEGER PRIMARY KEY, restaurant_id INTEGER REFERENCES restaurants(restaurant_id),
      ordered_at TIMESTAMP, order_type VARCHAR, payment_method VARCHAR, party_size INTEGER,
      total_amount DECIMAL(10, 2), tip_amount DECIMAL(10, 2));
    INSERT INTO orders
    WITH o AS (
      SELECT i,
        1 + CAST(floor(14 * pow(((i * 6007) % 10007) / 10007.0, 1.25)) AS INTEGER) AS restaurant_id,
        TIMESTAMP '2023-09-01 11:00:00' + INTERVAL (CAST((i * 53) % 705 AS INTEGER)) DAY
          + INTERVAL (CAST((i * 5) % 12 AS INTEGER)) HOUR + INTERVAL (CAST((i * 17) % 60 AS INTEGER)) MINUTE AS ts,
        ['Dine-in', 'Dine-in', 'Dine-in', 'Takeaway', 'Takeaway', 'Delivery', 'Delivery'][1 + (i * 3) % 7] AS ot
      FROM range(1, 12001) r(i)),
    t AS (SELECT l.order_id, sum(l.quantity * m.price) AS total FROM tmp_lines l JOIN menu_items m ON m.item_id = l.item_id GROUP BY 1)
    SELECT o.i, o.restaurant_id, o.ts, o.ot,
      ['Card', 'Card', 'Card', 'Card', 'Card', 'Card', 'Card', 'Card', 'Cash', 'Cash', 'Gift card',
       'Mobile pay', 'Mobile pay'][1 + (o.i * 11) % 13],
      CASE WHEN o.ot = 'Dine-in' THEN 1 + (o.i * 7) % 6 ELSE 1 + (o.i * 3) % 3 END,
      t.total,
      CASE WHEN o.ot = 'Dine-in' THEN CAST(round(t.total * ((o.i * 13) % 16) / 100.0, 2) AS DECIMAL(10, 2)) ELSE 0 END
    FROM o JOIN t ON t.order_id = o.i;
    CREATE TABLE order_lines (
      line_id INTEGER PRIMARY KEY, order_id INTEGER REFERENCES orders(order_id),
      item_id INTEGER REFERENCES menu_items(item_id), quantity INTEGER, unit_price DECIMAL(6, 2),
      line_amount DECIMAL(10, 2));
    INSERT INTO order_lines
    SELECT l.line_id, l.order_id, l.item_id, l.quantity, m.price, l.quantity * m.price
    FROM tmp_lines l JOIN menu_items m ON m.item_id = l.item_id;
    DROP TABLE tmp_lines;
    CREATE TABLE staff (
      staff_id INTEGER PRIMARY KEY, staff_name VARCHAR, restaurant_id INTEGER REFERENCES restaurants(restaurant_id),
      role VARCHAR, hourly_rate DECIMAL(6, 2), hired_on DATE);
    INSERT INTO staff SELECT
      i,
      ['Aisha', 'Callum', 'Dev', 'Eilidh', 'Fraser', 'Hannah', 'Imran', 'Jess', 'Kieran', 'Laura', 'Mo', 'Niamh',
       'Owen', 'Priya', 'Rory', 'Sophie', 'Tom', 'Zara'][1 + (i * 5) % 18] || ' ' ||
      ['Campbell', 'Khan', 'Patel', 'Murray', 'Evans', 'Hughes', 'Walker', 'Wright', 'Clarke', 'Reid', 'Shah'][1 + (i * 7) % 11]
        || ' ' || CAST(i AS VARCHAR),
      1 + i % 14,
      ['Server', 'Server', 'Server', 'Server', 'Chef', 'Chef', 'Chef', 'Manager', 'Host', 'Kitchen porter',
       'Server'][1 + (i * 3) % 11],
      0,
      DATE '2016-01-01' + INTERVAL (CAST((i * 97) % 3400 AS INTEGER)) DAY
    FROM range(1, 161) r(i);
    UPDATE staff SET hourly_rate = CASE role WHEN 'Manager' THEN 17.50 WHEN 'Chef' THEN 14.25
      WHEN 'Server' THEN 11.60 WHEN 'Host' THEN 11.90 ELSE 11.44 END + (staff_id % 4) * 0.25;
    CREATE TABLE shifts (
      shift_id INTEGER PRIMARY KEY, staff_id INTEGER REFERENCES staff(staff_id),
      restaurant_id INTEGER REFERENCES restaurants(restaurant_id), shift_date DATE, shift_type VARCHAR,
      hours_worked DECIMAL(4, 1), is_overtime BOOLEAN, pay DECIMAL(8, 2));
    INSERT INTO shifts
    WITH s AS (
      SELECT i, 1 + (i * 37) % 160 AS staff_id,
        ['Morning', 'Morning', 'Evening', 'Evening', 'Evening', 'Evening', 'Double', 'Double', 'Morning'][1 + (i * 7) % 9] AS st
      FROM range(1, 9001) r(i)),
    h AS (
      SELECT s.*, CASE s.st WHEN 'Morning' THEN 6.0 WHEN 'Evening' THEN 7.0 ELSE 10.5 END
        + ((s.i * 11) % 7 - 3) * 0.5 AS hrs
      FROM s)
    SELECT h.i, h.staff_id, CASE WHEN h.i % 10 = 0 THEN 1 + (h.i * 3) % 14 ELSE st.restaurant_id END,
      DATE '2023-09-01' + INTERVAL (CAST((h.i * 29) % 705 AS INTEGER)) DAY,
      h.st, h.hrs, h.hrs > 8, CAST(round(h.hrs * st.hourly_rate, 2) AS DECIMAL(8, 2))
    FROM h JOIN staff st ON st.staff_id = h.staff_id;
    """)
    con.close()
