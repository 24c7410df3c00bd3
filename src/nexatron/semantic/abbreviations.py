"""Common abbreviations in column and table names, and the words people type for them.

One table, used by bootstrap for labels and synonyms: `txn_amt` reads "transaction amount".
An abbreviation is expanded only as a whole word of the identifier (`cust_no`, `custNo`), never
inside another word.
"""

from __future__ import annotations

ABBREVIATIONS: dict[str, str] = {
    "acct": "account",
    "accts": "accounts",
    "addr": "address",
    "amt": "amount",
    "amnt": "amount",
    "avg": "average",
    "bal": "balance",
    "cat": "category",
    "arr": "arrival",
    "cap": "capacity",
    "ccy": "currency",
    "cd": "code",
    "chk": "check",
    "chnl": "channel",
    "cmnt": "comment",
    "cmdty": "commodity",
    "cntr": "container",
    "crdt": "credit",
    "dep": "departure",
    "dst": "destination",
    "flg": "flag",
    "frt": "freight",
    "lmt": "limit",
    "occ": "occupancy",
    "rgn": "region",
    "seg": "segment",
    "src": "source",
    "sz": "size",
    "ttl": "total",
    "txt": "text",
    "wt": "weight",
    "ctry": "country",
    "cntry": "country",
    "dest": "destination",
    "grp": "group",
    "lvl": "level",
    "nm": "name",
    "orig": "origin",
    "typ": "type",
    "cnt": "count",
    "cust": "customer",
    "custs": "customers",
    "dept": "department",
    "desc": "description",
    "descr": "description",
    "dob": "date of birth",
    "dt": "date",
    "dte": "date",
    "emp": "employee",
    "empl": "employee",
    "fname": "first name",
    "lname": "last name",
    "inv": "invoice",
    "loc": "location",
    "mgr": "manager",
    "nbr": "number",
    "num": "number",
    "ord": "order",
    "pct": "percent",
    "perc": "percent",
    "pmt": "payment",
    "pymt": "payment",
    "prc": "price",
    "prod": "product",
    "qty": "quantity",
    "qnty": "quantity",
    "ref": "reference",
    "sched": "schedule",
    "sts": "status",
    "tel": "telephone",
    "ts": "timestamp",
    "tx": "transaction",
    "txn": "transaction",
    "txns": "transactions",
    "trx": "transaction",
    "usr": "user",
    "val": "value",
    "whse": "warehouse",
    "yr": "year",
}


# Read as an abbreviation only as the last word: `cust_no` is a number, `no_show` is not.
LAST_WORD_ONLY: dict[str, str] = {"no": "number"}


def expand(words: list[str]) -> list[str]:
    """Each abbreviated word replaced by its words: ["txn", "amt"] -> ["transaction", "amount"]."""
    out: list[str] = []
    for i, word in enumerate(words):
        last = i == len(words) - 1 and len(words) > 1
        full = LAST_WORD_ONLY.get(word, word) if last else word
        out.extend(ABBREVIATIONS.get(full, full).split())
    return out
