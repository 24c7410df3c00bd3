"""Readable labels and safe names derived from column and table names.

Identifiers are split into words at underscores, punctuation and case changes (`acTxnStatus`,
`HTTPCode`, `order_date`), abbreviations are expanded (`semantic/abbreviations.py`), and a prefix
that every table shares (`ac`, `tbl`, `crm`) is dropped from entity names.
"""

from __future__ import annotations

import re

from nexatron.semantic.abbreviations import AREA_UNITS, expand

_CAMEL = re.compile(r"(?<=[a-z0-9])(?=[A-Z])|(?<=[A-Z])(?=[A-Z][a-z])")
_UNSAFE = re.compile(r"[^A-Za-z0-9_]+")
_VOWELS = ("a", "e", "i", "o", "u")
# Words that mark a table's kind rather than what it holds (star schemas, old naming habits).
TABLE_MARKERS = frozenset({"tbl", "tb", "dim", "fact", "vw", "view", "lkp", "ref"})
_IRREGULAR = {
    "person": "people",
    "child": "children",
    "man": "men",
    "woman": "women",
    "foot": "feet",
    "tooth": "teeth",
    "mouse": "mice",
    "goose": "geese",
}
_UNCHANGED = frozenset({"series", "species", "data", "info", "information", "news", "staff"})
_SINGULAR = {v: k for k, v in _IRREGULAR.items()}
_US_PLURALS = frozenset(
    {"statuses", "buses", "bonuses", "campuses", "viruses", "censuses", "surpluses", "focuses"}
)
_IS_PLURALS = frozenset({"diagnoses", "prognoses", "theses", "crises"})


def words(name: str) -> list[str]:
    """Lowercase words of an identifier: "orderDate" and "order_date" -> ["order", "date"]."""
    spaced = _CAMEL.sub("_", name.split(".")[-1])
    return [w for w in re.split(r"[_\W]+", spaced.lower()) if w]


split_words = words


def readable_words(
    name: str, vocabulary: Vocabulary | None = None, *, text: bool = False
) -> list[str]:
    """Words with abbreviations expanded: "txnAmt" -> ["transaction", "amount"]; with a schema's
    vocabulary also its own short forms ("bkgId" next to a Booking table -> booking id); `text`
    for a text column (`jobTtl` -> job title)."""
    out = expand(words(name), text=text)
    return [vocabulary.read(w) for w in out] if vocabulary else out


# Short real words that are not abbreviations of a longer one ("age" is not "agent").
_COMMON_SHORT = frozenset(
    {
        *("age", "day", "end", "car", "bed", "art", "man", "can", "use", "new", "old", "top"),
        *("row", "set", "run", "key", "map", "pay", "tax", "fee", "net", "per", "pre", "pro"),
        *("sub", "log", "tag", "bar", "bus", "cab", "gap", "pin", "lot", "dog", "cat", "ref"),
        *("mid", "web", "app"),
    }
)


def _has_vowel(text: str) -> bool:
    return any(ch in "aeiouy" for ch in text)


def _subsequence(short: str, long: str) -> bool:
    it = iter(long)
    return all(ch in it for ch in short)


class Vocabulary:
    """The words a schema spells out in full in its table names, to read its own abbreviations of
    them: `bkgId` beside a Booking table is "booking id", `voyNo` beside Voyage "voyage number",
    `statCd` beside TxnStatus "status code". A short form is read only when exactly one word fits:
    consonants in order with the same first letter (bkg, shpr, vsl), or the first 3-4 letters with
    one vowel (voy, rev, stat)."""

    def __init__(
        self,
        table_names: list[str],
        prefix: str | None = None,
        column_names: tuple[str, ...] | list[str] = (),
    ) -> None:
        found: set[str] = set()
        for name in table_names:
            found.update(w for w in entity_words(name, prefix) if len(w) >= 4)
        units = {w for unit in AREA_UNITS for w in unit}  # read from `ha`, `sqm`: not nouns
        for name in column_names:  # full words only: `shprNo` does not make "shpr" a word
            found.update(
                w
                for w in expand(words(name))
                if len(w) >= 4 and _has_vowel(w[1:]) and w not in units
            )
        self.words = frozenset(found)
        self._read: dict[str, str] = {}

    def read(self, word: str) -> str:
        known = self._read.get(word)
        if known is None:
            known = self._read[word] = self._guess(word)
        return known

    def _guess(self, word: str) -> str:
        if word in self.words or word in _COMMON_SHORT or not word.isalpha():
            return word
        if len(word) < 3 and (len(word) < 2 or _has_vowel(word)):
            return word  # two letters only as consonants: pt, dr (never "at", "id")
        vowels = sum(ch in "aeiou" for ch in word[1:])
        fits = [
            v
            for v in self.words
            if v[0] == word[0]
            and len(v) > len(word) + 1
            and (
                (vowels == 0 and _subsequence(word[1:], v[1:]))
                or (vowels == 1 and 3 <= len(word) <= 4 and v.startswith(word))
            )
        ]
        return fits[0] if len(fits) == 1 else word


