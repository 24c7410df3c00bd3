"""City zoo: enclosures, species, animals, keepers, feedings and transfers between enclosures
(PascalCase, declared keys).

Deterministic (seeded `random.Random`). Two animals are called "Luna" (a lioness and a snow
leopard); transfers point at enclosures twice (`FromEnclosureID`, `ToEnclosureID`), and some are
planned after the eval's now (2026-06-17); animals point at their mother (`MotherID` -> `Animal`,
NULL when unknown); `BornOn` is NULL for wild-born animals, `DepartedOn` NULL for animals still at
the zoo, and one animal only arrives after now; `QuantityKg` is NULL when a feeding was not
weighed. One enclosure opens after now and holds no animal, another has been emptied; one keeper
never logged a feeding and another has logged none in the past week.
"""

from __future__ import annotations

import datetime as dt
import random

import duckdb

from nexatron.evaluation.datagen import insert_rows as _insert

NOW = dt.datetime(2026, 6, 17, 10, 0)
# (id, name, zone, area m2, opened)
ENCLOSURES = [
    (1, "Savanna Plains", "Africa", 12000, dt.date(2005, 5, 1)),
    (2, "Lion Rock", "Africa", 3500, dt.date(2009, 4, 12)),
    (3, "Old Elephant House", "Africa", 2000, dt.date(1978, 6, 1)),
    (4, "Elephant Valley", "Africa", 9000, dt.date(2024, 3, 15)),
    (5, "Tiger Forest", "Asia Trail", 4200, dt.date(2011, 7, 1)),
    (6, "Himalaya Ridge", "Asia Trail", 2600, dt.date(2016, 5, 20)),
    (7, "Panda Garden", "Asia Trail", 1800, dt.date(2019, 9, 1)),
    (8, "Penguin Bay", "Polar Coast", 1500, dt.date(2013, 6, 1)),
    (9, "Seal Cove", "Polar Coast", 2200, dt.date(2013, 6, 1)),
    (10, "Arctic Tundra", "Polar Coast", 5000, dt.date(2026, 8, 1)),
]
# (id, common name, latin name, IUCN status, daily food kg)
SPECIES = [
    (1, "African Elephant", "Loxodonta africana", "EN", 150.0),
    (2, "Reticulated Giraffe", "Giraffa reticulata", "EN", 35.0),
    (3, "Plains Zebra", "Equus quagga", "NT", 12.0),
    (4, "Lion", "Panthera leo", "VU", 7.0),
    (5, "Sumatran Tiger", "Panthera tigris sumatrae", "CR", 6.0),
    (6, "Snow Leopard", "Panthera uncia", "VU", 2.5),
    (7, "Red Panda", "Ailurus fulgens", "EN", 1.5),
    (8, "Humboldt Penguin", "Spheniscus humboldti", "VU", 0.8),
    (9, "Harbour Seal", "Phoca vitulina", "LC", 5.0),
    (10, "Common Hippopotamus", "Hippopotamus amphibius", "VU", 35.0),
    (11, "Amur Leopard", "Panthera pardus orientalis", "CR", 2.0),
    (12, "Polar Bear", "Ursus maritimus", "VU", 12.0),
]
D = dt.date
# (id, name, species, enclosure, sex, born, arrived, mother, departed)
ANIMALS = [
    (1, "Tembo", 1, 4, "F", None, D(2010, 5, 3), None, None),
    (2, "Nala", 1, 4, "F", D(2012, 8, 9), D(2012, 8, 9), 1, None),
    (3, "Kibo", 1, 4, "M", D(2021, 2, 14), D(2021, 2, 14), 2, None),
    (4, "Zuri", 1, 4, "F", D(2024, 11, 30), D(2024, 11, 30), 2, None),
    (5, "Raha", 2, 1, "F", None, D(2015, 3, 1), None, None),
    (6, "Jabari", 2, 1, "M", D(2016, 6, 2), D(2019, 9, 10), None, None),
    (7, "Amani", 2, 1, "F", D(2022, 4, 18), D(2022, 4, 18), 5, None),
    (8, "Stripe", 3, 1, "M", D(2017, 3, 3), D(2018, 1, 20), None, None),
    (9, "Dot", 3, 1, "F", D(2018, 7, 7), D(2018, 7, 7), None, None),
    (10, "Zig", 3, 1, "F", D(2023, 5, 5), D(2023, 5, 5), 9, None),
    (11, "Zag", 3, 1, "M", D(2023, 5, 5), D(2023, 5, 5), 9, None),
    (12, "Simba", 4, 2, "M", D(2014, 9, 1), D(2016, 2, 1), None, None),
    (13, "Luna", 4, 2, "F", D(2015, 1, 20), D(2016, 2, 1), None, None),
    (14, "Kiara", 4, 2, "F", D(2022, 3, 12), D(2022, 3, 12), 13, None),
    (15, "Sahar", 4, 2, "F", D(2008, 6, 6), D(2010, 4, 4), None, D(2025, 10, 2)),
    (16, "Raja", 5, 5, "M", D(2013, 10, 10), D(2015, 6, 1), None, None),
    (17, "Sari", 5, 5, "F", D(2016, 12, 1), D(2018, 3, 3), None, None),
    (18, "Bima", 5, 5, "M", D(2024, 7, 7), D(2024, 7, 7), 17, None),
    (19, "Luna", 6, 6, "F", D(2019, 4, 2), D(2021, 10, 5), None, None),
    (20, "Everest", 6, 6, "M", D(2017, 5, 30), D(2020, 2, 2), None, None),
    (21, "Momo", 7, 7, "F", D(2020, 6, 16), D(2021, 4, 1), None, None),
    (22, "Kanchi", 7, 7, "F", D(2025, 6, 20), D(2025, 6, 20), 21, None),
    (23, "Tofu", 7, 7, "M", D(2018, 8, 8), D(2019, 9, 1), None, D(2026, 1, 15)),
    (24, "Pingu", 8, 8, "M", D(2016, 1, 1), D(2016, 1, 1), None, None),
    (25, "Flap", 8, 8, "F", D(2017, 2, 2), D(2017, 2, 2), None, None),
    (26, "Waddle", 8, 8, "M", D(2019, 3, 3), D(2019, 3, 3), 25, None),
    (27, "Splash", 8, 8, "F", D(2021, 4, 4), D(2021, 4, 4), 25, None),
    (28, "Pebble", 8, 8, "F", D(2025, 1, 9), D(2025, 1, 9), 27, None),
    (29, "Nemo", 9, 9, "M", None, D(2014, 8, 1), None, None),
    (30, "Selma", 9, 9, "F", None, D(2014, 8, 1), None, None),
    (31, "Bubbles", 9, 9, "F", D(2020, 7, 1), D(2020, 7, 1), 30, None),
    (32, "Gloria", 10, 3, "F", D(2005, 2, 2), D(2009, 5, 5), None, D(2024, 6, 30)),
    (33, "Bertha", 10, 3, "F", D(2001, 1, 1), D(2003, 3, 3), None, D(2025, 2, 1)),
    (34, "Kaya", 11, 6, "F", D(2020, 11, 11), D(2025, 4, 22), None, None),
    (35, "Sasha", 11, 6, "M", D(2019, 1, 5), D(2025, 9, 3), None, None),
    (36, "Orso", 12, 9, "M", D(2012, 12, 12), D(2026, 7, 20), None, None),
]
# (id, name, hired)
KEEPERS = [
    (1, "Grace Okafor", D(2006, 3, 1)),
    (2, "Tom Lindqvist", D(2011, 5, 15)),
    (3, "Priya Raman", D(2014, 9, 1)),
    (4, "Marco Bianchi", D(2017, 2, 1)),
    (5, "Hana Sato", D(2019, 6, 10)),
    (6, "Ollie Grant", D(2022, 4, 4)),
    (7, "Ruth Abebe", D(2023, 8, 21)),
    (8, "Jake Moreno", D(2026, 6, 15)),
]
# (id, animal, from enclosure, to enclosure, moved on)
TRANSFERS = [
    (1, 1, 3, 4, D(2024, 3, 20)),
    (2, 2, 3, 4, D(2024, 3, 20)),
    (3, 3, 3, 4, D(2024, 3, 21)),
    (4, 13, 1, 2, D(2016, 3, 1)),
    (5, 13, 2, 1, D(2019, 5, 5)),
    (6, 13, 1, 2, D(2019, 9, 9)),
    (7, 19, 5, 6, D(2021, 11, 1)),
    (8, 19, 6, 5, D(2023, 2, 2)),
    (9, 19, 5, 6, D(2023, 6, 6)),
    (10, 12, 1, 2, D(2016, 3, 1)),
    (11, 12, 2, 1, D(2019, 5, 5)),
    (12, 12, 1, 2, D(2019, 9, 9)),
    (13, 12, 2, 1, D(2025, 4, 4)),
    (14, 12, 1, 2, D(2025, 5, 1)),
    (15, 21, 6, 7, D(2021, 5, 1)),
    (16, 29, 9, 8, D(2026, 7, 2)),
    (17, 24, 8, 9, D(2026, 7, 10)),
    (18, 36, 9, 10, D(2026, 8, 3)),
    (19, 34, 5, 6, D(2025, 5, 1)),
    (20, 35, 5, 6, D(2025, 9, 10)),
]


