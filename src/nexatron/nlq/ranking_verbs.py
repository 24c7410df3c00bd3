"""Pass `ranking_verbs`: the verb of a ranking only says how the ranked rows point to the entity.

'which stadium hosted the most concerts', 'which instructor teaches the most sections', 'the
guest who booked the most nights': up to two unknown words between the grouped entity's noun and
the superlative ranking a metric name the link between the metric's rows and the entity. When
those rows point to the entity in exactly one way (`distinct_entities.linking_column`: a column
of the metric's own table), the words add nothing and are context, announced. Any other link
(two roles, a table between) leaves them unmatched, so the question is refused by name.
"""

from __future__ import annotations

from nexatron.nlq.distinct_entities import linking_column, verbs_before_entity
from nexatron.nlq.plan import Explained
from nexatron.nlq.state import ParseState
from nexatron.nlq.word_lists import ASC_WORDS, DESC_WORDS

_GLUE = frozenset({"that", "who", "which", "has", "have", "had", "did", "do", "does", "the"})


def ranking_verbs(state: ParseState) -> None:
    """Unknown verbs between the ranked entity and the superlative become context."""
    draft = state.draft
    if draft.order_metric is None or not draft.dimensions or draft.row_order:
        return
    metric = state.lex.metrics[draft.order_metric]
    if metric.type != "simple" or not metric.table:
        return
    for k in range(len(state.items)):
        if state.low(k) in DESC_WORDS | ASC_WORDS and k in state.used:
            _verbs_before(state, k, metric.table)
            return


def _verbs_before(state: ParseState, at: int, rows: str) -> None:
    found = verbs_before_entity(state, at, _GLUE)
    if found is None:
        return
    verbs, entities, named = found
    if len(entities) != 1:
        return
    entity = entities.pop()
    column = linking_column(state, entity, rows)
    if column is None or column.table != rows:
        return
    for v in sorted(verbs):
        state.used.add(v)
        state.draft.explanation.append(
            Explained(text=state.items[v].text, kind="context", target=rows)
        )
    words = " ".join(state.items[v].text for v in sorted(verbs))
    state.draft.assumptions.append(
        f"read '{words}' as how each row of '{rows}' points to its"
        f" {named} ({column.label or column.name})"
    )
