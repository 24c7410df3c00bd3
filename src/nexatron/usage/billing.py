"""A tenant's bill so far: plan, period, usage per meter, limits and the projected overage."""

from __future__ import annotations

import datetime as dt
from typing import Any

from sqlalchemy import Connection, func, select

from nexatron.settings import Settings
from nexatron.store.tables import usage_events, usage_rollups
from nexatron.usage.limits import connections_used, seats_used
from nexatron.usage.plans import plan_spec
from nexatron.usage.quota import Period


def _rollup_sums(conn: Connection, tenant_id: str, period: Period) -> dict[str, int]:
    t = usage_rollups.c
    last = (period.end - dt.timedelta(days=1)).date().isoformat()
    row = conn.execute(
        select(
            func.coalesce(func.sum(t.answered), 0),
            func.coalesce(func.sum(t.tokens_in), 0),
            func.coalesce(func.sum(t.tokens_out), 0),
            func.coalesce(func.sum(t.rows_returned), 0),
        ).where(
            t.tenant_id == tenant_id,
            t.dim == "",
            t.day >= period.start.date().isoformat(),
            t.day <= last,
        )
    ).one()
    return {
        "questions": int(row[0]),
        "llm_tokens_in": int(row[1]),
        "llm_tokens_out": int(row[2]),
        "rows_returned": int(row[3]),
    }


def _active_seats(conn: Connection, tenant_id: str, period: Period) -> int:
    return int(
        conn.execute(
            select(func.count()).where(
                usage_events.c.tenant_id == tenant_id,
                usage_events.c.meter == "active_seats",
                usage_events.c.occurred_at >= period.start,
                usage_events.c.occurred_at < period.end,
            )
        ).scalar_one()
    )


def _projected(used: int, period: Period, now: dt.datetime) -> int:
    """Linear: what the period ends at if usage goes on at the rate so far."""
    elapsed = max((now - period.start).total_seconds(), 3600.0)
    length = (period.end - period.start).total_seconds()
    return round(used * length / elapsed) if now < period.end else used


def billing(
    conn: Connection, settings: Settings, tenant_id: str, plan: str, now: dt.datetime | None = None
) -> dict[str, Any]:
    now = now or dt.datetime.now(dt.UTC)
    period = Period.containing(now)
    spec = plan_spec(settings, plan)
    used = _rollup_sums(conn, tenant_id, period)
    used["active_seats"] = _active_seats(conn, tenant_id, period)
    used["connections"] = connections_used(conn, tenant_id)
    tokens = used["llm_tokens_in"] + used["llm_tokens_out"]
    limits = {
        "questions_per_month": spec.questions_per_month,
        "llm_tokens_per_month": spec.llm_tokens_per_month,
        "seats": spec.seats,
        "connections": spec.connections,
        "rate_limit": spec.rate_limit,
    }
    overage: dict[str, dict[str, int]] = {}
    for meter, amount, limit in (
        ("questions", used["questions"], spec.questions_per_month),
        ("llm_tokens", tokens, spec.llm_tokens_per_month),
    ):
        projected = _projected(amount, period, now)
        overage[meter] = {
            "used": amount,
            "projected": projected,
            "limit": limit if limit is not None else -1,
            "projected_overage": max(0, projected - limit) if limit is not None else 0,
        }
    return {
        "plan": plan,
        "features": list(spec.features),
        "period": {"start": period.start, "end": period.end},
        "usage": used,
        "seats_enabled": seats_used(conn, tenant_id),
        "limits": limits,
        "projection": overage,
    }
