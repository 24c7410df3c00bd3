"""Stage 3 of a question: the answer from its rows (summary and chart, memoised for cached or
repeated rows; warnings), and `complete`: execute, answer and record a prepared question."""

from __future__ import annotations

import time
from typing import Any

from nexatron.answer import chart_spec, summarize
from nexatron.answer.warnings import tie_warning
from nexatron.errors import NexatronError, RateLimited
from nexatron.observability.tracing import traced
from nexatron.query import views
from nexatron.query.execute import Executing
from nexatron.query.types import Answer, Prepared
from nexatron.usage.quota import QuotaExceeded
from nexatron.warehouse.types import ResultSet


class Answering(Executing):
    @traced("answer")
    def answer(self, prepared: Prepared, result: ResultSet, cached: bool) -> Answer:
        names = [c.name for c in prepared.compiled.columns]
        rows = result.rows
        range_label = None
        if prepared.plan.query.time and prepared.plan.query.time.range:
            range_label = prepared.plan.query.time.range.label
        # Summary and chart depend only on the plan and the rows: reuse them with cached rows,
        # and with rows equal to an earlier run's (a small result of a repeated question whose
        # rows are not cached: Babel's formatting was ~10% of such an answer's GIL time).
        memo_key = (self.result_key(prepared), views.plan_json(prepared.plan).text)
        same_rows = None if cached else _rows_key(rows)
        if cached:
            memo = self._answers.get(memo_key)
        elif same_rows is not None:
            same_rows = (*memo_key, prepared.question, result.truncated, same_rows)
            memo = self._summaries.get(same_rows)
        else:
            memo = None
        if memo is None:
            summary = summarize(
                prepared.question,
                prepared.plan.query,
                prepared.compiled.columns,
                rows,
                range_label=range_label,
                locale=self.services.settings.locale,
                truncated=result.truncated,
                layer=prepared.context.layer,
            )
            memo = (summary, chart_spec(prepared.compiled.columns, rows, prepared.plan.query.keys))
            self._answers.put(memo_key, memo)
            if same_rows is not None:
                self._summaries.put(same_rows, memo)
        summary, chart = memo
        warnings = list(prepared.plan.assumptions)
        tie = tie_warning(
            prepared.plan.query, prepared.compiled.columns, rows, self.services.settings.locale
        )
        if tie:
            warnings.append(tie)
        if result.truncated:
            warnings.append(
                f"Only the first {len(rows):,} rows are shown; the result was "
                "truncated. Narrow the question or add a limit."
            )
        return Answer(
            data=[dict(zip(names, r, strict=False)) for r in rows],
            rows=rows,
            summary=summary,
            chart=chart,
            warnings=warnings,
            row_count=len(rows),
            truncated=result.truncated,
            cached=cached,
            execution_time_ms=round((time.perf_counter() - prepared.started) * 1000, 2),
        )

    def complete(self, prepared: Prepared) -> Answer:
        """Execute (or take the cached rows), answer and record."""
        try:
            result, cached = self.execute(prepared)
        except (RateLimited, QuotaExceeded):
            raise
        except NexatronError as error:
            self.record_failure(
                prepared.principal,
                prepared.context.connection,
                prepared.conversation_id,
                prepared.question,
                prepared.planner,
                error,
                prepared.started,
                prepared.id,
                prepared,
            )
            raise
        answer = self.answer(prepared, result, cached)
        self.record(prepared, answer)
        return answer


MEMO_ROWS = 50  # results up to this many rows have their summary reused when the rows repeat


def _rows_key(rows: list[list[Any]]) -> tuple[Any, ...] | None:
    """The rows as a hashable key, or None (too many, or values that cannot be hashed)."""
    if len(rows) > MEMO_ROWS:
        return None
    key = tuple(tuple(row) for row in rows)
    try:
        hash(key)
    except TypeError:
        return None
    return key
