"""App factory for `uvicorn --factory platform_server:create`: settings from `NEXATRON_*` env.

Used by the multi-process tests to run real servers that share one metadata store and one Redis.
"""

from __future__ import annotations

from typing import Any

from nexatron.api.app import create_app
from nexatron.settings import settings_from_env


def create() -> Any:
    return create_app(settings_from_env())
