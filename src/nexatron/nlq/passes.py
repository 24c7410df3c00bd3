"""The interpretation passes, in order: each reads and writes one `ParseState`.

Like sqlglot's optimizer `RULES`, `PASSES` is a plain ordered tuple of functions; `interpret`
runs them over a fresh state and returns the draft. Each pass may raise `Refusal` or
`Clarification`; a later pass sees what earlier ones marked used.
"""

from __future__ import annotations

from nexatron.nlq.aggregate_words import aggregate_words, distinct_counts
from nexatron.nlq.amounts import how_much
from nexatron.nlq.boolean_qualifiers import booleans
from nexatron.nlq.dated_verbs import dated_verbs
from nexatron.nlq.distinct_entities import distinct_entities
from nexatron.nlq.groupings import groupings
from nexatron.nlq.headcount_words import headcount
from nexatron.nlq.implicit_counts import dated_count, implicit_count
from nexatron.nlq.items import Segmented
from nexatron.nlq.leftover_words import described_entities, explained_words, leftover_words
from nexatron.nlq.lexicon import Lexicon
from nexatron.nlq.measure_columns import measure_columns
from nexatron.nlq.metric_pairs import metric_pairs
from nexatron.nlq.metric_subsets import (
    aggregated_columns,
    defined_subsets,
    kept_filters,
    negated_metrics,
)
from nexatron.nlq.metric_words import nouns_after_values, read_metrics
from nexatron.nlq.money_words import money_nouns
from nexatron.nlq.ranking_verbs import ranking_verbs
from nexatron.nlq.reachable_metrics import reachable_metrics
from nexatron.nlq.row_queries import absent_children, name_words, ranked_rows, row_shape
from nexatron.nlq.state import Draft, ParseState, Pass
from nexatron.nlq.stated_units import stated_units
from nexatron.nlq.time_and_ranking import comparisons, ranking, times
from nexatron.nlq.unasked_counts import unasked_counts
from nexatron.nlq.value_filters import compared_values, value_filters
from nexatron.nlq.whole_collection import whole_collection
from nexatron.nlq.year_periods import year_periods


def boolean_qualifiers(state: ParseState) -> None:
    """Boolean dimensions named as qualifiers ('cancelled flights', 'not refunded')."""
    metrics_named = sum(1 for r in state.readings if r is not None and r.kind == "metric")
    booleans(state, metrics_named > 1)


PASSES: tuple[Pass, ...] = (
    absent_children,
    ranked_rows,
    name_words,
    measure_columns,
    boolean_qualifiers,
    negated_metrics,
    aggregated_columns,
    distinct_counts,
    distinct_entities,
    money_nouns,
    headcount,
    aggregate_words,
    read_metrics,
    nouns_after_values,
    metric_pairs,
    value_filters,
    compared_values,
    groupings,
    times,
    reachable_metrics,
    ranking,
    ranking_verbs,
    implicit_count,
    dated_count,
    how_much,
    comparisons,
    kept_filters,
    defined_subsets,
    year_periods,
    row_shape,
    unasked_counts,
    dated_verbs,
    whole_collection,
    stated_units,
    leftover_words,
    described_entities,
    explained_words,
)


def interpret(seg: Segmented, lex: Lexicon, passes: tuple[Pass, ...] = PASSES) -> Draft:
    """Run `passes` in order over a fresh state of `seg`; the draft they filled in."""
    state = ParseState(seg, lex)
    for step in passes:
        step(state)
    return state.draft
