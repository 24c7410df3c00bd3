"""Names bootstrap reads from identifiers: word splits, abbreviations, shared prefixes, plurals."""

from __future__ import annotations

import pytest

from nexatron.semantic.abbreviations import expand
from nexatron.semantic.naming import (
    Vocabulary,
    entity_names,
    entity_words,
    plural,
    readable_words,
    shared_prefix,
    singular,
    words,
)


@pytest.mark.parametrize(
    ("name", "expected"),
    [
        ("acTxnStatus", ["ac", "txn", "status"]),
        ("HTTPCode", ["http", "code"]),
        ("order_date", ["order", "date"]),
        ("HighSchooler", ["high", "schooler"]),
        ("crm.Customer_ID", ["customer", "id"]),
    ],
)
def test_words_split_camel_pascal_and_snake_case(name: str, expected: list[str]) -> None:
    assert words(name) == expected


def test_abbreviations_expand_whole_words_only() -> None:
    assert readable_words("txnAmt") == ["transaction", "amount"]
    assert readable_words("cust_addr") == ["customer", "address"]
    assert readable_words("custNo") == ["customer", "number"]
    assert readable_words("no_show") == ["no", "show"]  # "no" is a number only at the end
    assert readable_words("category") == ["category"]  # not "cat" + egory
    assert expand(["qty", "pct", "dt"]) == ["quantity", "percent", "date"]


def test_shared_prefix_is_dropped_from_entities() -> None:
    names = ["acTransaction", "acCustomer", "acTxnStatus"]
    assert shared_prefix(names) == "ac"
    assert entity_words("acTxnStatus", "ac") == ["transaction", "status"]
    assert entity_words("acTransaction", "ac") == ["transaction"]
    assert shared_prefix(["orders", "order_items"]) is None  # not every name has more words
    assert shared_prefix(["customer_orders", "customer_notes"]) is None  # a word, not a prefix
    assert entity_words("tbl_Customers", None) == ["customer"]
    assert entity_words("HighSchooler", None) == ["high", "schooler"]


@pytest.mark.parametrize(
    ("one", "many"),
    [
        ("high schooler", "high schoolers"),
        ("category", "categories"),
        ("status", "statuses"),
        ("box", "boxes"),
        ("person", "people"),
        ("day", "days"),
    ],
)
def test_plural_and_singular(one: str, many: str) -> None:
    assert plural(one) == many
    assert singular(many.split()[-1]) == one.split()[-1]


def test_a_schema_reads_its_own_short_forms_of_its_table_names() -> None:
    tables = ["shpBooking", "shpVoyage", "shpVessel", "shpShipper", "shpPort"]
    vocabulary = Vocabulary(tables, shared_prefix(tables))
    assert readable_words("bkgNo", vocabulary) == ["booking", "number"]
    assert readable_words("voyNo", vocabulary) == ["voyage", "number"]
    assert readable_words("shprNo", vocabulary) == ["shipper", "number"]
    assert readable_words("vslNm", vocabulary) == ["vessel", "name"]
    assert readable_words("createdAt", vocabulary) == ["created", "at"]  # too short to guess
    assert readable_words("ageYrs", Vocabulary(["agents"])) == ["age", "years"]  # a real word


def test_two_consonants_and_column_words_feed_the_vocabulary() -> None:
    vocabulary = Vocabulary(["patient", "admission"], None, ["ptId", "shprNo", "arrivalDate"])
    assert readable_words("ptId", vocabulary) == ["patient", "id"]
    assert readable_words("arrDt", Vocabulary(["flight"], None, ["arrivalDate"])) == [
        "arrival",
        "date",
    ]
    assert "shpr" not in vocabulary.words  # an abbreviation is not a word of the schema
    assert readable_words("atHome", vocabulary) == ["at", "home"]  # vowels: not a short form


def test_entity_names_of_a_layers_tables() -> None:
    names = entity_names(["tblBooking", "tblHotel", "sales.tblGuest"])
    assert names == {
        "tblBooking": ("booking", "bookings"),
        "tblHotel": ("hotel", "hotels"),
        "sales.tblGuest": ("guest", "guests"),
    }
    assert entity_names(["ins_clm", "ins_pol"]) == {
        "ins_clm": ("claim", "claims"),
        "ins_pol": ("policy", "policies"),
    }


@pytest.mark.parametrize(
    ("one", "many"),
    [("diagnosis", "diagnoses"), ("analysis", "analyses"), ("house", "houses"), ("bus", "buses")],
)
def test_plurals_of_is_and_us_words(one: str, many: str) -> None:
    assert plural(one) == many and singular(many) == one
    assert singular("causes") == "cause" and singular("warehouses") == "warehouse"
