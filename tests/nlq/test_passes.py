"""Each interpretation pass on its own: the state before it (the earlier passes, or set by
hand), the pass, and what it changed."""

from __future__ import annotations

import datetime as dt

import pytest

from nexatron.nlq import Clarification, DateContext, Lexicon, Refusal
from nexatron.nlq.passes import PASSES, interpret
from nexatron.nlq.segment import segment
from nexatron.nlq.state import ParseState, Pass
from nexatron.nlq.text import tokenize

from .passes_layer import clinic_lexicon

CTX = DateContext(now=dt.datetime(2026, 3, 15, 12, tzinfo=dt.UTC))
PASS_NAMES = [p.__name__ for p in PASSES]


@pytest.fixture(scope="module")
def clinic() -> Lexicon:
    return clinic_lexicon()


def before(question: str, lex: Lexicon, step: Pass) -> ParseState:
    """The state of `question` after the passes that run before `step`."""
    state = ParseState(segment(question, lex, CTX, tokenize(question)), lex)
    for earlier in PASSES[: PASSES.index(step)]:
        earlier(state)
    return state


def run(question: str, lex: Lexicon, name: str) -> tuple[ParseState, ParseState]:
    """(state before the pass called `name`, the same state after it)."""
    import copy

    step = PASSES[PASS_NAMES.index(name)]
    state = before(question, lex, step)
    snapshot = copy.deepcopy(state)
    step(state)
    return snapshot, state


def test_passes_are_an_ordered_tuple_of_named_functions() -> None:
    assert isinstance(PASSES, tuple) and len(set(PASS_NAMES)) == len(PASSES)
    assert PASS_NAMES.index("read_metrics") < PASS_NAMES.index("value_filters")
    assert PASS_NAMES[-3:] == ["leftover_words", "described_entities", "explained_words"]


def test_interpret_runs_only_the_passes_given(lex: Lexicon) -> None:
    seg = segment("revenue by country", lex, CTX, tokenize("revenue by country"))
    assert interpret(seg, lex, passes=()).metrics == []
    assert interpret(seg, lex).metrics == ["revenue"]


def test_boolean_qualifiers(clinic: Lexicon) -> None:
    old, new = run("visits that were no-shows last month", clinic, "boolean_qualifiers")
    assert old.draft.filters == {} and new.draft.filters == {("no_show", False): [True]}


def test_negated_metrics(clinic: Lexicon) -> None:
    _, new = run("fees excluding no-show visits", clinic, "negated_metrics")
    assert new.draft.filters == {("no_show", False): [False]}
    assert new.draft.metrics == []  # the metric itself is read later


def test_aggregated_columns(clinic: Lexicon) -> None:
    old, new = run("total duration by department", clinic, "aggregated_columns")
    assert old.readings[1] is not None and old.readings[1].kind == "dimension"
    assert new.readings[1] is not None and new.readings[1].kind == "metric"
    assert new.readings[1].targets == ["time_spent"]


def test_distinct_counts(clinic: Lexicon) -> None:
    old, new = run("how many different cities do our patients come from", clinic, "distinct_counts")
    assert old.draft.aggregates == []
    assert [(a.agg, a.dimension) for a in new.draft.aggregates] == [("count_distinct", "city")]
    assert new.draft.entities == [("patients", "patients")]  # whose cities: context


def test_aggregate_words(clinic: Lexicon) -> None:
    _, new = run("the highest, lowest and median duration", clinic, "aggregate_words")
    assert [(a.agg, a.dimension) for a in new.draft.aggregates] == [
        ("max", "minutes"),
        ("min", "minutes"),
        ("median", "minutes"),
    ]
    _, new = run("the earliest registration date", clinic, "aggregate_words")
    assert [(a.agg, a.dimension) for a in new.draft.aggregates] == [("min", "registered_at")]
    # a ranking of things is no aggregate
    _, new = run("which department has the highest duration", clinic, "aggregate_words")
    assert new.draft.aggregates == []


