"""Role words of a join: 'home club' names the relationship members.home_club_id -> clubs."""

from __future__ import annotations

from nexatron.nlq.lexicon import Lexicon
from nexatron.nlq.text import stem, words_of


def names_join_role(word: str, table: str, metric_tables: set[str], lex: Lexicon) -> bool:
    """`word` is part of the only foreign key from a metric's table to `table` (so it adds no
    choice: with two keys to the same table the word is not absorbed)."""
    for src in metric_tables:
        rels = [
            r
            for r in lex.layer.relationships
            if r.from_table == src and r.to_table == table and src != table
        ]
        if len(rels) != 1:
            continue
        cols = {stem(w) for c in rels[0].from_columns for w in words_of(c.replace("_", " "))}
        if stem(word) in cols and stem(word) not in {stem(w) for w in words_of(table)}:
            return True
    return False
