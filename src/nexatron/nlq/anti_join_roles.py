"""Which of several relationships an anti-join means, from the words that name its role.

'airports with no departing routes': routes point at airports twice (origin, destination), and
'departing' names the origin; 'students not liked by anyone': Likes points at students as the
liker and as the liked, and 'liked' is a word of `LikedID`; 'accounts that never sent or
received a transaction': 'sent' names the source, 'received' the destination, and 'or' under
the negation means neither (two anti-joins). A word matches a relationship when it is one of
its foreign-key column's words (not a word of either table's name, which names both), or when
both fall in one role group (origin: departing, sent, from...; destination: arriving,
received, to...). Nothing matched, or 'and' between two matches: no choice is made.
"""

from __future__ import annotations

from nexatron.nlq.state import ParseState
from nexatron.nlq.text import words_of
from nexatron.semantic.model import Relationship
from nexatron.semantic.naming import entity_names


def _words(text: str) -> frozenset[str]:
    return frozenset(text.split())


_ORIGIN_SAID = _words(
    """departing departure departures depart departs departed leaving outbound outgoing origin
    origins sent send sends sending sender senders source sources"""
)
_ORIGIN_COLUMN = _words("origin orig src source from departure dep sender")
_DESTINATION_SAID = _words(
    """arriving arrival arrivals arrive arrives arrived inbound incoming destination
    destinations received receive receives receiving receiver receivers recipient"""
)
_DESTINATION_COLUMN = _words("destination dest dst to arrival arr receiver recipient")
_KEY_WORDS = _words("id no nbr num number code cd key ref")


def named_roles(state: ParseState, child: str, parent: str, positions: list[int]) -> list[str]:
    """The names of the relationships from `child` to `parent` that the words at `positions`
    name: one, or several joined by 'or' (neither of them); else none."""
    rels = [
        r
        for r in state.lex.layer.relationships
        if r.from_table == child and r.to_table == parent and r.name
    ]
    said = {state.low(j) for j in positions if 0 <= j < len(state.items)}
    said = {w for text in said for w in text.split()}
    names = _table_words(child) | _table_words(parent)
    matched = [r for r in rels if _names(r, said, names)]
    if len(matched) == 1:
        return [matched[0].name or ""]
    if len(matched) > 1 and "or" in said and len(matched) == len(rels):
        return [r.name or "" for r in matched]
    return []


def _table_words(table: str) -> set[str]:
    one, plural = entity_names([table]).get(table, (table, table))
    return set(words_of(f"{table} {one} {plural}"))


def _names(r: Relationship, said: set[str], table_words: set[str]) -> bool:
    """A word said names the relationship's foreign key."""
    column = {w for c in r.from_columns for w in words_of(c)} - _KEY_WORDS - table_words
    if said & column:
        return True
    if said & _ORIGIN_SAID and column & _ORIGIN_COLUMN:
        return True
    return bool(said & _DESTINATION_SAID and column & _DESTINATION_COLUMN)
