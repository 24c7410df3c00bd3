"""Typed model of a connection's semantic layer and of the semantic query compiled against it.

These types are the contract between the API, the understanding stage (parser or LLM planner) and
the compiler. Field references inside a semantic query are metric names and dimension names.
"""

from __future__ import annotations

import datetime as dt
from typing import Any, Literal, Protocol, TypeVar

from pydantic import BaseModel, ConfigDict, Field, PrivateAttr, field_validator, model_validator


class _HasName(Protocol):
    name: str


_Named = TypeVar("_Named", bound=_HasName)

Grain = Literal["day", "week", "month", "quarter", "year"]
GRAINS: tuple[Grain, ...] = ("day", "week", "month", "quarter", "year")
Agg = Literal["sum", "count", "count_distinct", "avg", "min", "max", "median"]
MetricType = Literal["simple", "ratio", "derived", "cumulative"]
DimensionType = Literal["string", "number", "boolean", "time"]
Cardinality = Literal["many_to_one", "one_to_one", "one_to_many"]
FilterOp = Literal[
    "=",
    "!=",
    "in",
    "not_in",
    ">",
    ">=",
    "<",
    "<=",
    "between",
    "contains",
    "starts_with",
    "is_null",
    "is_not_null",
]

NAME_PATTERN = r"^[A-Za-z_][A-Za-z0-9_.]*$"


class _Strict(BaseModel):
    model_config = ConfigDict(extra="forbid")


class Format(_Strict):
    """How a metric's values are shown: number, currency (with ISO code) or percent."""

    kind: Literal["number", "currency", "percent"] = "number"
    currency: str | None = Field(default=None, min_length=3, max_length=3)
    decimals: int | None = Field(default=None, ge=0, le=10)


class Filter(_Strict):
    """A structured filter: `{field, op, values}`. `field` is a dimension name (or, in a
    metric's own filter, a column of the metric's table)."""

    field: str
    op: FilterOp = "="
    values: list[Any] = Field(default_factory=list)


class Metric(_Strict):
    id: str | None = None
    name: str = Field(pattern=NAME_PATTERN, max_length=128)
    label: str | None = None
    description: str | None = None
    synonyms: list[str] = Field(default_factory=list)
    type: MetricType = "simple"
    # simple / cumulative
    table: str | None = None
    agg: Agg | None = None
    expr: str | None = None  # SQL expression over the table's columns; "*" or None for count
    filter: list[Filter] = Field(default_factory=list)
    time_dimension: str | None = None  # name of a time dimension
    # ratio
    numerator: str | None = None
    denominator: str | None = None
    # derived: an expression over other metric names, e.g. "revenue - cost"
    expression: str | None = None
    # cumulative: window over the time dimension (None = running total since the start)
    window: str | None = None
    format: Format = Field(default_factory=Format)
    origin: Literal["user", "bootstrap", "import"] = "user"


class Dimension(_Strict):
    id: str | None = None
    name: str = Field(pattern=NAME_PATTERN, max_length=128)
    label: str | None = None
    description: str | None = None
    synonyms: list[str] = Field(default_factory=list)
    # Other words for values of this dimension, value -> words ("New York": ["NYC", "big apple"]):
    # a question saying "NYC" filters on the value "New York". Taught from a refusal in the web app.
    value_synonyms: dict[str, list[str]] = Field(default_factory=dict)
    table: str
    expr: str  # usually a column name of `table`
    type: DimensionType = "string"
    grains: list[Grain] = Field(default_factory=list)  # for time dimensions; empty means all
    # A role: the name of the relationship to reach `table` through, when several lead there
    # (flights -> airports as origin and as destination). None: the unique shortest path.
    via: str | None = None
    origin: Literal["user", "bootstrap", "import"] = "user"

    @field_validator("value_synonyms")
    @classmethod
    def _no_blank_value_words(cls, taught: dict[str, list[str]]) -> dict[str, list[str]]:
        for value, words in taught.items():
            if not value.strip():
                raise ValueError("a value with other words for it cannot be blank")
            if not words or any(not w.strip() for w in words):
                raise ValueError(f"the words for {value!r} must be a list of non-blank words")
        return taught


