"""Filler and emphasis words that carry no meaning for a query: 'actually', 'a single copy',
'on file', 'on record', 'on our books'.

Only a word the layer did not match is filler, and only in the shapes listed: an emphasis
adverb anywhere, 'single' right after a determiner ('never sold a single copy'), and 'file',
'record' or 'books' after 'on' ('how many guests have we got on file')."""

from __future__ import annotations

from typing import TYPE_CHECKING

if TYPE_CHECKING:
    from nexatron.nlq.state import ParseState

_EMPHASIS = frozenset({"actually", "altogether", "ever", "really", "truly", "honestly", "please"})
_DETERMINERS = frozenset({"a", "an", "one", "any", "each", "every"})
_HELD = frozenset({"file", "record", "records", "books", "system", "database"})
_BETWEEN = frozenset({"our", "the", "your", "their"})


def filler_word(state: ParseState, position: int) -> bool:
    """The unmatched word at `position` only emphasises or says the rows are kept."""
    low = state.low(position)
    if low in _EMPHASIS:
        return True
    if low == "single":
        return position > 0 and state.low(position - 1) in _DETERMINERS
    if low in _HELD:
        before = position - 1
        if before >= 0 and state.low(before) in _BETWEEN:
            before -= 1
        return before >= 0 and state.low(before) == "on"
    return False
