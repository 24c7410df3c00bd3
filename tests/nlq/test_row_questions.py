"""Row-level questions end to end on bootstrapped layers of three domains (no hand edits):
listings, anti-joins and row rankings are parsed, compiled, executed on DuckDB and compared
with hand-written SQL; each pass of `nlq.row_queries` is also run on its own."""

from __future__ import annotations

import datetime as dt
from collections.abc import Iterator
from pathlib import Path
from typing import Any

import duckdb
import pytest

from nexatron.evaluation.compare import rows_match
from nexatron.evaluation.datasets import bootstrap_duckdb, build_dataset
from nexatron.evaluation.run import answer_warnings, value_index
from nexatron.nlq import DateContext, Lexicon, Refusal, build_lexicon
from nexatron.nlq.passes import PASSES
from nexatron.nlq.row_queries import absent_children, ranked_rows, row_shape
from nexatron.nlq.segment import segment
from nexatron.nlq.state import ParseState
from nexatron.nlq.text import tokenize
from nexatron.nlq.time_and_ranking import ranking
from nexatron.nlq.understand import understand
from nexatron.semantic.compiler import compile_query
from nexatron.semantic.model import SemanticLayer

ROOT = Path(__file__).resolve().parents[2] / "eval" / "dayone" / "datasets"
CTX = DateContext(now=dt.datetime(2026, 6, 17, 10, tzinfo=dt.UTC))


class Domain:
    def __init__(self, layer: SemanticLayer, con: duckdb.DuckDBPyConnection) -> None:
        self.layer, self.con = layer, con
        self.lex: Lexicon = build_lexicon(layer, value_index(con, layer))

    def ask(self, question: str) -> tuple[list[tuple[Any, ...]], list[str], Any]:
        plan = understand(question, self.lex, ctx=CTX)
        compiled = compile_query(self.layer, plan.query, "duckdb", row_cap=10_000)
        rows = self.con.execute(compiled.sql).fetchall()
        return rows, answer_warnings(plan, compiled.columns, rows), plan

    def gold(self, sql: str) -> list[tuple[Any, ...]]:
        return self.con.execute(sql).fetchall()


def _domain(name: str, tmp: Path) -> Iterator[Domain]:
    db = build_dataset(ROOT / f"{name}.py", tmp / f"{name}.duckdb")
    layer = bootstrap_duckdb(db).layer
    con = duckdb.connect(str(db), read_only=True)
    try:
        yield Domain(layer, con)
    finally:
        con.close()


@pytest.fixture(scope="module")
def library(tmp_path_factory: pytest.TempPathFactory) -> Iterator[Domain]:
    yield from _domain("library", tmp_path_factory.mktemp("library"))


@pytest.fixture(scope="module")
def concerts(tmp_path_factory: pytest.TempPathFactory) -> Iterator[Domain]:
    yield from _domain("concerts", tmp_path_factory.mktemp("concerts"))


@pytest.fixture(scope="module")
def museum(tmp_path_factory: pytest.TempPathFactory) -> Iterator[Domain]:
    yield from _domain("museum", tmp_path_factory.mktemp("museum"))


@pytest.fixture(scope="module")
def restaurants(tmp_path_factory: pytest.TempPathFactory) -> Iterator[Domain]:
    yield from _domain("restaurants", tmp_path_factory.mktemp("restaurants"))


@pytest.fixture(scope="module")
def insurance(tmp_path_factory: pytest.TempPathFactory) -> Iterator[Domain]:
    yield from _domain("insurance", tmp_path_factory.mktemp("insurance"))


@pytest.fixture(scope="module")
def hr(tmp_path_factory: pytest.TempPathFactory) -> Iterator[Domain]:
    yield from _domain("hr", tmp_path_factory.mktemp("hr"))


@pytest.fixture(scope="module")
def university(tmp_path_factory: pytest.TempPathFactory) -> Iterator[Domain]:
    yield from _domain("university", tmp_path_factory.mktemp("university"))


@pytest.fixture(scope="module")
def shop(tmp_path_factory: pytest.TempPathFactory) -> Iterator[Domain]:
    yield from _domain("shop", tmp_path_factory.mktemp("shop"))


