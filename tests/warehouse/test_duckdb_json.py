"""DuckDB renders streamed rows as JSON text: byte for byte the text the Python path makes of the
same rows (convert_rows + orjson), over hundreds of thousands of values of every rendered type;
other types and statements take the Python path unchanged."""

from __future__ import annotations

import math
import random
import struct
from typing import Any

import duckdb
import pytest

from nexatron.api.encoding import dump_json
from nexatron.warehouse.failures import QueryFailed
from nexatron.warehouse.registry import open_engine, parse_config
from nexatron.warehouse.stream import JsonRows, JsonTextBatches, RenderedBatches

INT_TYPES = {
    "TINYINT": (-128, 127), "SMALLINT": (-32768, 32767), "INTEGER": (-(2**31), 2**31 - 1),
    "BIGINT": (-(2**63), 2**63 - 1), "UTINYINT": (0, 255), "USMALLINT": (0, 65535),
    "UINTEGER": (0, 2**32 - 1), "UBIGINT": (0, 2**64 - 1),
}  # fmt: skip


def _doubles(rng: random.Random, n: int) -> list[float | None]:
    special = [0.0, -0.0, 1.0, 0.1, 1e-4, 1e-5, 1e-6, 1e-7, 1e15, 1e16, 1e17, 1e21, 1e22,
               5e-324, 1.7976931348623157e308, math.nan, math.inf, -math.inf, None]  # fmt: skip
    special += [math.nextafter(10.0**e, d) for e in range(-8, 23) for d in (0.0, math.inf)]
    values: list[float | None] = list(special)
    while len(values) < n:
        kind = len(values) % 3
        if kind == 0:  # any bit pattern: every exponent, subnormals, NaNs
            values.append(struct.unpack("d", struct.pack("Q", rng.getrandbits(64)))[0])
        elif kind == 1:  # every decade a result meets, with long and short fractions
            values.append(rng.uniform(-1, 1) * 10.0 ** rng.randint(-9, 22))
        else:
            values.append(round(rng.uniform(-1e6, 1e6), rng.randint(0, 4)))
    return values


def _strings(rng: random.Random, n: int) -> list[str | None]:
    ascii_ = "".join(map(chr, range(128)))
    values: list[str | None] = [None, "", "plain", ascii_, 'quote " back \\ slash /']
    values.append("é€😀\u2028\u2029\ufeff\x85")
    while len(values) < n:
        pools = (range(0, 0x80), range(0x80, 0x800), range(0x800, 0xD800), range(0xE000, 0x110000))
        pool = [rng.choice(p) for p in pools]
        values.append("".join(chr(rng.choice(pool)) for _ in range(rng.randint(0, 12))))
    return values


@pytest.fixture(scope="module")
def typed(tmp_path_factory: pytest.TempPathFactory) -> Any:
    """A DuckDB file with one column of every type the database renders, 120,000 rows."""
    rng = random.Random(18)
    n = 120_000
    columns: dict[str, tuple[str, list[Any]]] = {
        "d": ("DOUBLE", _doubles(rng, n)),
        "f": ("FLOAT", [rng.uniform(-1e5, 1e5) if i % 7 else None for i in range(n)]),
        "s": ("VARCHAR", _strings(rng, n)),
        "b": ("BOOLEAN", [None if i % 5 == 0 else bool(i % 2) for i in range(n)]),
    }
    for name, (low, high) in INT_TYPES.items():
        edge = [low, high, 0, None]
        columns[name.lower()] = (name, edge + [rng.randint(low, high) for _ in range(n - 4)])
    path = tmp_path_factory.mktemp("json") / "typed.duckdb"
    with duckdb.connect(str(path)) as con:
        names = list(columns)
        con.execute(
            "CREATE TABLE typed AS SELECT "
            + ", ".join(
                f"CAST(unnest(${i + 2}) AS {columns[c][0]}) AS {c}" for i, c in enumerate(names)
            )
            + ", unnest(range($1)) AS i",
            [n, *(columns[c][1] for c in names)],
        )
    engine = open_engine("duckdb", parse_config("duckdb", {"path": str(path)}))
    yield engine
    engine.dispose()


def _python_path(engine: Any, sql: str) -> list[str]:
    _columns, batches = engine.stream(sql, timeout_s=60, batch_size=1000)
    return [JsonRows.of(batch).text for batch in batches]


def _rendered(engine: Any, sql: str, kind: type) -> list[str]:
    batches = engine.stream_json(sql, timeout_s=60, batch_size=1000)
    assert isinstance(batches, kind)
    return [batch.text for batch in batches]