def test_read_metrics(lex: Lexicon) -> None:
    old, new = run("revenue and nights by channel", lex, "read_metrics")
    assert old.draft.metrics == [] and new.draft.metrics == ["revenue", "nights"]
    assert new.metric_at == {0: "revenue", 2: "nights"}


def test_nouns_after_values(lex: Lexicon) -> None:
    old, new = run("revenue for guests from France", lex, "nouns_after_values")
    assert old.draft.metrics == ["revenue", "guests_count"]
    assert new.draft.metrics == ["revenue"] and new.draft.entities == [("guests", "guests")]


def test_metric_pairs_refuses_two_metrics_side_by_side(clinic: Lexicon) -> None:
    with pytest.raises(Refusal, match="name two metrics"):
        run("fees by no-show visits", clinic, "metric_pairs")


def test_value_filters(lex: Lexicon) -> None:
    old, new = run("bookings not from Canada", lex, "value_filters")
    assert old.draft.filters == {} and new.draft.filters == {("country", True): ["Canada"]}


def test_compared_values(lex: Lexicon) -> None:
    old, new = run("revenue from Gold vs Silver guests", lex, "compared_values")
    assert old.draft.dimensions == [] and new.draft.dimensions == ["tier"]


def test_groupings(lex: Lexicon) -> None:
    old, new = run("top 3 room types by revenue last year", lex, "groupings")
    assert old.draft.dimensions == [] and new.draft.dimensions == ["room_type"]


def test_groupings_show_an_entitys_key_beside_its_name() -> None:
    # the key column is quoted in the dimension and bare in the relationship: still the key
    import copy

    from nexatron.nlq import build_lexicon
    from nexatron.semantic.model import SemanticLayer

    from .passes_layer import CLINIC, CLINIC_VALUES

    layer = copy.deepcopy(CLINIC)
    layer["dimensions"] += [  # type: ignore[operator]
        {"name": "patient_id", "type": "number", "table": "patients", "expr": '"patient_id"'},
        {"name": "patient_name", "table": "patients", "expr": "patient_name"},
    ]
    keyed = build_lexicon(SemanticLayer.model_validate(layer), CLINIC_VALUES)
    old, new = run("visits per patient", keyed, "groupings")
    assert old.draft.dimensions == []
    assert new.draft.dimensions == ["patient_id", "patient_name"]
    assert new.draft.keys == ["patient_id"]


def test_times(lex: Lexicon) -> None:
    _, new = run("average booking value per month this year", lex, "times")
    assert new.draft.grain == "month" and new.draft.range is not None
    assert new.draft.range.start == dt.date(2026, 1, 1)


def test_reachable_metrics_swaps_a_metric_that_cannot_be_split(clinic: Lexicon) -> None:
    question = "charges by procedure"
    state = ParseState(segment(question, clinic, CTX, tokenize(question)), clinic)
    state.draft.metrics, state.metric_at = ["visit_charges"], {0: "visit_charges"}
    state.metric_uses = {"visit_charges": 1}
    state.draft.dimensions = ["procedure"]
    PASSES[PASS_NAMES.index("reachable_metrics")](state)
    assert state.draft.metrics == ["line_charges"]


def test_ranking(lex: Lexicon) -> None:
    old, new = run("top 3 room types by revenue last year", lex, "ranking")
    assert old.draft.limit is None and (new.draft.order_desc, new.draft.limit) == (True, 3)


def test_implicit_count(lex: Lexicon) -> None:
    old, new = run("which channel is most common", lex, "implicit_count")
    assert old.draft.metrics == [] and new.draft.metrics == ["bookings_count"]


def test_dated_count(clinic: Lexicon) -> None:
    old, new = run("how many patients registered in 2025", clinic, "dated_count")
    assert old.draft.metrics == [] and new.draft.metrics == ["patients_count"]


def test_comparisons(lex: Lexicon) -> None:
    old, new = run("countries with revenue over 1000", lex, "comparisons")
    assert old.draft.metric_filters == []
    assert [(f.field, f.op, f.values) for f in new.draft.metric_filters] == [
        ("revenue", ">", [1000])
    ]