ALL_KEEPERS = [1, 2, 3, 4, 5, 6, 7]  # Jake Moreno (8) never fed an animal
LAST_WEEK_KEEPERS = [1, 2, 3, 4, 6]  # Hana Sato and Ruth Abebe are away since 10 June


def _feedings(rng: random.Random) -> list[tuple[object, ...]]:
    here = [a for a in ANIMALS if a[8] is None and a[6] <= NOW.date()]
    food = {s[0]: s[4] for s in SPECIES}
    rows: list[tuple[object, ...]] = []
    day = dt.date(2026, 4, 1)
    while day <= NOW.date():
        for _ in range(4):
            animal = rng.choice(here)
            on_duty = ALL_KEEPERS if day < dt.date(2026, 6, 10) else LAST_WEEK_KEEPERS
            keeper = rng.choice(on_duty)
            at = dt.datetime.combine(day, dt.time(rng.randint(7, 9), rng.choice([0, 15, 30, 45])))
            kg = round(food[animal[2]] * rng.uniform(0.3, 0.6), 1)
            rows.append((len(rows) + 1, animal[0], keeper, at, None if rng.random() < 0.06 else kg))
        day += dt.timedelta(days=1)
    return rows


DDL = """
CREATE TABLE Enclosure (EnclosureID INTEGER PRIMARY KEY, EnclosureName VARCHAR, Zone VARCHAR,
  AreaSqm INTEGER, OpenedOn DATE);
CREATE TABLE Species (SpeciesID INTEGER PRIMARY KEY, CommonName VARCHAR, LatinName VARCHAR,
  IucnStatus VARCHAR, DailyFoodKg DECIMAL(6,1));
CREATE TABLE Animal (AnimalID INTEGER PRIMARY KEY, Name VARCHAR,
  SpeciesID INTEGER REFERENCES Species(SpeciesID),
  EnclosureID INTEGER REFERENCES Enclosure(EnclosureID), Sex VARCHAR, BornOn DATE,
  ArrivedOn DATE, MotherID INTEGER REFERENCES Animal(AnimalID), DepartedOn DATE);
CREATE TABLE Keeper (KeeperID INTEGER PRIMARY KEY, FullName VARCHAR, HiredOn DATE);
CREATE TABLE Feeding (FeedingID INTEGER PRIMARY KEY, AnimalID INTEGER REFERENCES Animal(AnimalID),
  KeeperID INTEGER REFERENCES Keeper(KeeperID), FedAt TIMESTAMP, QuantityKg DECIMAL(6,1));
CREATE TABLE Transfer (TransferID INTEGER PRIMARY KEY,
  AnimalID INTEGER REFERENCES Animal(AnimalID),
  FromEnclosureID INTEGER REFERENCES Enclosure(EnclosureID),
  ToEnclosureID INTEGER REFERENCES Enclosure(EnclosureID), MovedOn DATE);
"""


def build(path: str) -> None:
    rng = random.Random(5102)
    con = duckdb.connect(path)
    try:
        con.execute(DDL)
        _insert(con, "Enclosure", ENCLOSURES)
        _insert(con, "Species", SPECIES)
        _insert(con, "Animal", [a for a in ANIMALS if a[7] is None])
        for depth in (0, 1, 2):
            born_here = [a for a in ANIMALS if a[7] is not None and _depth(a) == depth]
            _insert(con, "Animal", born_here)
        _insert(con, "Keeper", KEEPERS)
        _insert(con, "Feeding", _feedings(rng))
        _insert(con, "Transfer", TRANSFERS)
    finally:
        con.close()


def _depth(animal: tuple[object, ...]) -> int:
    """How many known mothers sit above this animal's mother (0 = her mother is unknown)."""
    by_id = {a[0]: a for a in ANIMALS}
    depth = 0
    mother = by_id[animal[7]]
    while mother[7] is not None:
        depth += 1
        mother = by_id[mother[7]]
    return depth
