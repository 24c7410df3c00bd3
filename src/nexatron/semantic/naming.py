"""Readable labels and safe names derived from column and table names."""

from __future__ import annotations

import re

_CAMEL = re.compile(r"(?<=[a-z0-9])(?=[A-Z])")
_UNSAFE = re.compile(r"[^A-Za-z0-9_]+")


def words(name: str) -> list[str]:
    """Lowercase words of an identifier: "orderDate" and "order_date" -> ["order", "date"]."""
    spaced = _CAMEL.sub("_", name.split(".")[-1])
    return [w for w in re.split(r"[_\W]+", spaced.lower()) if w]


def label(name: str) -> str:
    """ "order_date" -> "Order date"."""
    text = " ".join(words(name))
    return text[:1].upper() + text[1:]


def plural(phrase: str) -> str:
    """Naive English plural: "order item" -> "order items", "category" -> "categories"."""
    if phrase.endswith("s"):
        return phrase
    if phrase.endswith("y") and phrase[-2:-1] not in ("a", "e", "i", "o", "u"):
        return phrase[:-1] + "ies"
    if phrase.endswith(("x", "ch", "sh")):
        return phrase + "es"
    return phrase + "s"


def singular(word: str) -> str:
    """Naive English singular: "categories" -> "category", "boxes" -> "box", "orders" -> "order"."""
    if word.endswith("ies") and len(word) > 4:
        return word[:-3] + "y"
    if word.endswith(("xes", "ches", "shes", "sses")):
        return word[:-2]
    if word.endswith("s") and not word.endswith(("ss", "us", "is")):
        return word[:-1]
    return word


def safe_name(text: str) -> str:
    """A name matching NAME_PATTERN: letters, digits, underscores; not starting with a digit."""
    name = _UNSAFE.sub("_", text).strip("_") or "field"
    return f"_{name}" if name[0].isdigit() else name