def label(name: str) -> str:
    """ "order_date" -> "Order date"."""
    return sentence(" ".join(words(name)))


def sentence(text: str) -> str:
    """First letter upper case."""
    return text[:1].upper() + text[1:]


def plural(phrase: str) -> str:
    """English plural of a phrase's last word: "order item" -> "order items", "category" ->
    "categories", "status" -> "statuses", "person" -> "people"."""
    head, _, last = phrase.rpartition(" ")
    lead = f"{head} " if head else ""
    if last in _IRREGULAR:
        return lead + _IRREGULAR[last]
    if last in _UNCHANGED or last in _SINGULAR:
        return phrase
    if last.endswith("is") and len(last) > 4:  # diagnosis -> diagnoses, analysis -> analyses
        return lead + last[:-2] + "es"
    if last.endswith(("ss", "us", "is", "x", "ch", "sh", "z")):
        return lead + last + "es"
    if last.endswith("s"):
        return phrase
    if last.endswith("y") and last[-2:-1] not in _VOWELS:
        return lead + last[:-1] + "ies"
    return lead + last + "s"


def singular(word: str) -> str:
    """English singular: "categories" -> "category", "boxes" -> "box", "statuses" -> "status"."""
    if word in _SINGULAR:
        return _SINGULAR[word]
    if word in _UNCHANGED:
        return word
    if word in _US_PLURALS:  # statuses -> status (but houses -> house)
        return word[:-2]
    if word.endswith("yses") or word in _IS_PLURALS or (word.endswith("eses") and len(word) > 6):
        return word[:-2] + "is"  # analyses, diagnoses, hypotheses
    if word.endswith("ies") and len(word) > 4:
        return word[:-3] + "y"
    if word.endswith(("xes", "ches", "shes", "sses", "zes")):
        return word[:-2]
    if word.endswith("s") and not word.endswith(("ss", "us", "is")):
        return word[:-1]
    return word


def shared_prefix(table_names: list[str]) -> str | None:
    """The first word every table name starts with, when it is a short prefix (`ac`, `tbl`,
    `crm`) and every name has more words after it; None otherwise."""
    split = [words(n) for n in table_names]
    if len(split) < 2 or any(len(w) < 2 for w in split):
        return None
    first = {w[0] for w in split}
    if len(first) != 1:
        return None
    prefix = first.pop()
    return prefix if len(prefix) <= 4 or prefix in TABLE_MARKERS else None


def entity_words(table_name: str, prefix: str | None) -> list[str]:
    """What a table's rows are, in words: `acTransaction` -> ["transaction"], `tbl_Customers` ->
    ["customer"], "HighSchooler" -> ["high", "schooler"] (singular, abbreviations expanded)."""
    raw = words(table_name)
    if prefix and len(raw) > 1 and raw[0] == prefix:
        raw = raw[1:]
    while len(raw) > 1 and raw[0] in TABLE_MARKERS:
        raw = raw[1:]
    full = expand(raw, entity=True) or raw or ["row"]
    return [*full[:-1], singular(full[-1])]


def safe_name(text: str) -> str:
    """A name matching NAME_PATTERN: letters, digits, underscores; not starting with a digit."""
    name = _UNSAFE.sub("_", text).strip("_") or "field"
    return f"_{name}" if name[0].isdigit() else name


def entity_names(table_refs: list[str]) -> dict[str, tuple[str, str]]:
    """What each table's rows are called, singular and plural, read as bootstrap reads them
    (shared prefix dropped, camelCase split, abbreviations and the schema's own short forms
    expanded): {"tblBooking": ("booking", "bookings"), "ins_clm": ("claim", "claims")}. For the
    parser's entity words, so a prefixed or abbreviated table is still "booking" in a question."""
    names = [ref.split(".")[-1] for ref in table_refs]
    prefix = shared_prefix(names)
    vocabulary = Vocabulary(names, prefix)
    out: dict[str, tuple[str, str]] = {}
    for ref, name in zip(table_refs, names, strict=True):
        entity = [vocabulary.read(w) for w in entity_words(name, prefix)]
        one = " ".join(entity)
        out[ref] = (one, plural(one))
    return out
