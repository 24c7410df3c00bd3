"""Directions: 'to X' must not read X as a value of an origin, nor 'from X' of a destination.

A value after a directional preposition keeps only the dimensions whose own words do not point
the other way; when every dimension holding the value points the other way, the question is
refused rather than answered for the opposite direction.
"""

from __future__ import annotations

from nexatron.nlq.errors import refusal
from nexatron.nlq.lexicon import Lexicon
from nexatron.nlq.text import Token, words_of
from nexatron.semantic.exprs import CompileError
from nexatron.semantic.joins import join_graph

OUT_WORDS = frozenset(
    [
        "origin",
        "origins",
        "source",
        "from",
        "departure",
        "departures",
        "departing",
        "depart",
        "outbound",
        "sender",
        "pickup",
        "src",
        "orig",
        "start",
        "starting",
    ]
)
IN_WORDS = frozenset(
    [
        "destination",
        "destinations",
        "dest",
        "target",
        "to",
        "arrival",
        "arrivals",
        "arriving",
        "arrive",
        "inbound",
        "recipient",
        "receiver",
        "dropoff",
        "dst",
        "end",
        "ending",
        "finish",
    ]
)
_OUT_PREPS = frozenset({"from", "departing", "leaving", "originating", "ex"})
_IN_PREPS = frozenset({"to", "into", "towards", "toward", "arriving", "inbound"})
_ARRIVE = frozenset({"arriving", "arrive", "arrives", "arrived", "landing", "landed", "lands"})
_BOUND = frozenset({"bound", "destined", "headed", "heading"})
_NOT_DIRECTION = frozenset(
    [
        "compared",
        "comparison",
        "relative",
        "up",
        "equal",
        "equals",
        "similar",
        "due",
        "according",
        "next",
        "close",
        "prior",
        "opposed",
        "contrast",
        "belonging",
        "belong",
        "belongs",
        "related",
        "linked",
        "attributed",
    ]
)
_SKIP = frozenset({"the", "a", "an"})
DIRECTION_VERBS = frozenset(
    {
        *("departing", "leaving", "originating", "arriving", "bound", "destined", "left"),
        *("leave", "leaves", "depart", "departs", "departed", "go", "goes", "going", "went"),
        *("arrive", "arrives", "arrived", "headed", "heading", "sailed", "flew", "flown"),
    }
)


def cue_direction(tokens: list[Token], start: int) -> str | None:
    """'out' after 'from'/'departing', 'in' after 'to'/'arriving at', else None."""
    j = start - 1
    while j >= 0 and tokens[j].low in _SKIP:
        j -= 1
    if j < 0:
        return None
    prev, prev2 = tokens[j].low, tokens[j - 1].low if j >= 1 else ""
    if prev in _OUT_PREPS or (prev == "of" and prev2 == "out"):
        return "out"
    if prev in _IN_PREPS and prev2 not in _NOT_DIRECTION:
        return "in"
    if (prev in {"at", "in"} and prev2 in _ARRIVE) or (prev == "for" and prev2 in _BOUND):
        return "in"
    return None


def _path_words(lex: Lexicon, tables: set[str], goal: str) -> list[str]:
    """Column names along the join from the metrics' tables to `goal` (routes.origin_code)."""
    graph = join_graph(lex.layer)
    out: list[str] = []
    for t in tables:
        try:
            edges = graph.path(t, goal, what="direction")
        except CompileError:
            continue
        out += [c for e in edges for c in (*e.from_columns, *e.to_columns)]
    return out


def dimension_direction(lex: Lexicon, name: str, tables: set[str]) -> str | None:
    """The way a dimension points ('origin city' out, 'destination' in), by its own words or
    the columns joining the metrics' tables to it, if any."""
    d = lex.dimensions[name]
    texts = [d.name, d.label or "", d.expr, *d.synonyms, *_path_words(lex, tables, d.table)]
    words = set(words_of(" ".join(texts)))
    out, into = bool(words & OUT_WORDS), bool(words & IN_WORDS)
    return "out" if out and not into else "in" if into and not out else None


def agreeing_dimensions(
    lex: Lexicon, tokens: list[Token], start: int, text: str, dims: list[str], tables: set[str]
) -> list[str]:
    """The dimensions of a value that its preposition's direction allows; refuse if none."""
    cue = cue_direction(tokens, start)
    if cue is None:
        return dims
    kept = [d for d in dims if dimension_direction(lex, d, tables) in {cue, None}]
    if kept:
        return kept
    way = "to" if cue == "in" else "from"
    raise refusal(
        f"'{way} {text}': '{text}' is a value of {', '.join(dims)}, which"
        " points the other way; no dimension matches that direction.",
        unmatched=[f"{way} {text}"],
        suggestions={"metrics": [], "dimensions": dims},
    )