def test_kept_filters(clinic: Lexicon) -> None:
    old, new = run("fees for no-show visits", clinic, "kept_filters")
    assert old.draft.filters == {} and new.draft.filters == {("no_show", False): [True]}


def test_defined_subsets(clinic: Lexicon) -> None:
    old, new = run("visits that were closed last month", clinic, "defined_subsets")
    assert old.draft.metrics == ["visits_count"] and new.draft.metrics == ["closed_visits"]
    assert new.draft.filters == {}


def test_leftover_words(lex: Lexicon) -> None:
    old, new = run("revenue blorp", lex, "leftover_words")
    assert old.draft.unmatched == [] and new.draft.unmatched == ["blorp"]


def test_described_entities(lex: Lexicon) -> None:
    old, new = run("revenue from Gold vs Silver guests", lex, "described_entities")
    assert old.draft.described == set() and new.draft.described == {"guests"}


def test_explained_words(lex: Lexicon) -> None:
    old, new = run("which channel is most common", lex, "explained_words")
    assert [e.text for e in old.draft.explanation] == ["channel"]
    added = new.draft.explanation[len(old.draft.explanation) :]
    assert [(e.text, e.kind) for e in added] == [("most common", "context")]


def test_every_pass_has_a_test() -> None:
    tested = {name for name in globals() if name.startswith("test_")}
    missing = [n for n in PASS_NAMES if not any(n in t for t in tested)]
    assert missing == []


def test_a_pass_may_ask(clinic: Lexicon) -> None:
    with pytest.raises(Clarification):
        run("charges by city", clinic, "read_metrics")


def test_absent_children(clinic: Lexicon) -> None:
    old, new = run("patients who never had a visit", clinic, "absent_children")
    assert old.draft.absent == []
    assert [a.table for a in new.draft.absent] == ["visits"]
    assert new.draft.row_entity == "patients"
    assert {new.items[k].text for k in new.used} >= {"never", "visit"}


def test_ranked_rows(clinic: Lexicon) -> None:
    old, new = run("the 3 most expensive visits", clinic, "ranked_rows")
    assert old.draft.row_order == []
    assert [(o.field, o.desc) for o in new.draft.row_order] == [("fee", True)]
    assert new.draft.limit == 3 and new.draft.row_entity == "visits"


def test_row_shape(clinic: Lexicon) -> None:
    old, new = run("list the patients and their cities", clinic, "row_shape")
    assert old.draft.columns is None
    assert new.draft.columns == ["city"] and new.draft.row_entity == "patients"
    assert new.draft.metrics == [] and new.draft.dimensions == []
    _, grouped = run("fees by department", clinic, "row_shape")
    assert grouped.draft.columns is None


def test_name_words() -> None:
    from nexatron.nlq import build_lexicon
    from nexatron.semantic.model import SemanticLayer

    layer = SemanticLayer.model_validate(
        {
            "metrics": [{"name": "singers", "table": "singer", "agg": "count"}],
            "dimensions": [
                {"name": "singer_name", "label": "Singer name", "table": "singer", "expr": "nm"},
                {"name": "age", "label": "Age", "table": "singer", "expr": "age", "type": "number"},
            ],
        }
    )
    lex = build_lexicon(layer)
    old, new = run("list the names and ages of singers", lex, "name_words")
    assert "singer_name" not in old.draft.dimensions
    assert new.draft.dimensions == ["singer_name"]
    _, counted = run("how many names of singers", lex, "name_words")  # asks for a number
    assert counted.draft.dimensions == []


def test_measure_columns() -> None:
    from nexatron.nlq import build_lexicon
    from nexatron.semantic.model import SemanticLayer

    fee = {"table": "singer", "expr": "fee", "synonyms": ["fees"]}
    layer = SemanticLayer.model_validate(
        {
            "metrics": [
                {"name": "singers", "table": "singer", "agg": "count"},
                {"name": "total_fee", "agg": "sum", **fee},
                {"name": "avg_fee", "agg": "avg", **fee},
            ],
            "dimensions": [
                {"name": "singer_name", "label": "Singer name", "table": "singer", "expr": "nm"},
                {"name": "fee", "label": "Fee", "table": "singer", "expr": "fee", "type": "number"},
            ],
        }
    )
    lex = build_lexicon(layer)
    old, new = run("list the singers with their fees", lex, "measure_columns")
    assert old.readings[-1] is not None and old.readings[-1].kind == "metric"
    assert new.readings[-1] is not None and new.readings[-1].targets == ["fee"]
    _, total = run("list the singers with their total fees", lex, "measure_columns")
    assert total.readings[-1] is not None and total.readings[-1].kind == "metric"


