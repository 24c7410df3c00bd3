"""The one clock of the metadata store: timezone-aware UTC now."""

from __future__ import annotations

import datetime as dt


def now() -> dt.datetime:
    return dt.datetime.now(dt.UTC)
