"""Shared fixtures: the app in-process on a fresh metadata store (SQLite or PostgreSQL)."""

from __future__ import annotations

import datetime as dt
from collections.abc import AsyncIterator
from pathlib import Path

import pytest
from argon2 import PasswordHasher

from nexatron.demo import generate_demo
from nexatron.identity import passwords
from nexatron.testing import Harness, make_app_client

# argon2id at production parameters costs about 0.2 s a hash, and the harness makes six users per
# test: the suite hashes with the cheapest parameters. tests/platform/test_platform_passwords.py
# checks the production parameters themselves.
passwords.use_hasher(PasswordHasher(time_cost=1, memory_cost=8, parallelism=1))


@pytest.fixture
def anyio_backend() -> str:
    return "asyncio"


@pytest.fixture(scope="session")
def demo_source(tmp_path_factory: pytest.TempPathFactory) -> Path:
    """The demo database (dates ending today), generated once per session for every folder's
    tests: copied where `install_demo` looks, it is used instead of generating one (seconds)."""
    path = tmp_path_factory.mktemp("demo") / "demo.duckdb"
    generate_demo(path, today=dt.date.today())
    return path


@pytest.fixture
async def harness(tmp_path: Path) -> AsyncIterator[Harness]:
    async with make_app_client(tmp_path) as h:
        yield h


# The files that take longest (a whole SQLite pass with --durations=0, 2026-12-07; the multi-node
# test, 2-3 minutes, runs in the PostgreSQL pass only), longest first.
# Worker processes take whole files (`--dist loadfile`) in collection order when scripts/test
# passes --no-loadscope-reorder: starting these first leaves the short files to even out the
# end of a pass, where one long file started last kept one worker busy while the other idled.
LONG_FILES = (
    "platform/test_platform_multinode.py",
    "nlq/test_eval_sets.py",
    "warehouse/test_warehouse_snowflake.py",
    "web/test_web_browser.py",
    "web/test_web_a11y.py",
    "cli/test_cli_ask.py",
    "llm/test_query_llm.py",
    "web/test_web_settings.py",
    "web/test_web_session.py",
    "platform/test_platform_metrics_workers.py",
    "nlq/test_accounting.py",
    "cli/test_cli_errors.py",
    "query/test_query_connect_storm.py",
    "usage/test_rollups_equal_history.py",
    "web/test_web_sso.py",
    "llm/test_api_llm_stream.py",
    "demo/test_demo_database.py",
    "query/test_mcp.py",
    "usage/test_quota_processes.py",
    "identity/test_sso.py",
    "platform/test_platform_settings.py",
    "query/test_usage_api.py",
    "web/test_web_phone.py",
    "usage/test_exporter.py",
    "llm/test_api_llm_settings.py",
    "eval/test_dayone_gold.py",
    "query/test_query_disconnect.py",
    "platform/test_platform_multiprocess.py",
    "api_connections/test_conn_upload_limits.py",
    "llm/test_planner.py",
)
_TESTS = Path(__file__).parent


def pytest_collection_modifyitems(items: list[pytest.Item]) -> None:
    """The long files first, in LONG_FILES's order; every other file after them, as collected."""
    rank = {name: i for i, name in enumerate(LONG_FILES)}

    def position(item: pytest.Item) -> int:
        try:
            name = item.path.relative_to(_TESTS).as_posix()
        except ValueError:
            return len(rank)
        return rank.get(name, len(rank))

    items.sort(key=position)  # stable: a file's tests and the other files keep their order
