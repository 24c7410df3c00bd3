"""What bootstrap reads a column as, from its name and type: an id or key (never a measure),
money (currency format), a measure that does not add up (ages, prices, rates: averaged, never
summed), a unit-led measure ("years experience" is also "years of experience"), and a table's
main date (when its rows happened)."""

from __future__ import annotations

import functools
import re

from nexatron.semantic.exprs import ident
from nexatron.semantic.links import KEY_WORDS
from nexatron.semantic.model import Agg
from nexatron.semantic.naming import Vocabulary, readable_words
from nexatron.warehouse.types import ColumnInfo, TableInfo


def _set(text: str) -> frozenset[str]:
    return frozenset(text.split())


# Words of columns that identify rather than measure (never summed or averaged).
ID_WORDS = KEY_WORDS | _set(
    "zip zipcode postal postcode phone telephone fax uuid guid hash sku ean isbn ssn iban port "
    "lat lon lng latitude longitude"
)
# Measures that make no sense added up: averaged, highest and lowest only.
NO_SUM = _set(
    "rate pct percent percentage ratio score rating share average price msrp age year rank level "
    "position ordinal month day week quarter hour minute version seq sequence sort index "
    "temperature temp grade experience tenure seniority"
)
UNITS = _set("years days hours minutes months weeks")
RATIO = _set("rate pct percent percentage ratio share")
_MONEY = _set(
    "price revenue sales cost costs spend fee fees tax taxes salary wage wages profit income "
    "payment subtotal msrp gmv arr mrr"
)
# Text that is never a dimension (secrets and markup); other text is, for filters and listings
# (the value index only keeps columns with few distinct values).
NOT_DIMENSION = _set("password passwd hash token secret salt html json")
# A table's default date: when its row began (ordered, created, listed, ...) before plain dates,
# and dates that end something (sold, closed, cancelled, ...) last: "listings in 2025" means
# listed in 2025, not sold then.
_DATE_PREF = (
    *("ordered", "order", "created", "placed", "purchased", "signup", "signed", "registered"),
    *("booked", "listed", "opened", "started", "start", "joined", "issued", "submitted"),
    *("received", "scheduled", "transaction", "date", "day", "at", "time", "timestamp"),
)
_DATE_LAST = _set("sold paid shipped delivered completed closed ended end cancelled expired")
_DATE_AVOID = _set("updated modified deleted changed synced loaded etl expires")
_SCALE2 = re.compile(r"\(\s*\d+\s*,\s*2\s*\)")
NUMERIC = ("integer", "float", "decimal")
GENERIC_TAIL = _set("amount value")
TEXT_TAIL = _set("name description text label")
BARE = KEY_WORDS | _set("name title label description text date")
ENTITY_COLUMNS = _set("name title label full_name display_name")
AGG_WORDS: dict[Agg, tuple[str, str, tuple[str, ...]]] = {
    # agg: (name prefix, label word, synonym words)
    "sum": ("total", "Total", ("sum of", "total")),
    "avg": ("avg", "Average", ("mean", "average")),
    "max": ("max", "Highest", ("maximum", "largest")),
    "min": ("min", "Lowest", ("minimum", "smallest")),
}


@functools.lru_cache(maxsize=8192)
def column_expr(name: str) -> str:
    """A column as a layer expression: quoted when its case or characters need it."""
    return ident(name).sql()


def idlike(c: ColumnInfo, words: list[str]) -> bool:
    return (
        bool(words)
        and (words[-1] in ID_WORDS or bool(set(words) & (ID_WORDS - KEY_WORDS - {"number"})))
    ) or c.name.lower().endswith("id")


def unit_led(words: list[str]) -> bool:
    """ "years experience": a unit and a noun, also read "years of experience" (not "hours
    worked")."""
    return (
        len(words) == 2
        and words[0] in UNITS
        and not words[1].endswith(("ed", "ing"))
        and words[1] not in UNIT_QUANTITY
    )


# A unit followed by one of these is only that unit: `hrsQty` is hours, not "hours of quantity".
UNIT_QUANTITY = _set("quantity count number amount total")


def is_money(c: ColumnInfo, words: list[str]) -> bool:
    two_decimals = c.type == "decimal" and bool(_SCALE2.search(c.native_type))
    if set(words) & RATIO:
        return False
    return bool(set(words) & _MONEY) or (bool(set(words) & {"amount", "total"}) and two_decimals)


def main_date(
    t: TableInfo, entity: list[str] | None = None, vocabulary: Vocabulary | None = None
) -> ColumnInfo | None:
    """When a row happened: a date named after the entity (`bkgTs` in bookings) first, then
    dates when a row began (ordered, created, ...), plain dates, and dates that end something."""
    dates = [
        c
        for c in t.columns
        if c.type in ("date", "timestamp") and not set(readable_words(c.name)) & _DATE_AVOID
    ]
    own = entity[-1] if entity else None

    def rank(c: ColumnInfo) -> int:
        w = readable_words(c.name, vocabulary)
        if set(w) & _DATE_LAST:
            return len(_DATE_PREF) + 1
        if own is not None and own in w:
            return -1
        return min((i for i, p in enumerate(_DATE_PREF) if p in w), default=len(_DATE_PREF))

    return min(dates, key=rank) if dates else None
