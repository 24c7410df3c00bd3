"""Every usage read the API makes: the bill and the analytics reports. The rollups they read are
written with each batch of history rows, in the history writer's thread, so each read first waits
for this process's answers still queued for it (`flush`), and no route can forget to."""

from __future__ import annotations

import datetime as dt
from collections.abc import Callable
from typing import Any

from sqlalchemy import Engine

from nexatron.settings import Settings
from nexatron.usage import analytics
from nexatron.usage.billing import billing


class UsageReads:
    def __init__(self, db: Engine, flush: Callable[[], None], settings: Settings) -> None:
        self._db = db
        self._flush = flush
        self._settings = settings

    def billing(self, tenant_id: str, plan: str) -> dict[str, Any]:
        """`usage.billing.billing` for the tenant's plan, now."""
        self._flush()
        with self._db.connect() as conn:
            return billing(conn, self._settings, tenant_id, plan)

    def usage(
        self,
        tenant_id: str,
        first: dt.date,
        last: dt.date,
        granularity: analytics.Granularity,
        group_by: analytics.GroupBy | None,
    ) -> list[dict[str, Any]]:
        """`usage.analytics.usage`: one entry per bucket (and group)."""
        self._flush()
        with self._db.connect() as conn:
            return analytics.usage(conn, tenant_id, first, last, granularity, group_by)

    def questions(
        self, tenant_id: str, first: dt.date, last: dt.date, limit: int
    ) -> dict[str, Any]:
        """`usage.analytics.questions`: the most asked questions and most unmatched words."""
        self._flush()
        with self._db.connect() as conn:
            return analytics.questions(conn, tenant_id, first, last, limit)
