"""Passes: words no pass used are refused (or kept as cues); entities right after a used value
only name its rows."""

from __future__ import annotations

from nexatron.nlq.boolean_qualifiers import is_negator
from nexatron.nlq.dropped_words import compound_noun, compound_text, loose_aggregation
from nexatron.nlq.filler_words import filler_word
from nexatron.nlq.hop_entities import hop_entities
from nexatron.nlq.join_roles import names_join_role
from nexatron.nlq.light_verbs import ignorable_verb
from nexatron.nlq.linking_verbs import linking_verb
from nexatron.nlq.plan import Explained
from nexatron.nlq.readings import (
    tables_of,
)
from nexatron.nlq.state import ParseState
from nexatron.nlq.text import stem, words_of
from nexatron.nlq.word_lists import MUST_MAP
from nexatron.nlq.word_roots import shares_root

_VERB_PREPS = frozenset({"by", "with", "via", "in", "on", "through", "using"})


def leftover_words(state: ParseState) -> None:
    """Unused words: unknown ones, numbers and meaningful listed words are unmatched (the
    question is refused naming them); cues and negations are kept for the final checks."""
    for k, it in enumerate(state.items):
        if it.kind == "word" and k not in state.used and loose_aggregation(state, k):
            state.draft.unmatched.append(f"{it.text} {state.items[k + 1].text}")
            continue
        if it.kind == "word" and k not in state.used and compound_noun(state, k):
            if compound_text(state, k) not in state.draft.unmatched:
                state.draft.unmatched.append(compound_text(state, k))
            continue
        if it.kind == "word" and k not in state.used and state.low(k) in MUST_MAP:
            state.draft.unmatched.append(it.text)
            continue
        if k in state.used or (it.kind == "word" and not is_negator(state, k)):
            continue
        if it.kind == "cue":
            state.draft.cues.add(it.cue)
            state.context_words.add(k)
            continue
        if it.kind == "unknown" and (
            _absorbed(state, k) or ignorable_verb(state, k) or filler_word(state, k)
        ):
            state.context_words.add(k)
            continue
        linked = linking_verb(state, k) if it.kind == "unknown" else None
        if linked is not None:
            state.context_words.add(k)
            state.draft.assumptions.append(linked)
            continue
        if it.kind == "word" and is_negator(state, k) and state.low(k) != "no":
            state.draft.cues.add("neg")
            continue
        if it.kind in {"unknown", "number"}:
            state.draft.unmatched.append(it.text)


def _absorbed(state: ParseState, position: int) -> bool:
    """A leftover word that belongs to the name of the thing matched right beside it
    ('customers served' read as 'unique customers' + 'served')."""
    word = stem(state.low(position))
    near = [position - 1, position + 1]
    if state.low(position + 1) in _VERB_PREPS:
        near.append(position + 2)  # 'paid by cash', 'paid with a gift card'
    for j in near:
        r = state.readings[j] if 0 <= j < len(state.readings) else None
        if r is None:
            continue
        for t in r.targets:
            obj = state.lex.metrics.get(t) or state.lex.dimensions.get(t)
            if obj is None:
                continue
            texts = [obj.name, obj.label or "", *obj.synonyms]
            if any(word == stem(w) for x in texts for w in words_of(x)):
                return True
            if r.kind == "value" and shares_root(state.low(position), texts):
                return True
        if j == position + 1 and r.kind in {"dimension", "entity"}:
            tables = {state.lex.dimensions[t].table for t in r.targets if r.kind == "dimension"}
            tables |= set(r.targets) if r.kind == "entity" else set()
            own = tables_of(state.lex, state.draft.metrics)
            if len(tables) == 1 and names_join_role(word, tables.pop(), own, state.lex):
                return True
    return False


def described_entities(state: ParseState) -> None:
    """Entities written right after a value that filters ('express parcels', 'gold tier
    customers'): the value says which rows; the noun only names them. So do entities on the
    way from the counted rows to a filter's table (`hop_entities`)."""
    for k, it in enumerate(state.items):
        tables = {e.target for e in it.entries if e.kind == "entity"}
        j = k - 1
        prev = state.readings[j] if j >= 0 else None
        if prev is not None and prev.kind == "dimension" and j in state.used:
            j -= 1
        prev = state.readings[j] if j >= 0 else None
        if tables and prev is not None and prev.kind == "value" and j in state.used:
            state.draft.described |= tables
    hop_entities(state)


def explained_words(state: ParseState) -> None:
    """Every item a pass used (or accepted as context) and no explanation names yet is
    explained as context, so the explanation accounts for every word the answer relies on."""
    covered = {w for e in state.draft.explanation for w in e.text.lower().split()}
    for k, it in enumerate(state.items):
        if k not in state.used and k not in state.context_words:
            continue
        if it.kind == "word" and state.low(k) not in MUST_MAP:
            continue  # a listed function word
        if all(w in covered for w in it.text.lower().split()):
            continue
        state.draft.explanation.append(
            Explained(text=it.text, kind="context", target=_context_target(state, k))
        )
        covered |= set(it.text.lower().split())


def _context_target(state: ParseState, position: int) -> str:
    it = state.items[position]
    if it.kind in {"cue", "word"}:
        return it.cue or "ranking"
    if position in state.context_words:
        return "verb or part of a name"
    tables = sorted({e.target for e in it.entries if e.kind == "entity"})
    return f"rows of {tables[0]}" if tables else it.kind
