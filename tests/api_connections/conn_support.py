"""Shared pieces of the Connections API tests: the canary secret, targets, the little schema."""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass
from typing import Any

import httpx

from nexatron.testing import Actor, Harness

#: Must appear in no response body or header, no log record and nowhere in plaintext in the store.
CANARY = "Canary-7f3b-SECRET"
SUPERUSER_PW = "superuser-pw-for-the-throwaway-cluster"

_TYPES = {  # dialect: (integer, text, date, money)
    "postgres": ("INTEGER", "VARCHAR(80)", "DATE", "NUMERIC(8,2)"),
    "mysql": ("INT", "VARCHAR(80)", "DATE", "DECIMAL(8,2)"),
    "duckdb": ("INTEGER", "VARCHAR", "DATE", "DECIMAL(8,2)"),
    "sqlite": ("INTEGER", "TEXT", "DATE", "NUMERIC(8,2)"),
}


@dataclass
class Target:
    """A database to connect to: its engine type, API config and a way to run DDL on it."""

    type: str
    config: dict[str, Any]
    run: Callable[[str], None]
    query: Callable[[str], list[tuple[Any, ...]]]
    schema: str

    @property
    def has_password(self) -> bool:
        return "password" in self.config


def library_ddl(dialect: str) -> list[str]:
    integer, text, date, money = _TYPES[dialect]
    return [
        f"CREATE TABLE branches (id {integer} PRIMARY KEY, name {text} NOT NULL)",
        f"CREATE TABLE members (id {integer} PRIMARY KEY, name {text}, "
        f"branch_id {integer} REFERENCES branches(id))",
        f"CREATE TABLE loans (id {integer} PRIMARY KEY, member_id {integer} NOT NULL "
        f"REFERENCES members(id), loan_date {date} NOT NULL, fee {money})",
        "INSERT INTO branches VALUES (1, 'Central'), (2, 'Harbour')",
        "INSERT INTO members VALUES (1, 'Ada', 1), (2, 'Bo', 2), (3, 'Cy', 1)",
        "INSERT INTO loans VALUES (1, 1, '2024-01-05', 0.50), (2, 2, '2024-02-11', 1.25), "
        "(3, 3, '2024-03-20', NULL), (4, 1, '2024-03-22', 2.00)",
    ]


async def create_connection(
    harness: Harness, actor: Actor, name: str, type_name: str, config: dict[str, Any]
) -> httpx.Response:
    return await harness.as_(
        actor,
        "POST",
        "/api/v1/connections",
        json={"name": name, "type": type_name, "config": config},
    )


def locs(response: httpx.Response) -> list[tuple[Any, ...]]:
    """The `loc` of each 422 entry."""
    assert response.status_code == 422, response.text
    return [tuple(e["loc"]) for e in response.json()["detail"]]