def _same(
    got: list[tuple[Any, ...]], gold: list[tuple[Any, ...]], ordered: bool = False, plan: Any = None
) -> None:
    """Same rows; the answer's row-key columns (`plan.query.keys`) may be missing from the gold."""
    assert gold, "the gold query should return rows"
    keys = ()
    if plan is not None and plan.query.columns:
        keys = tuple(plan.query.columns.index(k) for k in plan.query.keys)
    assert rows_match(got, gold, ordered, keys), (got[:5], gold[:5])


# -- listings ---------------------------------------------------------------------------------


def test_named_columns_of_filtered_rows(library: Domain) -> None:
    got, _w, plan = library.ask("show the titles and authors of Mystery books")
    assert plan.query.shape == "rows" and plan.query.metrics == []
    _same(got, library.gold("SELECT title, author FROM books WHERE genre = 'Mystery'"), plan=plan)


def test_a_listed_table_with_their_attributes(concerts: Domain) -> None:
    got, warnings, plan = concerts.ask("list the stadiums in Scotland and their capacities")
    _same(
        got,
        concerts.gold("SELECT name, capacity FROM stadium WHERE country = 'Scotland'"),
        plan=plan,
    )
    assert any("listed each row" in w for w in warnings)  # the name column was our choice


def test_a_listing_filtered_on_a_joined_table(shop: Domain) -> None:
    got, _w, plan = shop.ask("list the emails of customers in Dublin")
    assert plan.query.columns == ["customer_email"] or len(plan.query.columns) == 1
    _same(got, shop.gold("SELECT email FROM customers WHERE city = 'Dublin'"), plan=plan)


# -- anti-joins -------------------------------------------------------------------------------


def test_rows_with_no_child_rows(library: Domain) -> None:
    got, warnings, plan = library.ask("Which members have never borrowed a book?")
    assert [a.table for a in plan.query.absent] == ["loans"]
    _same(
        got,
        library.gold(
            "SELECT full_name FROM members WHERE member_id NOT IN (SELECT member_id FROM loans)"
        ),
        plan=plan,
    )
    assert any("no row in 'loans'" in w for w in warnings)


def test_the_count_of_rows_with_no_child_rows(concerts: Domain) -> None:
    got, _w, plan = concerts.ask("how many stadiums have never hosted a concert")
    assert plan.query.metrics == ["stadiums"] and plan.query.absent
    _same(
        got,
        concerts.gold(
            "SELECT count(*) FROM stadium WHERE stadium_id NOT IN (SELECT stadium_id FROM concert)"
        ),
        plan=plan,
    )


def test_an_anti_join_through_a_junction_table(concerts: Domain) -> None:
    got, _w, plan = concerts.ask("singers without any concert")
    assert [a.table for a in plan.query.absent] == ["singer_in_concert"]
    _same(
        got,
        concerts.gold(
            "SELECT name FROM singer WHERE singer_id NOT IN"
            " (SELECT singer_id FROM singer_in_concert)"
        ),
        plan=plan,
    )


def test_products_with_no_orders(shop: Domain) -> None:
    got, _w, plan = shop.ask("products with no order items")
    _same(
        got,
        shop.gold(
            "SELECT title FROM products WHERE product_id NOT IN"
            " (SELECT product_id FROM order_items)"
        ),
        plan=plan,
    )


def test_a_verb_alone_names_the_only_child_table(concerts: Domain) -> None:
    got, warnings, plan = concerts.ask("list the stadiums that were never booked")
    assert [a.table for a in plan.query.absent] == ["concert"]
    _same(
        got,
        concerts.gold(
            "SELECT name FROM stadium WHERE stadium_id NOT IN (SELECT stadium_id FROM concert)"
        ),
        plan=plan,
    )
    assert any("with no concerts" in w for w in warnings)


def test_a_negated_column_of_the_rows_is_a_null_filter(shop: Domain) -> None:
    got, warnings, plan = shop.ask("which customers have no email")
    assert [(f.field, f.op) for f in plan.query.filters] == [("email", "is_null")]
    gold = shop.gold("SELECT full_name FROM customers WHERE email IS NULL")
    assert rows_match(got, gold, False)
    assert any("no value" in w for w in warnings)


def test_a_trailing_verb_after_the_child_names_the_relationship(library: Domain) -> None:
    got, _w, plan = library.ask("members with no loans recorded")
    assert [a.table for a in plan.query.absent] == ["loans"]
    _same(
        got,
        library.gold(
            "SELECT full_name FROM members WHERE member_id NOT IN (SELECT member_id FROM loans)"
        ),
        plan=plan,
    )