class Relationship(_Strict):
    id: str | None = None
    name: str | None = None
    from_table: str
    from_columns: list[str] = Field(min_length=1)
    to_table: str
    to_columns: list[str] = Field(min_length=1)
    cardinality: Cardinality = "many_to_one"
    origin: Literal["user", "bootstrap", "import"] = "user"


class SemanticLayer(_Strict):
    """Everything the compiler and the parser need about one connection's layer."""

    metrics: list[Metric] = Field(default_factory=list)
    dimensions: list[Dimension] = Field(default_factory=list)
    relationships: list[Relationship] = Field(default_factory=list)
    version: str = "0"

    # Name -> position indexes, rebuilt whenever a lookup finds them stale (lists may be edited).
    _metric_at: dict[str, int] = PrivateAttr(default_factory=dict)
    _dimension_at: dict[str, int] = PrivateAttr(default_factory=dict)
    # Derived structures cached by their owners (the compiler's join graph), keyed by what they
    # were built from.
    _derived: dict[str, tuple[Any, Any]] = PrivateAttr(default_factory=dict)

    def __eq__(self, other: object) -> bool:
        """Equal when the fields are: the lookup indexes and derived caches above fill up as the
        layer is used and must not make a used layer differ from a fresh copy of itself."""
        if not isinstance(other, SemanticLayer):
            return NotImplemented
        return self.__dict__ == other.__dict__

    __hash__ = None  # type: ignore[assignment]  # mutable, like every pydantic model

    def metric(self, name: str) -> Metric | None:
        return _lookup(self.metrics, self._metric_at, name)

    def dimension(self, name: str) -> Dimension | None:
        return _lookup(self.dimensions, self._dimension_at, name)

    def derived(self, kind: str, key: Any, build: Any) -> Any:
        """`build()` once per `key` (what it depends on); later calls reuse the result."""
        cached = self._derived.get(kind)
        if cached is not None and cached[0] == key:
            return cached[1]
        value = build()
        self._derived[kind] = (key, value)
        return value


def _lookup(items: list[_Named], index: dict[str, int], name: str) -> _Named | None:
    i = index.get(name)
    if i is not None and i < len(items) and items[i].name == name:
        return items[i]
    index.clear()
    for position, item in enumerate(items):
        index.setdefault(item.name, position)
    i = index.get(name)
    return None if i is None else items[i]


# ---------------------------------------------------------------------------------------------
# The semantic query: what understanding produces and the compiler consumes.


class TimeRange(_Strict):
    """Half-open `[start, end)`; either side may be open. `label` is the phrase it came from."""

    start: dt.date | dt.datetime | None = None
    end: dt.date | dt.datetime | None = None
    label: str | None = None


class TimeSpec(_Strict):
    dimension: str | None = None  # a time dimension name; None = each metric's default
    grain: Grain | None = None  # group by the truncated time when set
    range: TimeRange | None = None


class QueryFilter(_Strict):
    field: str  # dimension name (filters) or metric name (metric_filters)
    op: FilterOp = "="
    values: list[Any] = Field(default_factory=list)


class OrderBy(_Strict):
    field: str  # metric name, dimension name, or the time dimension name
    desc: bool = False


ColumnAgg = Literal["sum", "avg", "min", "max", "median", "count_distinct"]


class ColumnAggregate(_Strict):
    """An aggregate no metric defines: `agg` over a dimension's column ('the oldest age',
    'how many different cities'), or over the column a simple metric aggregates ('the highest
    ticket price' when the layer only defines the average). Compiled like a metric named `name`."""

    agg: ColumnAgg
    dimension: str | None = None
    metric: str | None = None

    @property
    def name(self) -> str:
        """The result column's name: '<agg>__<dimension or metric>'."""
        return f"{self.agg}__{self.dimension or self.metric}"