def test_ranking_verbs() -> None:
    from nexatron.nlq import build_lexicon
    from nexatron.semantic.model import SemanticLayer

    layer = SemanticLayer.model_validate(
        {
            "metrics": [
                {"name": "concerts", "table": "concert", "agg": "count"},
                {"name": "stadiums", "table": "stadium", "agg": "count"},
            ],
            "dimensions": [
                {"name": "stadium_id", "table": "stadium", "expr": "stadium_id", "type": "number"},
                {"name": "stadium_name", "label": "Stadium name", "table": "stadium", "expr": "nm"},
                {"name": "concert_stadium_id", "table": "concert", "expr": "stadium_id"},
            ],
            "relationships": [
                {
                    "from_table": "concert",
                    "from_columns": ["stadium_id"],
                    "to_table": "stadium",
                    "to_columns": ["stadium_id"],
                }
            ],
        }
    )
    lex = build_lexicon(layer)
    old, new = run("which stadium hosted the most concerts", lex, "ranking_verbs")
    assert 2 not in old.used and 2 in new.used
    assert [e.text for e in new.draft.explanation if e.kind == "context"] == ["hosted"]


def _orders_lexicon(items: bool = True) -> Lexicon:
    from nexatron.nlq import build_lexicon
    from nexatron.semantic.model import SemanticLayer

    layer = {
        "metrics": [{"name": "orders_count", "label": "Orders", "table": "orders", "agg": "count"}],
        "dimensions": [
            {"name": "order_id", "type": "number", "table": "orders", "expr": "order_id"},
            {"name": "amount", "type": "number", "table": "orders", "expr": "amount"},
            *([{"name": "items", "type": "number", "table": "orders", "expr": "items"}] * items),
        ],
    }
    return build_lexicon(SemanticLayer.model_validate(layer), {})


def test_comparisons_bound_each_counted_row_by_its_one_measure() -> None:
    old, new = run("how many orders were over 100", _orders_lexicon(items=False), "comparisons")
    assert old.draft.dim_filters == [] and new.draft.metric_filters == []
    assert [(f.field, f.op, f.values) for f in new.draft.dim_filters] == [("amount", ">", [100])]
    assert any("amount" in a for a in new.draft.assumptions)  # announced
    # two measures (amount, items): 'over 100' names neither; left a threshold on the count,
    # which understand refuses (no breakdown)
    lex = _orders_lexicon()
    _, both = run("how many orders were over 100", lex, "comparisons")
    assert both.draft.dim_filters == [] and len(both.draft.metric_filters) == 1
    _, priced = run("how many orders cost more than $100", lex, "comparisons")
    assert [(f.field, f.op, f.values) for f in priced.draft.dim_filters] == [("amount", ">", [100])]


def test_comparisons_read_a_number_before_a_counted_column_as_its_value() -> None:
    lex = _orders_lexicon()
    old, new = run("how many orders have 3 items", lex, "comparisons")
    assert old.draft.dim_filters == []
    assert [(f.field, f.op, f.values) for f in new.draft.dim_filters] == [("items", "=", [3])]
    assert any("= 3" in a for a in new.draft.assumptions)