def test_bare_names_are_the_listed_tables_name_column(shop: Domain) -> None:
    got, _w, plan = shop.ask("show the names of customers in Dublin")
    assert plan.query.shape == "rows"
    _same(got, shop.gold("SELECT full_name FROM customers WHERE city = 'Dublin'"), plan=plan)


# -- row rankings -----------------------------------------------------------------------------


def test_a_superlative_ranks_rows_by_the_column_it_fits(concerts: Domain) -> None:
    got, warnings, plan = concerts.ask("the 3 oldest singers")
    assert plan.query.order[0].field == "age" and plan.query.order[0].desc
    gold = concerts.gold(
        "SELECT name, age FROM singer WHERE age >= (SELECT age FROM singer"
        " ORDER BY age DESC LIMIT 1 OFFSET 2) ORDER BY age DESC"
    )
    _same(got, gold, plan=plan)
    assert any("ranked" in w and "Age" in w for w in warnings)


def test_a_tie_at_the_cut_keeps_every_tied_row_and_says_so(concerts: Domain) -> None:
    got, warnings, plan = concerts.ask("Which stadium has the highest capacity?")
    assert plan.query.shape == "rows"
    gold = concerts.gold(
        "SELECT name, capacity FROM stadium WHERE capacity = (SELECT max(capacity) FROM stadium)"
    )
    _same(got, gold, plan=plan)
    assert len(gold) > 1 and any("tie" in w for w in warnings)


@pytest.mark.parametrize(
    "question",
    [
        "top 3 stadiums by capacity",
        "the names of the top 3 stadiums with the highest capacity",
        "the 3 stadiums with the largest capacity",
    ],
)
def test_a_top_n_by_the_tables_own_column_ranks_rows(concerts: Domain, question: str) -> None:
    got, _w, plan = concerts.ask(question)
    assert plan.query.shape == "rows" and plan.query.limit == 3
    gold = concerts.gold(
        "SELECT name, capacity FROM stadium WHERE capacity >= (SELECT capacity FROM stadium"
        " ORDER BY capacity DESC LIMIT 1 OFFSET 2)"
    )
    _same(got, gold, plan=plan)


def test_the_cheapest_products(shop: Domain) -> None:
    got, _w, plan = shop.ask("the 4 cheapest products")
    gold = shop.gold(
        "SELECT title, price FROM products WHERE price <= (SELECT price FROM products"
        " ORDER BY price LIMIT 1 OFFSET 3)"
    )
    _same(got, gold, plan=plan)


def test_two_word_superlatives_rank_rows_across_domains(
    museum: Domain, restaurants: Domain, insurance: Domain, hr: Domain
) -> None:
    """'most valuable', 'most expensive', 'largest' (an amount), 'highest paid': the words of a
    two-word superlative are the row ranking's, not a grouped ranking's."""
    cases = [
        (museum, "the 5 most valuable artworks", "SELECT title, insured_value FROM artworks"
         " ORDER BY insured_value DESC LIMIT 5"),
        (restaurants, "the 5 most expensive dishes", 'SELECT "DishName", "Price" FROM "MenuItem"'
         ' ORDER BY "Price" DESC LIMIT 5'),
        (insurance, "top 5 largest claims", 'SELECT "clmNo", "clmAmt" FROM ins_clm'
         ' ORDER BY "clmAmt" DESC LIMIT 5'),
        (hr, "the 6 highest paid employees", 'SELECT "empNo", "empNm", "salAmt" FROM "hrEmp"'
         ' ORDER BY "salAmt" DESC LIMIT 6'),
    ]  # fmt: skip
    for domain, question, sql in cases:
        got, warnings, plan = domain.ask(question)
        assert plan.query.shape == "rows", question
        _same(got, domain.gold(sql), ordered=True, plan=plan)
        assert any(w.startswith("ranked ") for w in warnings), question


