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
    "adj": "adjuster",
    "adm": "admission",
    "admin": "administrator",
    "amnt": "amount",
    "amt": "amount",
    "ann": "annual",
    "appl": "application",
    "apt": "apartment",
    "arr": "arrival",
    "avg": "average",
    "bal": "balance",
    "bldg": "building",
    "cand": "candidate",
    "cap": "capacity",
    "cat": "category",
    "ccy": "currency",
    "cd": "code",
    "cfg": "configuration",
    "chk": "check",
    "chnl": "channel",
    "clm": "claim",
    "cmdty": "commodity",
    "cmnt": "comment",
    "cnt": "count",
    "cntr": "container",
    "cntry": "country",
    "crdt": "credit",
    "crt": "created",
    "ctry": "country",
    "cur": "current",
    "cust": "customer",
    "custs": "customers",
    "ded": "deductible",
    "dep": "departure",
    "dept": "department",
    "diag": "diagnosis",
    "desc": "description",
    "descr": "description",
    "dest": "destination",
    "disc": "discount",
    "dlv": "delivery",
    "dlvr": "delivery",
    "dob": "date of birth",
    "dst": "destination",
    "dt": "date",
    "dte": "date",
    "dur": "duration",
    "dx": "diagnosis",
    "eff": "effective",
    "emp": "employee",
    "empl": "employee",
    "est": "estimated",
    "flg": "flag",
    "flr": "floor",
    "flt": "flight",
    "fname": "first name",
    "frt": "freight",
    "grp": "group",
    "hosp": "hospital",
    "ht": "height",
    "intvw": "interview",
    "inv": "invoice",
    "itm": "item",
    "len": "length",
    "lmt": "limit",
    "lname": "last name",
    "loc": "location",
    "lvl": "level",
    "mbr": "member",
    "mfr": "manufacturer",
    "mgmt": "management",
    "mgr": "manager",
    "mo": "month",
    "mob": "mobile",
    "nbr": "number",
    "nm": "name",
    "num": "number",
    "occ": "occupancy",
    "ord": "order",
    "org": "organization",
    "orig": "origin",
    "pat": "patient",
    "pct": "percent",
    "perc": "percent",
    "ph": "phone",
    "phys": "physician",
    "pkg": "package",
    "pmt": "payment",
    "pol": "policy",
    "prc": "price",
    "prem": "premium",
    "prod": "product",
    "pymt": "payment",
    "qnty": "quantity",
    "qty": "quantity",
    "rctr": "recruiter",
    "rcv": "received",
    "rcvd": "received",
    "ref": "reference",
    "resv": "reservation",
    "rgn": "region",
    "rm": "room",
    "rpt": "report",
    "rx": "prescription",
    "sal": "salary",
    "sched": "schedule",
    "seg": "segment",
    "seq": "sequence",
    "shpt": "shipment",
    "src": "source",
    "stat": "status",
    "std": "standard",
    "sts": "status",
    "supp": "supplier",
    "svc": "service",
    "sz": "size",
    "tel": "telephone",
    "temp": "temperature",
    "tkt": "ticket",
    "tot": "total",
    "trx": "transaction",
    "ts": "timestamp",
    "ttl": "total",
    "tx": "transaction",
    "txn": "transaction",
    "txns": "transactions",
    "txt": "text",
    "typ": "type",
    "uom": "unit of measure",
    "upd": "updated",
    "usr": "user",
    "val": "value",
    "ver": "version",
    "vnd": "vendor",
    "vndr": "vendor",
    "wgt": "weight",
    "whse": "warehouse",
    "wk": "week",
    "wt": "weight",
    "yr": "year",
    "yrs": "years",
}