def test_every_rendered_type_is_byte_for_byte_the_python_text(typed: Any) -> None:
    sql = "SELECT * EXCLUDE (i) FROM typed ORDER BY i"
    rendered = _rendered(typed, sql, JsonTextBatches)
    assert len(rendered) == 120
    assert rendered == _python_path(typed, sql)


def test_the_event_text_is_what_dump_json_makes_of_the_batch(typed: Any) -> None:
    """The route wraps the text as `{"offset":..,"rows":[..]}`; the old path dumped that dict."""
    sql = "SELECT s, d, bigint FROM typed ORDER BY i LIMIT 3000"
    _columns, batches = typed.stream(sql, timeout_s=60, batch_size=1000)
    old = [dump_json({"offset": k * 1000, "rows": b}) for k, b in enumerate(batches)]
    new = [f'{{"offset":{k * 1000},"rows":[{text}]}}'
           for k, text in enumerate(_rendered(typed, sql, JsonTextBatches))]  # fmt: skip
    assert new == old


@pytest.mark.parametrize("end", [";", " ; \n", " -- two batches", "\n-- two batches\n"])
def test_repeated_names_and_statement_ends_are_handled(typed: Any, end: str) -> None:
    sql = "SELECT s AS a, d AS a, b AS a FROM typed ORDER BY i LIMIT 1500" + end
    rendered = _rendered(typed, sql, JsonTextBatches)
    assert len(rendered) == 2 and rendered == _python_path(typed, sql)


@pytest.mark.parametrize(
    "expr",
    ["CAST(f AS DECIMAL(18, 3))", "DATE '2026-01-02' + CAST(i AS INTEGER)", "[i, i]",
     "TIMESTAMPTZ '2026-01-02 03:04:05.25+00' + to_seconds(i)"],
)  # fmt: skip
def test_other_types_take_the_python_path(typed: Any, expr: str) -> None:
    sql = f"SELECT s, {expr} AS x FROM typed WHERE isfinite(d) ORDER BY i LIMIT 2500"
    rendered = _rendered(typed, sql, RenderedBatches)
    assert len(rendered) == 3 and rendered == _python_path(typed, sql)


def test_integers_beyond_64_bits_are_written_as_the_python_path_writes_their_batch(
    typed: Any,
) -> None:
    """orjson refuses them, so the Python path writes such a batch with the standard library
    (other escapes, other float notation): the same batch, the same text; other batches as
    orjson writes them."""
    wide = "CASE WHEN i % 2500 = 7 THEN CAST(bigint AS HUGEINT) * 1000000 ELSE bigint END"
    sql = (
        f"SELECT s, d, {wide} AS h, CAST(ubigint AS UHUGEINT) * (1 + (i % 3000 = 5)::INT) AS u,"
        " CAST(bigint AS HUGEINT) AS fits FROM typed ORDER BY i LIMIT 10000"
    )
    rendered = _rendered(typed, sql, JsonTextBatches)
    python = _python_path(typed, sql)
    assert len(rendered) == 10 and rendered == python
    assert sum("\\u00e9" in t or "\\ud83d" in t for t in python) >= 3  # stdlib-escaped batches


def test_statements_that_cannot_be_wrapped_run_as_they_are(typed: Any) -> None:
    rows = [r for b in typed.stream_json("SHOW TABLES", timeout_s=10) for r in b.rows()]
    assert ["typed"] in rows
    empty = list(typed.stream_json("SELECT s FROM typed WHERE false", timeout_s=10))
    assert empty == []


def test_parsed_rows_are_the_converted_values(typed: Any) -> None:
    sql = "SELECT * EXCLUDE (i) FROM typed ORDER BY i LIMIT 2000"
    _columns, batches = typed.stream(sql, timeout_s=60, batch_size=1000)
    expected = [row for batch in batches for row in batch]
    parsed = [row for batch in typed.stream_json(sql, timeout_s=60) for row in batch.rows()]
    assert parsed == expected
    head = next(iter(typed.stream_json(sql, timeout_s=60))).head(10)
    assert head.count == 10 and head.rows() == expected[:10]


def test_a_write_is_refused(typed: Any) -> None:
    """Only a checked statement is ever wrapped: a write never reaches DuckDB."""
    with pytest.raises(QueryFailed):
        list(typed.stream_json("CREATE TABLE x AS SELECT 1", timeout_s=10))
