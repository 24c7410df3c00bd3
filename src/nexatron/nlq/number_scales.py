"""A number followed by a scale word is one number: '1 million' is 1000000, '2.5 thousand'
2500, '3 bn' 3000000000. A scale written onto the number ('2.5k', '$3m') is read by
`text.read_number`; this joins the word written apart, so the word is not left unmatched.
A lone letter apart ('10 m', '5 k') is a unit (metres, kilometres), never a scale."""

from __future__ import annotations

from dataclasses import replace

from nexatron.nlq.items import Item
from nexatron.nlq.text import Token

SCALE_WORDS = {
    "thousand": 1e3,
    "thousands": 1e3,
    "million": 1e6,
    "millions": 1e6,
    "billion": 1e9,
    "billions": 1e9,
    "bn": 1e9,
}


def scaled_number(item: Item, tokens: list[Token]) -> Item:
    """`item` extended over the scale word right after it ('1 million'), else `item`."""
    if item.kind != "number" or item.number is None or item.percent or item.end >= len(tokens):
        return item
    scale = SCALE_WORDS.get(tokens[item.end].low)
    if scale is None:
        return item
    return replace(item, end=item.end + 1, number=item.number * scale)