def test_listed_rows_show_their_key_beside_their_label(shop: Domain, hr: Domain) -> None:
    """Rows listed by a label the question did not name carry their key too (marked in `keys`),
    so two rows with the same name stay apart."""
    got, _w, plan = shop.ask("Which products were never ordered?")
    assert plan.query.columns == ["product_id", "product_title"]
    assert plan.query.keys == ["product_id"]
    _same(got, shop.gold("SELECT product_id, title FROM products WHERE product_id NOT IN"
                         " (SELECT product_id FROM order_items)"), plan=plan)  # fmt: skip
    _got, _w, plan = hr.ask("the 6 highest paid employees")
    assert plan.query.keys == ["employee_number"]
    _got, _w, plan = shop.ask("list the titles and prices of products")
    assert plan.query.keys == [] and "product_id" not in plan.query.columns


def test_things_by_a_metric_group_by_their_key_and_label(university: Domain) -> None:
    """'top 5 courses by total enrollments': 'courses' names the rows to group (key and label,
    since two courses may share a title), not a second metric."""
    got, _w, plan = university.ask("top 5 courses by total enrollments")
    assert plan.query.dimensions == ["course_code", "course_title"]
    assert plan.query.keys == ["course_code"] and plan.query.limit == 5
    gold = university.gold(
        "SELECT c.course_code, c.title, count(*) AS n FROM enrollments e JOIN sections s"
        " ON e.section_id = s.section_id JOIN courses c ON s.course_code = c.course_code"
        " GROUP BY c.course_code, c.title ORDER BY n DESC LIMIT 5"
    )
    _same(got, gold, ordered=True, plan=plan)


# -- what stays grouped or refused -------------------------------------------------------------


def test_a_count_word_keeps_the_aggregate_shape(concerts: Domain) -> None:
    _got, _w, plan = concerts.ask("show the number of singers per country")
    assert plan.query.shape == "aggregate" and plan.query.metrics == ["singers"]


def test_an_average_ranking_stays_grouped(library: Domain) -> None:
    _got, _w, plan = library.ask("which genre has the highest average price")
    assert plan.query.shape == "aggregate" and plan.query.dimensions == ["genre"]


def test_an_unknown_word_in_a_listing_is_refused(library: Domain) -> None:
    with pytest.raises(Refusal) as caught:
        library.ask("list the books with their glorbs")
    assert "glorbs" in str(caught.value.detail)


# -- each pass on its own ---------------------------------------------------------------------


def _state(question: str, lex: Lexicon, upto: Any) -> ParseState:
    state = ParseState(segment(question, lex, CTX, tokenize(question)), lex)
    for step in PASSES[: PASSES.index(upto)]:
        step(state)
    return state


def test_absent_children_pass(library: Domain) -> None:
    state = _state("members who never borrowed a book", library.lex, absent_children)
    assert state.draft.absent == []
    absent_children(state)
    assert [a.table for a in state.draft.absent] == ["loans"]
    assert state.draft.row_entity == "members"
    words = [state.items[k].text for k in sorted(state.used)]
    assert "never" in words and "book" in words


def test_absent_children_pass_leaves_unrelated_negations(library: Domain) -> None:
    state = _state("loans not returned", library.lex, absent_children)
    absent_children(state)
    assert state.draft.absent == []


def test_ranked_rows_pass(shop: Domain) -> None:
    state = _state("the 2 most expensive products", shop.lex, ranked_rows)
    ranked_rows(state)
    assert [(o.field, o.desc) for o in state.draft.row_order] == [("price", True)]
    assert state.draft.limit == 2 and state.draft.row_entity == "products"


def test_ranking_pass_leaves_the_words_of_a_row_ranking(shop: Domain) -> None:
    state = _state("the 2 most expensive products", shop.lex, ranking)
    ranking(state)
    assert state.draft.order_desc is None and state.draft.row_order[0].field == "price"


def test_ranked_rows_pass_needs_a_number_for_plurals(shop: Domain) -> None:
    state = _state("the most expensive products", shop.lex, ranked_rows)
    ranked_rows(state)
    assert state.draft.row_order == []


def test_row_shape_pass(concerts: Domain) -> None:
    state = _state("Show the names and ages of singers from Japan", concerts.lex, row_shape)
    assert state.draft.columns is None and state.draft.metrics == ["singers"]
    row_shape(state)
    assert state.draft.columns == ["singer_name", "age"] and state.draft.metrics == []
    assert state.draft.row_entity == "singer"


def test_row_shape_pass_keeps_breakdowns(concerts: Domain) -> None:
    state = _state("concerts by stadium", concerts.lex, row_shape)
    row_shape(state)
    assert state.draft.columns is None and state.draft.metrics == ["concerts"]
