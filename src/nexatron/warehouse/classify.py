"""Classify connection failures into codes a person can act on, from driver messages."""

from __future__ import annotations

import re
from typing import Literal

from nexatron.warehouse.secrets import first_line
from nexatron.warehouse.types import Outcome

ErrorCode = Literal[
    "authentication_failed",
    "host_unreachable",
    "timeout",
    "database_missing",
    "driver_missing",
    "permission_denied",
    "error",
]

_PATTERNS: tuple[tuple[ErrorCode, str], ...] = (
    (
        "authentication_failed",
        r"password authentication failed|access denied for user|wrong password|"
        r"incorrect username or password|login failed for user|authentication failed|"
        r"no password supplied|invalid password|invalid_grant|code: (?:193|516)\b|"
        r"\b390100\b|\b18456\b|\(1045,|role \S+ does not exist|no pg_hba\.conf entry|"
        r"\(1044,|\(1698,",
    ),
    (
        "database_missing",
        r"database \S+ does not exist|unknown database|database \S+ doesn't exist|"
        r"cannot open database|unable to open database file|no such file|"
        r"not found: (?:project|dataset)|\(1049,|code: 81\b",
    ),
    (
        "timeout",
        r"timeout expired|timed out|timeout exceeded|connection timeout|login timeout|\btimeout\b",
    ),
    (
        "host_unreachable",
        r"connection refused|could not translate host name|name or service not known|"
        r"no route to host|network is unreachable|can't connect to|could not connect to server|"
        r"nodename nor servname|temporary failure in name resolution|errno 111|"
        r"connection reset|server closed the connection|failed to connect|unknown host|"
        r"\(2003,|\(2005,",
    ),
    (
        "permission_denied",
        r"permission denied|insufficient privileges|not authorized|access denied",
    ),
)

_ADVICE: dict[ErrorCode, str] = {
    "authentication_failed": "Authentication failed: check the user name and password "
    "(or key) and that this user may connect from the Nexatron server.",
    "database_missing": "The database (or project/dataset) does not exist or is not visible "
    "to this user: check its name.",
    "timeout": "The database did not answer in time: check the host, port and firewall, "
    "or whether the server is overloaded.",
    "host_unreachable": "Could not reach the database server: check the host name and port, "
    "that the server is running, and that the network/firewall allows the connection.",
    "permission_denied": "Connected, but the user lacks permission: grant it read access "
    "(USAGE/SELECT) on the database and its schemas.",
    "error": "The connection failed.",
}


def classify_message(message: str) -> ErrorCode:
    """The first matching error code for a (scrubbed) driver message, else "error"."""
    low = message.lower()
    for code, pattern in _PATTERNS:
        if re.search(pattern, low):
            return code
    return "error"


_OUTCOMES: dict[ErrorCode, Outcome] = {
    "authentication_failed": "authentication_failed",
    "permission_denied": "authentication_failed",
    "host_unreachable": "unreachable",
    "timeout": "timeout",
    "database_missing": "database_missing",
    "driver_missing": "protocol_error",
    "error": "protocol_error",
}


def outcome_of(message: str) -> Outcome:
    """What a tenant is told about a failed connect: one of a few outcomes, never the driver's
    text (it can carry banners, role names or a file's existence)."""
    return _OUTCOMES[classify_message(message)]


def advice(code: ErrorCode, message: str) -> str:
    """A sentence a person can act on, followed by the driver's first line."""
    line = first_line(message)
    return f"{_ADVICE[code]} ({line})" if line else _ADVICE[code]
