"""The summary of a row-level answer says what was listed, as asked."""

from __future__ import annotations

from nexatron.answer.summary import summarize
from nexatron.semantic.model import (
    Dimension,
    Metric,
    OutputColumn,
    Relationship,
    SemanticLayer,
    SemanticQuery,
)

LAYER = SemanticLayer(
    metrics=[Metric(name="concerts", table="concert", agg="count")],
    dimensions=[
        Dimension(name="stadium_name", label="Stadium name", table="stadium", expr="name"),
        Dimension(
            name="capacity", label="Capacity", table="stadium", expr="capacity", type="number"
        ),
        Dimension(name="concert_year", label="Year", table="concert", expr="year", type="number"),
    ],
    relationships=[
        Relationship(
            from_table="concert", from_columns=["stadium_id"], to_table="stadium", to_columns=["id"]
        )
    ],
)
COLUMNS = [
    OutputColumn(name="stadium_name", role="dimension", ref="stadium_name", label="Stadium name"),
    OutputColumn(
        name="capacity", role="dimension", ref="capacity", label="Capacity", type="number"
    ),
]


def _say(query: dict[str, object], rows: list[list[object]]) -> str:
    return summarize(
        None,
        SemanticQuery.model_validate(query),
        COLUMNS,
        rows,
        range_label=None,
        truncated=False,
        layer=LAYER,
    )


def test_a_filtered_listing_is_counted_with_its_filter() -> None:
    rows = [[f"S{i}", 6000 + i] for i in range(12)]
    text = _say(
        {
            "columns": ["stadium_name", "capacity"],
            "filters": [{"field": "capacity", "op": ">", "values": [5000]}],
        },
        rows,
    )
    assert text == "12 stadiums with capacity above 5000."


def test_an_anti_join_and_few_rows_name_them() -> None:
    text = _say({"columns": ["stadium_name"], "absent": [{"table": "concert"}]}, [["Alloa"]])
    assert text == "1 stadium with no concerts: Alloa."


def test_a_row_ranking_says_how_it_ranked_and_the_tie() -> None:
    query = {
        "columns": ["stadium_name", "capacity"],
        "order": [{"field": "capacity", "desc": True}],
        "limit": 1,
    }
    text = _say(query, [["Queen's Park", 52500], ["Wembley", 52500]])
    assert text.startswith("The 1 stadium with the highest capacity (2 rows, tied at the cut)")
    assert "Queen's Park and Wembley" in text
