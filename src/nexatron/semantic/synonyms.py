"""Words people type for what a schema names, beyond its own words, for bootstrap's synonyms.

- Other names of an entity: a client is a customer, a car a vehicle. Given only when no table of
  the schema is itself called by that name (a schema with `clients` and `customers` keeps both).
- Business words for money coming in (revenue, sales, takings): given to the total of a schema's
  one income-like money column, and to none when several could be meant (a guess between claim
  amounts and premiums would answer wrongly).
"""

from __future__ import annotations

from collections.abc import Iterable

# entity (singular, as bootstrap reads table names) -> what people also call it
ENTITY_SYNONYMS: dict[str, tuple[str, ...]] = {
    "customer": ("client",),
    "client": ("customer",),
    "employee": ("staff member", "worker", "staff"),
    "vehicle": ("car",),
    "doctor": ("physician",),
    "physician": ("doctor",),
    "requisition": ("job opening",),
    "candidate": ("applicant",),
    "applicant": ("candidate",),
    "vessel": ("ship",),
    "vet": ("veterinarian",),
    "admission": ("hospital stay",),
}

# What the count of a table's rows is called as one word: the headcount of the people employed.
# Given to the one table of the schema whose rows are such (two such tables: to neither).
COUNT_NAMES: dict[str, tuple[str, ...]] = {
    "employee": ("headcount", "head count"),
    "staff member": ("headcount", "head count"),
    "staff": ("headcount", "head count"),
    "worker": ("headcount", "head count"),
}

# What income is called; and words of money columns that are not income.
INCOME_WORDS = ("revenue", "sales", "income", "takings", "turnover")
NOT_INCOME = frozenset(
    {
        *("cost", "costs", "expense", "expenses", "salary", "wage", "wages", "budget", "limit"),
        *("balance", "goal", "target", "deductible", "tax", "taxes", "credit", "debit", "rate"),
        *("price", "msrp", "min", "max", "minimum", "maximum", "estimate", "estimated", "base"),
        *("overdraft", "premium", "fee", "fees", "refund", "refunds", "discount", "deposit"),
    }
)


def entity_synonyms(entity: str, taken: Iterable[str]) -> list[str]:
    """Other names of `entity` that no table of the schema goes by."""
    names = set(taken)
    return [s for s in ENTITY_SYNONYMS.get(entity, ()) if s not in names]


def income_like(words: list[str]) -> bool:
    """A money column's words that can be income (an amount, a charge, a total paid)."""
    return not set(words) & NOT_INCOME