def _concerts_lexicon() -> Lexicon:
    from nexatron.nlq import build_lexicon
    from nexatron.semantic.model import SemanticLayer

    layer = {
        "metrics": [
            {"name": "stadiums", "label": "Stadiums", "table": "stadium", "agg": "count"},
            {"name": "concerts", "label": "Concerts", "table": "concert", "agg": "count"},
            {"name": "singers", "label": "Singers", "table": "singer", "agg": "count"},
        ],
        "dimensions": [
            {"name": "stadium_id", "type": "number", "table": "stadium", "expr": "stadium_id"},
            {"name": "concert_stadium", "type": "number", "table": "concert", "expr": "stadium_id"},
            {"name": "city", "table": "stadium", "expr": "city"},
        ],
        "relationships": [
            {
                "from_table": "concert",
                "from_columns": ["stadium_id"],
                "to_table": "stadium",
                "to_columns": ["stadium_id"],
            }
        ],
    }
    return build_lexicon(SemanticLayer.model_validate(layer), {"city": ["Leeds"]})


def test_distinct_entities() -> None:
    lex = _concerts_lexicon()
    old, new = run("how many distinct stadiums have hosted a concert", lex, "distinct_entities")
    assert old.draft.aggregates == []
    assert [(a.agg, a.dimension) for a in new.draft.aggregates] == [
        ("count_distinct", "concert_stadium")
    ]
    assert any("distinct" in a for a in new.draft.assumptions)
    # another thing named after the rows: not this reading (left to the passes that refuse)
    _, other = run(
        "how many distinct stadiums hosted a concert for singers", lex, "distinct_entities"
    )
    assert other.draft.aggregates == []
    # no distinct word and no 'at least one': a count of rows, not of entities
    _, plain = run("how many stadiums hosted a concert", lex, "distinct_entities")
    assert plain.draft.aggregates == []


def test_distinct_entities_leave_two_links_to_the_passes_that_refuse() -> None:
    # concerts point to their stadium, and bookings link stadiums and concerts too: the verb
    # ('booked') may mean either link
    from nexatron.nlq import build_lexicon
    from nexatron.semantic.model import SemanticLayer

    layer = _concerts_lexicon().layer.model_dump()
    layer["dimensions"].append(
        {"name": "booking_stadium", "type": "number", "table": "booking", "expr": "stadium_id"}
    )
    for column, table in (("stadium_id", "stadium"), ("concert_id", "concert")):
        layer["relationships"].append(
            {
                "from_table": "booking",
                "from_columns": [column],
                "to_table": table,
                "to_columns": [column],
            }
        )
    lex = build_lexicon(SemanticLayer.model_validate(layer), {})
    _, new = run("how many distinct stadiums have booked a concert", lex, "distinct_entities")
    assert new.draft.aggregates == []


def test_how_much() -> None:
    from nexatron.nlq import build_lexicon
    from nexatron.semantic.model import SemanticLayer

    metrics: list[dict[str, object]] = [
        {"name": "pledges", "label": "Number of pledges", "table": "pledges", "agg": "count"},
        {"name": "total_amount", "table": "pledges", "agg": "sum", "expr": "amount"},
        {"name": "total_likes", "table": "pledges", "agg": "sum", "expr": "likes"},
    ]
    lex = build_lexicon(SemanticLayer.model_validate({"metrics": metrics}), {})
    old, new = run("how much was pledged", lex, "how_much")
    assert old.draft.metrics == ["pledges"] and new.draft.metrics == ["total_amount"]
    assert any("not the number of pledges" in a for a in new.draft.assumptions)
    # no amount among the table's sums: refused, never answered with the count
    counts_only = build_lexicon(SemanticLayer.model_validate({"metrics": metrics[:1]}), {})
    with pytest.raises(Refusal):
        run("how much was pledged", counts_only, "how_much")


def test_comparisons_read_the_verb_linking_a_count_to_its_entity_as_context() -> None:
    lex = _concerts_lexicon()
    old, new = run("stadiums that hosted more than 2 concerts", lex, "comparisons")
    hosted = 2
    assert hosted not in old.used and hosted in new.used
    assert [(f.field, f.op, f.values) for f in new.draft.metric_filters] == [("concerts", ">", [2])]
    # singers do not point to stadiums: the verb stays unmatched (refused later)
    _, other = run("stadiums that hosted more than 2 singers", lex, "comparisons")
    assert hosted not in other.used


