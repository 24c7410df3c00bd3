"""Restaurant guide and bookings: Restaurant, Chef, MenuItem, Reservation and Inspection.
PascalCase names, no declared keys.

Two restaurants are both called "Luigi's" (different cities); two restaurants tie on the highest
rating. Reservations run up to two weeks after the eval's now (2026-06-17 10:00).
"""

from __future__ import annotations

import datetime as dt
import random

import duckdb

from nexatron.evaluation.datagen import insert_rows as _insert

NOW = dt.datetime(2026, 6, 17, 10, 0)
RESTAURANTS = [
    (1, "Luigi's", "Chicago", "Italian", 2, 4.4, 2008, 60),
    (2, "Luigi's", "Boston", "Italian", 3, 4.1, 2016, 85),
    (3, "Sakura Garden", "Chicago", "Japanese", 3, 4.7, 2012, 40),
    (4, "El Camino", "Austin", "Mexican", 1, 4.2, 2019, 120),
    (5, "Le Petit Bistro", "Boston", "French", 4, 4.7, 2005, 35),
    (6, "Spice Route", "Austin", "Indian", 2, 4.5, 2014, 70),
    (7, "The Smokehouse", "Austin", "BBQ", 2, 3.9, 2020, 150),
    (8, "Golden Dragon", "Chicago", "Chinese", 1, 3.8, 1998, 90),
    (9, "Olive & Fig", "Boston", "Mediterranean", 3, 4.3, 2021, 55),
    (10, "Noodle Bar 88", "Seattle", "Japanese", 1, 4.0, 2023, 30),
    (11, "Harbor Oyster House", "Seattle", "Seafood", 4, 4.6, 2011, 80),
    (12, "Verde", "Seattle", "Vegan", 2, 4.2, 2026, 45),
]
CHEFS = [
    (1, "Marco Bellini", 1, 1999),
    (2, "Giulia Conti", 2, 2010),
    (3, "Kenji Watanabe", 3, 2005),
    (4, "Rosa Delgado", 4, 2012),
    (5, "Claire Fontaine", 5, 1995),
    (6, "Arjun Mehta", 6, 2008),
    (7, "Bo Jenkins", 7, 2015),
    (8, "Wei Zhang", 8, 1990),
    (9, "Nadia Haddad", 9, 2014),
    (10, "Yuki Tanaka", 10, 2018),
    (11, "Sean O'Malley", 11, 2003),
]
DISHES = {
    "Italian": ["Margherita Pizza", "Lasagna", "Tiramisu", "Risotto"],
    "Japanese": ["Salmon Nigiri", "Tonkotsu Ramen", "Miso Soup", "Tempura"],
    "Mexican": ["Tacos al Pastor", "Guacamole", "Churros", "Enchiladas"],
    "French": ["Coq au Vin", "Creme Brulee", "French Onion Soup", "Duck Confit"],
    "Indian": ["Butter Chicken", "Lamb Biryani", "Garlic Naan", "Mango Lassi"],
    "BBQ": ["Brisket Plate", "Pulled Pork", "Mac and Cheese", "Cornbread"],
    "Chinese": ["Kung Pao Chicken", "Dumplings", "Fried Rice", "Mapo Tofu"],
    "Mediterranean": ["Falafel Plate", "Hummus", "Grilled Octopus", "Baklava"],
    "Seafood": ["Oysters (6)", "Lobster Roll", "Clam Chowder", "Grilled Salmon"],
    "Vegan": ["Buddha Bowl", "Jackfruit Tacos", "Vegan Brownie", "Green Smoothie"],
}
NAMES = [
    "Smith",
    "Garcia",
    "Johnson",
    "Lee",
    "Brown",
    "Nguyen",
    "Patel",
    "Cohen",
    "Rossi",
    "Kim",
    "Lopez",
    "Walker",
]

DDL = """
CREATE TABLE Restaurant (RestaurantId INTEGER, Name VARCHAR, City VARCHAR, Cuisine VARCHAR,
  PriceLevel INTEGER, Rating DOUBLE, OpenedYear INTEGER, Seats INTEGER);
CREATE TABLE Chef (ChefId INTEGER, ChefName VARCHAR, RestaurantId INTEGER,
  CareerStartYear INTEGER);
CREATE TABLE MenuItem (MenuItemId INTEGER, RestaurantId INTEGER, DishName VARCHAR,
  Price DECIMAL(6, 2), IsVegetarian BOOLEAN, Calories INTEGER);
CREATE TABLE Reservation (ReservationId INTEGER, RestaurantId INTEGER, GuestName VARCHAR,
  PartySize INTEGER, ReservedFor TIMESTAMP, CreatedAt TIMESTAMP, Status VARCHAR);
CREATE TABLE Inspection (InspectionId INTEGER, RestaurantId INTEGER, InspectedOn DATE,
  Score INTEGER, Outcome VARCHAR);
"""


def build(path: str) -> None:
    """Create the DuckDB file at `path`."""
    rng = random.Random(1616)
    items = []
    for r in RESTAURANTS:
        for dish in DISHES[r[3]]:
            veg = (
                dish
                in (
                    "Margherita Pizza",
                    "Risotto",
                    "Tiramisu",
                    "Miso Soup",
                    "Guacamole",
                    "Churros",
                    "Creme Brulee",
                    "Garlic Naan",
                    "Mango Lassi",
                    "Hummus",
                    "Falafel Plate",
                    "Baklava",
                    "Mac and Cheese",
                    "Cornbread",
                )
                or r[3] == "Vegan"
            )
            items.append(
                (
                    len(items) + 1,
                    r[0],
                    dish,
                    round(rng.uniform(5, 14) * (0.7 + 0.45 * r[4]), 2),
                    veg,
                    rng.randint(180, 1200),
                )
            )
    res = []
    weights = [6, 4, 5, 7, 3, 5, 6, 4, 3, 2, 4, 0]  # Verde (opened 2026) has no bookings yet
    for i in range(1, 2601):
        r = rng.choices(RESTAURANTS, weights)[0]
        day = NOW.date() - dt.timedelta(days=int(480 * rng.random() ** 1.3) - 14)
        at = dt.datetime.combine(
            day, dt.time(rng.choice([12, 13, 18, 19, 20, 21]), rng.choice([0, 15, 30, 45]))
        )
        created = at - dt.timedelta(hours=rng.randint(2, 24 * 30))
        if created > NOW:
            created = NOW - dt.timedelta(hours=rng.randint(1, 72))
        status = (
            "Booked"
            if at > NOW
            else rng.choices(["Seated", "Cancelled", "No-show"], [85, 11, 4])[0]
        )
        res.append(
            (
                i,
                r[0],
                f"{rng.choice(NAMES)}",
                rng.choices(range(1, 11), [2, 10, 4, 6, 2, 2, 1, 1, 0.5, 0.5])[0],
                at,
                created,
                status,
            )
        )
    insp = []
    for r in RESTAURANTS:
        day = dt.date(max(r[6], 2022), 3, 1)
        while day < NOW.date():
            score = rng.randint(68, 100)
            insp.append(
                (
                    len(insp) + 1,
                    r[0],
                    day,
                    score,
                    "Pass" if score >= 80 else "Conditional" if score >= 70 else "Fail",
                )
            )
            day += dt.timedelta(days=rng.randint(120, 220))
    con = duckdb.connect(path)
    try:
        con.execute(DDL)
        _insert(con, "Restaurant", RESTAURANTS)
        _insert(con, "Chef", CHEFS)
        _insert(con, "MenuItem", items)
        _insert(con, "Reservation", res)
        _insert(con, "Inspection", insp)
    finally:
        con.close()
