"""Feedback on answers, and verified answers: an admin marks an answer verified; a later question
that matches it (the same normalised question, or one the deterministic parser maps to the same
plan shape: the same metrics, dimensions, filter fields, grain, order and limit, whatever the dates
and filter values) reuses its plan with the new dates and values and says so (`verified: true`).
A question meaning something else (another metric, dimension or filter field) never matches.
"""

from __future__ import annotations

import datetime as dt
import re
import threading
import time
from dataclasses import dataclass
from typing import Any

from sqlalchemy import Row, select

from nexatron import audit
from nexatron.errors import Unprocessable
from nexatron.identity.roles import Principal
from nexatron.ids import new_id
from nexatron.nlq import Plan
from nexatron.query.context import NotCached
from nexatron.semantic.model import SemanticQuery
from nexatron.store.tables import query_feedback, usage_terms, verified_answers
from nexatron.usage.upsert import add_counts
from nexatron.usage.writer import TERM_KEYS, vote_row

TTL_S = 5.0  # how stale another process's verify/unverify may be seen here


def normalize(question: str) -> str:
    return " ".join(re.findall(r"[a-z0-9]+", question.lower()))


def shape(query: SemanticQuery) -> str:
    """The plan without its dates and filter values: what a paraphrase must share."""
    data = query.model_dump(mode="json")
    if data.get("time"):
        data["time"]["range"] = data["time"]["range"] is not None
    for key in ("filters", "metric_filters"):
        data[key] = sorted((f["field"], f["op"], len(f["values"])) for f in data[key])
    return repr(sorted(data.items()))


@dataclass(frozen=True)
class Verified:
    id: str
    query_id: str
    question: str
    normalized: str
    query: SemanticQuery
    shape: str


def match(
    candidates: list[Verified], question: str, parsed: Plan | None
) -> tuple[Verified, Plan] | None:
    """The verified answer this question reuses, and the plan to run; None when none matches."""
    if not candidates:
        return None
    normalized = normalize(question)
    if parsed is not None:
        wanted = shape(parsed.query)
        for v in candidates:
            if v.shape == wanted:  # the same plan: keep this question's dates and values
                return v, parsed.model_copy(update={"assumptions": [*parsed.assumptions]})
    for v in candidates:
        if v.normalized == normalized:  # the same words: the verified plan, this run's dates
            query = v.query
            if parsed is not None and parsed.query.time and query.time:
                query = query.model_copy(
                    update={
                        "time": query.time.model_copy(update={"range": parsed.query.time.range})
                    }
                )
            return v, Plan(
                query=query,
                time_range_text=parsed.time_range_text if parsed else None,
                assumptions=list(parsed.assumptions) if parsed else [],
            )
    return None


