"""Pass: words that name the whole of what the data holds ('how many vehicles are in the fleet',
'books in the catalogue', 'properties we have on file', 'how many restaurants are listed').

A question may place its rows in the business's own collection (a fleet, a catalogue, the
system, the platform) or say they exist in it (registered, listed, installed). Neither narrows
the rows, so a counted or aggregated question ending so keeps all of them. Only closed word
lists are read so, only when the schema names no such thing (the word matched nothing), only
at the end of the question (a trailing 'in/on/at the <noun>' with its determiner: 'patients
in hospital' are admitted ones; or a participle right after 'are/is/were/been'), and the
reading is announced. Any other unknown noun is still refused.
"""

from __future__ import annotations

from nexatron.nlq.state import ParseState


def _words(text: str) -> frozenset[str]:
    return frozenset(text.split())


COLLECTION_NOUNS = _words(
    """fleet catalogue catalog catalogues catalogs collection collections system systems
    database databases platform file files books inventory portfolio register registry roster
    directory archive archives network league clinic practice company organisation
    organization business dataset hospital school college university library museum zoo hotel
    gym firm agency"""
)
EXISTENCE_PARTICIPLES = _words(
    "registered listed installed stocked catalogued cataloged enrolled onboarded"
)
_BARE_NOUNS = frozenset({"file", "files", "record", "records"})
_PLACE_PREPS = frozenset({"in", "on", "at", "across", "within"})
_DETERMINERS = frozenset({"the", "our", "your", "this", "their", "my", "whole", "entire", "full"})
_BE = frozenset({"are", "is", "were", "was", "been", "be"})


def whole_collection(state: ParseState) -> None:
    """A trailing collection noun or existence participle is context: all rows, announced."""
    draft = state.draft
    if not (draft.metrics or draft.aggregates) or draft.columns is not None:
        return
    last = len(state.items) - 1
    while last >= 0 and state.items[last].kind == "word" and state.low(last) in _DETERMINERS:
        last -= 1
    found: list[int] = []
    end, start = last, last
    if _unknown(state, last) and state.low(last) in COLLECTION_NOUNS:
        prep = last - 1
        while prep >= 0 and state.low(prep) in _DETERMINERS:
            prep -= 1
        if state.low(prep) not in _PLACE_PREPS or (prep == last - 1 and not _bare_ok(state, last)):
            return  # 'patients in hospital' (admitted) is not 'patients in the hospital'
        found.append(last)
        start, last = prep, prep - 1
    participle = _unknown(state, last) and state.low(last) in EXISTENCE_PARTICIPLES
    if participle and state.low(last - 1) in _BE:
        found.append(last)
        start = last
    if not found:
        return
    words = " ".join(state.items[k].text for k in range(start, end + 1))
    for k in found:
        state.used.add(k)
        state.context_words.add(k)
    draft.assumptions.append(
        f"read '{words}' as naming every row the data holds: it narrows nothing"
    )


def _bare_ok(state: ParseState, position: int) -> bool:
    """'on file', 'on record': collection nouns that need no determiner."""
    return state.low(position) in _BARE_NOUNS


def _unknown(state: ParseState, position: int) -> bool:
    return (
        0 <= position < len(state.items)
        and state.items[position].kind == "unknown"
        and position not in state.used
    )