def test_unasked_counts(clinic: Lexicon) -> None:
    old, new = run("insured patients", clinic, "unasked_counts")
    assert old.draft.assumptions == []
    assert any("number of rows that match" in a for a in new.draft.assumptions)
    _, counted = run("how many insured patients", clinic, "unasked_counts")
    assert not any("number of rows that match" in a for a in counted.draft.assumptions)


def test_dated_verbs(clinic: Lexicon) -> None:
    old, new = run("how many patients were logged in 2025", clinic, "dated_verbs")
    assert old.draft.time_dim is None and new.draft.time_dim == "registered_at"
    # visits have two dates and 'logged' names neither: left for leftover_words
    _, other = run("how many visits were logged in 2025", clinic, "dated_verbs")
    assert other.draft.time_dim is None


def test_stated_units(clinic: Lexicon) -> None:
    old, new = run("time spent in mins", clinic, "stated_units")
    assert len(new.used) == len(old.used) + 1  # time_spent sums 'minutes': its own unit
    old, new = run("time spent in hours", clinic, "stated_units")
    assert new.used == old.used  # a conversion: left for leftover_words to refuse


def test_year_periods() -> None:
    from nexatron.nlq import build_lexicon
    from nexatron.semantic.model import SemanticLayer

    layer = SemanticLayer.model_validate(
        {
            "metrics": [{"name": "mills", "table": "mills", "agg": "count"}],
            "dimensions": [
                {"name": "built_year", "table": "mills", "expr": "built_year", "type": "number"},
            ],
        }
    )
    lex = build_lexicon(layer, {})
    old, new = run("how many mills before 1900", lex, "year_periods")
    assert old.draft.range is not None and new.draft.range is None
    assert [(f.field, f.op, f.values) for f in new.draft.dim_filters] == [
        ("built_year", "<", [1900])
    ]


def test_whole_collection(clinic: Lexicon) -> None:
    old, new = run("how many patients are in the system", clinic, "whole_collection")
    assert len(new.used) == len(old.used) + 1 and new.draft.assumptions
    _, ward = run("how many patients are in the ward", clinic, "whole_collection")
    assert not ward.draft.assumptions


def test_money_nouns() -> None:
    from nexatron.nlq import build_lexicon
    from nexatron.semantic.model import SemanticLayer

    layer = SemanticLayer.model_validate(
        {
            "metrics": [
                {"name": "rentals", "table": "rentals", "agg": "count"},
            ],
            "dimensions": [
                {"name": "rented_on", "table": "rentals", "expr": "rented_on", "type": "time"},
                {
                    "name": "amount_paid",
                    "table": "rentals",
                    "expr": "amount_paid",
                    "type": "number",
                },
            ],
        }
    )
    lex = build_lexicon(layer, {})
    old, new = run("rental revenue", lex, "money_nouns")
    assert old.draft.aggregates == [] and old.used == set()
    assert [(a.agg, a.dimension) for a in new.draft.aggregates] == [("sum", "amount_paid")]
    assert new.used == {0, 1}
    assert any("as the total of amount_paid" in a for a in new.draft.assumptions)


def test_headcount() -> None:
    from nexatron.nlq import build_lexicon
    from nexatron.semantic.model import SemanticLayer

    metrics: list[dict[str, object]] = [
        {"name": "employees", "table": "emp", "agg": "count"},
        {"name": "offices", "table": "office", "agg": "count"},
    ]
    lex = build_lexicon(SemanticLayer.model_validate({"metrics": metrics}), {})
    old, new = run("headcount", lex, "headcount")
    assert old.draft.metrics == [] and new.draft.metrics == ["employees"]
    assert new.used == {0}
    assert new.draft.assumptions == ["read 'headcount' as the employees"]
    # two tables of employed people: no guess, the word stays for leftover_words to refuse
    two = build_lexicon(
        SemanticLayer.model_validate(
            {"metrics": [*metrics, {"name": "staff", "table": "staff", "agg": "count"}]}
        ),
        {},
    )
    _, new = run("headcount", two, "headcount")
    assert new.draft.metrics == [] and new.used == set()