class VerifiedAnswers:
    """Reads (cached per connection for TTL_S, cleared by this process's writes) and writes."""

    def __init__(self, db: Any) -> None:
        self.db = db
        self._cache: dict[tuple[str, str], tuple[float, list[Verified]]] = {}
        self._lock = threading.Lock()

    def for_connection(self, tenant_id: str, connection_id: str, *, inline: bool) -> list[Verified]:
        key = (tenant_id, connection_id)
        hit = self._cache.get(key)
        if hit is not None and time.monotonic() - hit[0] < TTL_S:
            return hit[1]
        if inline:
            raise NotCached("verified answers")
        with self.db.connect() as conn:
            rows = conn.execute(
                select(verified_answers).where(
                    verified_answers.c.tenant_id == tenant_id,
                    verified_answers.c.connection_id == connection_id,
                )
            ).all()
        found = []
        for r in rows:
            query = SemanticQuery.model_validate(r.plan)
            found.append(Verified(r.id, r.query_id, r.question, r.normalized, query, shape(query)))
        with self._lock:
            self._cache[key] = (time.monotonic(), found)
        return found

    def _forget(self, tenant_id: str) -> None:
        with self._lock:
            for key in [k for k in self._cache if k[0] == tenant_id]:
                del self._cache[key]

    def verify(
        self,
        principal: Principal,
        row: Row[Any],
        question: str | None,
        plan: SemanticQuery | None,
    ) -> dict[str, Any]:
        """Mark the answered history row `row` verified (or replace its verified plan)."""
        if row.status != "answered":
            raise Unprocessable("Only an answered question can be verified.")
        stored = (row.plan or {}).get("query")
        if plan is None and not stored:
            raise Unprocessable(
                "This answer has no semantic plan (its SQL was written by the LLM); "
                "pass `plan` to verify the plan that should answer it."
            )
        query = plan or SemanticQuery.model_validate(stored)
        text = question or row.question
        now = dt.datetime.now(dt.UTC)
        values = {
            "question": text,
            "normalized": normalize(text),
            "plan": query.model_dump(mode="json", exclude_none=True),
            "verified_by": principal.user_id,
            "updated_at": now,
        }
        with self.db.begin() as conn:
            existing = conn.execute(
                select(verified_answers.c.id, verified_answers.c.created_at).where(
                    verified_answers.c.tenant_id == principal.tenant_id,
                    verified_answers.c.query_id == row.id,
                )
            ).first()
            if existing is None:
                verified_id, created = new_id("verified"), now
                conn.execute(
                    verified_answers.insert().values(
                        id=verified_id,
                        tenant_id=principal.tenant_id,
                        connection_id=row.connection_id,
                        query_id=row.id,
                        created_at=now,
                        **values,
                    )
                )
            else:
                verified_id, created = existing.id, existing.created_at
                conn.execute(
                    verified_answers.update()
                    .where(verified_answers.c.id == verified_id)
                    .values(**values)
                )
            audit.record(
                conn,
                tenant_id=principal.tenant_id,
                action="query.verify",
                target=audit.Target("query", row.id),
                changed_fields=["question", "plan"],
            )
        self._forget(principal.tenant_id)
        return {
            "id": verified_id,
            "query_id": row.id,
            "connection_id": row.connection_id,
            "question": text,
            "plan": values["plan"],
            "verified_by": principal.user_id,
            "created_at": created,
            "updated_at": now,
        }

    def unverify(self, principal: Principal, query_id: str) -> bool:
        with self.db.begin() as conn:
            gone = conn.execute(
                verified_answers.delete().where(
                    verified_answers.c.tenant_id == principal.tenant_id,
                    verified_answers.c.query_id == query_id,
                )
            ).rowcount
            if gone:
                audit.record(
                    conn,
                    tenant_id=principal.tenant_id,
                    action="query.unverify",
                    target=audit.Target("query", query_id),
                )
        self._forget(principal.tenant_id)
        return bool(gone)

    def listing(self, principal: Principal, connection_id: str | None) -> list[dict[str, Any]]:
        q = select(verified_answers).where(verified_answers.c.tenant_id == principal.tenant_id)
        if connection_id:
            q = q.where(verified_answers.c.connection_id == connection_id)
        with self.db.connect() as conn:
            rows = conn.execute(q.order_by(verified_answers.c.created_at.desc())).all()
        keep = ("id", "query_id", "connection_id", "question", "plan", "verified_by")
        return [
            {
                **{k: getattr(r, k) for k in keep},
                "created_at": r.created_at,
                "updated_at": r.updated_at,
            }
            for r in rows
        ]

    def feedback(self, principal: Principal, row: Row[Any], body: dict[str, Any]) -> dict[str, Any]:
        values = {
            "id": new_id("feedback"),
            "tenant_id": principal.tenant_id,
            "query_id": row.id,
            "user_id": principal.user_id,
            "created_at": dt.datetime.now(dt.UTC),
            **body,
        }
        with self.db.begin() as conn:
            conn.execute(query_feedback.insert().values(**values))
            if body.get("vote") in ("up", "down"):  # counted on the question's analytics
                day = row.created_at.astimezone(dt.UTC).date().isoformat()
                vote = vote_row(principal.tenant_id, day, row.question, body["vote"])
                add_counts(conn, usage_terms, TERM_KEYS, [vote])
            audit.record(
                conn,
                tenant_id=principal.tenant_id,
                action="query.feedback",
                target=audit.Target("query", row.id),
                changed_fields=sorted(body),
            )
        return {k: v for k, v in values.items() if k != "tenant_id"}