# Further short forms common in hand-made schemas (data dictionaries, legacy naming standards),
# kept apart from the list above. Only forms with one usual reading: `op` (operator or
# operation), `req` (request or requisition), `exp` (expiry, expense, experience), `chg` (charge
# or change), `doc` (document or doctor), `vol`, `pos`, `ind`, `fac`, `drv` stay out.
COMMON_SHORT_FORMS: dict[str, str] = {
    "abn": "abnormal",
    "appt": "appointment",
    "asgn": "assignment",
    "avail": "available",
    "bkg": "booking",
    "brnch": "branch",
    "clnt": "client",
    "cls": "class",
    "cnty": "county",
    "cntct": "contact",
    "ctgy": "category",
    "dlr": "dealer",
    "dsch": "discharge",
    "engr": "engineer",
    "evt": "event",
    "fam": "family",
    "fcst": "forecast",
    "fld": "field",
    "freq": "frequency",
    "gndr": "gender",
    "haz": "hazardous",
    "hrs": "hours",
    "hrv": "harvest",
    "hrvst": "harvest",
    "insp": "inspection",
    "irrig": "irrigation",
    "lang": "language",
    "meas": "measurement",
    "mfg": "manufacturing",
    "moist": "moisture",
    "msg": "message",
    "mth": "month",
    "opr": "operator",
    "ovd": "overdraft",
    "proj": "project",
    "prsn": "person",
    "rdg": "reading",
    "rdng": "reading",
    "rsn": "reason",
    "rtg": "rating",
    "snsr": "sensor",
    "spclty": "specialty",
    "sply": "supply",
    "stn": "station",
    "tchr": "teacher",
    "tsk": "task",
    "veh": "vehicle",
    "whs": "warehouse",
    "wrk": "work",
    "yld": "yield",
}
ABBREVIATIONS.update({k: v for k, v in COMMON_SHORT_FORMS.items() if k not in ABBREVIATIONS})


# Abbreviations that read differently in a text column: `jobTtl` is a title, `ttlAmt` a total.
TEXT_ABBREVIATIONS: dict[str, str] = {"ttl": "title", "stat": "status", "desc": "description"}

# Read as an abbreviation only as the last word: `cust_no` is a number, `no_show` is not.
LAST_WORD_ONLY: dict[str, str] = {
    "no": "number",
    # units of area, as the last word of a measure: `areaHa`, `floorSqm`, `lotSqft`
    "ha": "hectares",
    "sqm": "square metres",
    "sqft": "square feet",
}
# Words of the units above: a measure ending with one is an area (`floorSqm`: floor area).
AREA_UNITS: tuple[tuple[str, ...], ...] = (("hectares",), ("square", "metres"), ("square", "feet"))

# Read as an abbreviation only before another word: `insTyp` is an insurance type, `check_ins`
# are check-ins.
NOT_LAST_WORD: dict[str, str] = {"ins": "insurance"}


# Read so only after a given word: `yrsExp` is years of experience, `expDt` an expiry date.
AFTER_WORD: dict[tuple[str, str], str] = {
    ("years", "exp"): "experience",
    ("yrs", "exp"): "experience",
    ("year", "exp"): "experience",
}


# Short forms read by what they name: a thing (a table's rows, a text column, before a key or
# name word: `tblDist`, `distNm`, `distCd`, `distId`) or a measure (a number: `distKm`, `dist`).
BY_KIND: dict[str, tuple[str, str]] = {"dist": ("district", "distance")}
_NAMING_WORDS = frozenset(
    {"id", "no", "nbr", "num", "number", "cd", "code", "key", "ref", "nm", "name", "desc"}
)


def expand(words: list[str], *, text: bool = False, entity: bool = False) -> list[str]:
    """Each abbreviated word replaced by its words: ["txn", "amt"] -> ["transaction", "amount"];
    `text` for a text column's name (`job_ttl` -> job title), `entity` for a table's."""
    out: list[str] = []
    for i, word in enumerate(words):
        if word in BY_KIND:
            after = words[i + 1] if i + 1 < len(words) else ""
            thing = text or entity or after in _NAMING_WORDS
            out.append(BY_KIND[word][0 if thing else 1])
            continue
        last = i == len(words) - 1 and len(words) > 1
        full = LAST_WORD_ONLY.get(word, word) if last else word
        if i < len(words) - 1:
            full = NOT_LAST_WORD.get(full, full)
        if i > 0:
            full = AFTER_WORD.get((words[i - 1], full), full)
        if text and last:
            full = TEXT_ABBREVIATIONS.get(full, full)
        out.extend(ABBREVIATIONS.get(full, full).split())
    return out
