"""Words people type that a schema does not spell: other names of an entity (clients for
customers), income words for the one income-like money column, and "years of experience" for
`yrsExp` (averaged, highest, lowest: never summed)."""

from __future__ import annotations

from nexatron.semantic.bootstrap import bootstrap
from nexatron.semantic.model import SemanticLayer
from nexatron.warehouse.types import ColumnInfo, SchemaSnapshot, TableInfo


def _table(name: str, *cols: tuple[str, str, str]) -> TableInfo:
    return TableInfo(
        name=name,
        columns=[ColumnInfo(name=c, type=t, native_type=n) for c, t, n in cols],  # type: ignore[arg-type]
    )


INT = ("integer", "INTEGER")
MONEY = ("decimal", "DECIMAL(12,2)")


def _schema(*tables: TableInfo) -> SchemaSnapshot:
    return SchemaSnapshot(tables=list(tables))


def test_entity_synonyms_income_words_and_experience() -> None:
    schema = _schema(
        _table("customers", ("customer_id", *INT), ("name", "string", "VARCHAR")),
        _table(
            "rentals",
            ("rental_id", *INT),
            ("customer_id", *INT),
            ("total_charge", *MONEY),
            ("daily_rate", *MONEY),
            ("repair_cost", *MONEY),
        ),
        _table("agents", ("agent_id", *INT), ("yrsExp", *INT)),
    )
    layer = bootstrap(schema, SemanticLayer(), None).layer
    customers = layer.metric("customers")
    assert customers is not None and "clients" in customers.synonyms
    total = next(m for m in layer.metrics if m.agg == "sum" and m.expr == "total_charge")
    assert {"revenue", "sales"} <= set(total.synonyms)
    others = [m for m in layer.metrics if m.expr in ("daily_rate", "repair_cost")]
    assert not any("revenue" in m.synonyms for m in others)
    experience = [m for m in layer.metrics if m.expr == '"yrsExp"']
    assert {m.agg for m in experience} == {"avg", "max", "min"}
    assert any("average years of experience" in m.synonyms for m in experience)


def test_no_income_words_when_several_columns_could_be_income() -> None:
    schema = _schema(
        _table("claims", ("claim_id", *INT), ("claim_amount", *MONEY)),
        _table("payments", ("payment_id", *INT), ("payment_amount", *MONEY)),
    )
    result = bootstrap(schema, SemanticLayer(), None)
    assert not any("revenue" in m.synonyms for m in result.layer.metrics)
    refused = {r.name: r.reason for r in result.report.refused}
    assert "several money columns" in refused["revenue"]


def test_a_schema_with_a_clients_table_keeps_customers_apart() -> None:
    schema = _schema(
        _table("customers", ("customer_id", *INT)),
        _table("clients", ("client_id", *INT)),
    )
    layer = bootstrap(schema, SemanticLayer(), None).layer
    customers = layer.metric("customers")
    assert customers is not None and not any("client" in s for s in customers.synonyms)


def test_naming_columns_answer_to_name_and_year_columns_to_their_event() -> None:
    schema = _schema(
        _table(
            "teams",
            ("team_id", *INT),
            ("team_name", "string", "VARCHAR"),
            ("founded_year", *INT),
            ("city", "string", "VARCHAR"),
        ),
        _table("vessels", ("vslNo", *INT), ("vslNm", "string", "VARCHAR"), ("buildYr", *INT)),
    )
    layer = bootstrap(schema, SemanticLayer(), None).layer
    team_name = layer.dimension("team_name")
    assert team_name is not None and "name" in team_name.synonyms
    city = layer.dimension("city")
    assert city is not None and "name" not in city.synonyms
    founded = layer.dimension("founded_year")
    assert founded is not None and "founded" in founded.synonyms
    built = next(d for d in layer.dimensions if d.expr == '"buildYr"')
    assert {"built", "build"} <= set(built.synonyms)
