"""Read-only SQL guard: one SELECT over allowed tables with safe functions, and a row cap."""

from nexatron.guard.check import CATALOG_SCHEMAS, check_expression, check_sql
from nexatron.guard.functions import SAFE_FUNCTION_NAMES
from nexatron.guard.rejection import GuardRejected
from nexatron.guard.rowcap import enforce_row_cap

__all__ = [
    "CATALOG_SCHEMAS",
    "SAFE_FUNCTION_NAMES",
    "GuardRejected",
    "check_expression",
    "check_sql",
    "enforce_row_cap",
]
