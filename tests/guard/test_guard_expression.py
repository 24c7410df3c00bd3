"""check_expression: the same rules on an already-built tree, plus verbatim-text leaves."""

from __future__ import annotations

import datetime as dt
from pathlib import Path
from typing import Any

import pytest
import sqlglot
import yaml
from sqlglot import exp

from nexatron.demo import load_demo_layer
from nexatron.guard import GuardRejected, check_expression, check_sql
from nexatron.semantic.compiler import compile_query
from nexatron.semantic.model import SemanticQuery

from .guard_support import ALLOWED, CORPUS

IDS = [f"{a['dialect']}-{i}" for i, a in enumerate(CORPUS)]
LEGIT: list[str] = yaml.safe_load((Path(__file__).parent / "legit_corpus.yaml").read_text("utf-8"))[
    "queries"
]
DIALECTS = ["duckdb", "postgres", "mysql", "sqlite", "tsql", "snowflake", "bigquery"]


def _parsed(sql: str, dialect: str) -> list[exp.Expr]:
    try:
        return [t for t in sqlglot.parse(sql, read=dialect) if t is not None]
    except sqlglot.errors.SqlglotError:
        return []


def _verdict(tree: exp.Expr, dialect: str) -> str | None:
    try:
        check_expression(tree, dialect, allowed_tables=ALLOWED)
    except GuardRejected as error:
        assert error.status_code == 400 and error.detail
        return error.reason
    return None


@pytest.mark.parametrize("attack", CORPUS, ids=IDS)
def test_parsed_attack_is_rejected(attack: dict[str, Any]) -> None:
    dialect = attack["dialect"]
    trees = _parsed(attack["sql"], dialect)
    verdicts = [_verdict(tree, dialect) for tree in trees]
    if not trees:  # sqlglot cannot parse it: the text guard must refuse it as it is
        with pytest.raises(GuardRejected):
            check_sql(attack["sql"], dialect, allowed_tables=ALLOWED)
    if len(trees) == 1:
        assert verdicts[0] is not None, attack["sql"]
    if len(trees) > 1:  # a batch: the harmful statement is refused, what passes is harmless
        assert any(v is not None for v in verdicts)
        for tree, verdict in zip(trees, verdicts, strict=True):
            if verdict is None:
                check_sql(tree.sql(dialect=dialect), dialect, allowed_tables=ALLOWED)


def test_most_of_the_corpus_parses_so_the_test_above_proves_something() -> None:
    parsed = sum(1 for a in CORPUS if _parsed(a["sql"], a["dialect"]))
    assert parsed >= len(CORPUS) - 10


@pytest.mark.parametrize("sql", LEGIT)
def test_legit_queries_pass_both_ways(sql: str) -> None:
    allowed = {"public.stores", "public.sales"}
    tree = sqlglot.parse_one(sql, read="postgres")
    check_expression(tree, "postgres", allowed_tables=allowed)
    check_expression(check_sql(sql, "postgres", allowed_tables=allowed), "postgres",
                     allowed_tables=allowed)  # fmt: skip


def _demo_queries() -> list[dict[str, Any]]:
    start, end = dt.date(2024, 1, 1).isoformat(), dt.date(2024, 7, 1).isoformat()
    return [
        {"metrics": ["total_sales", "quantity_sold"], "dimensions": ["region", "category"],
         "time": {"dimension": "order_date", "grain": "month",
                  "range": {"start": start, "end": end}}, "limit": 100},
        {"metrics": ["average_order_value"], "dimensions": ["region"],
         "time": {"dimension": "order_date", "grain": "quarter"}},
        {"metrics": ["order_count", "total_sales"], "dimensions": ["channel"],
         "filters": [{"field": "segment", "op": "in", "values": ["Consumer", "O'Brien"]}]},
    ]  # fmt: skip


@pytest.mark.parametrize("dialect", DIALECTS)
def test_compiled_queries_pass(dialect: str) -> None:
    layer = load_demo_layer()
    tables = {"order_items", "orders", "customers", "products", "channels"}
    for spec in _demo_queries():
        compiled = compile_query(layer, SemanticQuery.model_validate(spec), dialect)
        tree = sqlglot.parse_one(compiled.sql, read=dialect)
        check_expression(tree, dialect, allowed_tables=tables)
        check_sql(compiled.sql, dialect, allowed_tables=frozenset(tables))
        with pytest.raises(GuardRejected) as info:
            check_expression(tree, dialect, allowed_tables={"orders"})
        assert info.value.reason == "table"


def _commented(comment: str) -> exp.Expr:
    column = exp.column("id")
    column.add_comments([comment])
    return column


def _select(leaf: exp.Expr) -> exp.Select:
    return exp.select(leaf).from_("accounts")


@pytest.mark.parametrize(
    ("tree", "reason"),
    [
        (exp.select("*").from_(exp.Table(this=exp.Identifier(this="accounts; DROP TABLE audit"))),
         "text"),
        (_select(exp.column(exp.Identifier(this="id FROM audit --", quoted=False))), "text"),
        (_select(exp.Literal(this="1; DELETE FROM accounts", is_string=False)), "text"),
        (_select(exp.Var(this="1 UNION SELECT note FROM audit")), "text"),
        (_select(exp.column("id")).join(
            exp.Join(this=exp.to_table("audit"), side="LEFT; DROP TABLE audit --")), "text"),
        (_select(_commented("!50000 , SLEEP(5)")), "executable_comment"),
        (_select(_commented("x\u202e")), "character"),
        (_select(exp.Literal.string("x\u200by")), "character"),
        (_select(exp.Anonymous(this="pg_sleep", expressions=[exp.Literal.number(5)])), "function"),
        (exp.select("*").from_(exp.func("read_csv", exp.Literal.string("/x"))), "function"),
        (exp.select("*").from_("secrets"), "table"),
        (exp.select("*").from_("pg_catalog.pg_shadow"), "table"),
        (exp.delete("accounts"), "statement_type"),
        (exp.select("*").from_("x").with_("x", exp.delete("accounts")), "statement_type"),
        (exp.select("*").from_("accounts").lock(), "statement_type"),
    ],
)  # fmt: skip
def test_built_trees_that_would_render_an_attack_are_rejected(tree: exp.Expr, reason: str) -> None:
    with pytest.raises(GuardRejected) as info:
        check_expression(tree, "postgres", allowed_tables=ALLOWED)
    assert info.value.reason == reason, info.value.detail


def test_quoted_and_string_leaves_are_escaped_so_they_pass() -> None:
    tree = exp.select(
        exp.column(exp.Identifier(this='odd "name"; x', quoted=True)),
        exp.Literal.string("it's; DROP TABLE audit"),
        exp.Literal.number(-1.5),
    ).from_("accounts")
    check_expression(tree, "postgres", allowed_tables=ALLOWED)
    rendered = tree.sql(dialect="postgres")
    assert check_sql(rendered, "postgres", allowed_tables=ALLOWED).sql("postgres") == rendered


def test_non_tree_and_unknown_dialect() -> None:
    with pytest.raises(GuardRejected):
        check_expression("SELECT 1", "duckdb", allowed_tables=None)  # type: ignore[arg-type]
    with pytest.raises(ValueError):
        check_expression(exp.select("1"), "no-such-dialect", allowed_tables=None)