class Absent(_Strict):
    """An anti-join: keep only rows that no row of `table` points at along the declared
    relationships ('products never ordered', 'customers without any orders'), optionally only
    counting the child rows that match `filters` (dimensions reachable from `table`).
    Compiled as NOT EXISTS over `table` joined (many-to-one) up to the rows it qualifies.
    `via`: the relationship (by name) to leave `table` through, when several lead to the rows
    ('airports with no departing routes': routes -> airports as origin)."""

    table: str
    filters: list[QueryFilter] = Field(default_factory=list)
    via: str | None = None


QueryShape = Literal["aggregate", "rows"]


class SemanticQuery(_Strict):
    """What to compute. Two shapes:

    - aggregate (default): `metrics`/`aggregates` grouped by `dimensions` (+ hidden `keys`);
    - rows: `columns` set: one output row per row of `entity` (its own and many-to-one joined
      dimensions), filtered, ordered by dimensions and cut at `limit` (ties kept), no GROUP BY.

    `absent` (anti-joins) applies to either: to the listed entity's rows, or to the rows each
    metric aggregates.
    """

    metrics: list[str] = Field(default_factory=list)
    aggregates: list[ColumnAggregate] = Field(default_factory=list)  # compiled after metrics
    dimensions: list[str] = Field(default_factory=list)
    # an entity's key, so two rows with the same label stay apart: grouped by, and shown only
    # when it is in `dimensions` too (the parser shows it beside the entity's name); in a row
    # query, which of the `columns` are the listed rows' keys (shown beside their label)
    keys: list[str] = Field(default_factory=list)
    time: TimeSpec | None = None
    filters: list[QueryFilter] = Field(default_factory=list)
    metric_filters: list[QueryFilter] = Field(default_factory=list)  # become HAVING
    order: list[OrderBy] = Field(default_factory=list)
    limit: int | None = Field(default=None, ge=1)
    # with `order`: keep only the rows at this dense rank of the leading order ('the second
    # highest': 2), every row tied there included; set instead of `limit`
    rank: int | None = Field(default=None, ge=1)
    # the row-level shape: dimension names shown per row, and the table whose rows are listed
    # (None: the table of the first column)
    columns: list[str] = Field(default_factory=list)
    entity: str | None = None
    absent: list[Absent] = Field(default_factory=list)

    @property
    def shape(self) -> QueryShape:
        """'rows' when the query lists rows (`columns`), else 'aggregate'."""
        return "rows" if self.columns else "aggregate"

    @model_validator(mode="after")
    def _one_shape(self) -> SemanticQuery:
        if self.rank is not None and (not self.order or self.limit is not None):
            raise ValueError(
                "'rank' keeps the rows at one place of 'order': set 'order', not 'limit'."
            )
        if not self.columns:
            if self.entity is not None:
                raise ValueError("'entity' names the listed table of a row query: set 'columns'.")
            return self
        mixed = [
            name
            for name, value in (
                ("metrics", self.metrics),
                ("aggregates", self.aggregates),
                ("dimensions", self.dimensions),
                ("metric_filters", self.metric_filters),
            )
            if value
        ]
        if mixed:
            raise ValueError(
                "A row query ('columns') lists rows and aggregates nothing: drop "
                + ", ".join(f"'{m}'" for m in mixed)
                + "."
            )
        if set(self.keys) - set(self.columns):
            raise ValueError("A row query's 'keys' name which of its 'columns' are row keys.")
        if self.time is not None and self.time.grain is not None:
            raise ValueError("A row query ('columns') has no time grain; use a range.")
        return self


class OutputColumn(_Strict):
    """One column of a compiled query's result: its name, what it is, and how to format it."""

    name: str
    role: Literal["metric", "dimension", "time"]
    ref: str  # the metric or dimension name
    label: str
    type: str = "string"  # number | string | boolean | date | timestamp
    format: Format | None = None
    grain: Grain | None = None


class CompiledQuery(_Strict):
    sql: str
    dialect: str
    columns: list[OutputColumn]
    # The sqlglot tree the SQL was rendered from (not serialised): the guard can check it
    # without parsing the text again.
    _tree: Any = PrivateAttr(default=None)

    @property
    def tree(self) -> Any:
        return self._tree
