"""Shared pieces of every engine: driver checks, error mapping, the bounded connection test."""

from __future__ import annotations

import importlib
import threading
import time
from collections.abc import Callable
from typing import Any

from nexatron.warehouse.base import Engine
from nexatron.warehouse.classify import advice, classify_message, outcome_of
from nexatron.warehouse.failures import DriverMissing, QueryFailed, QueryTimeout
from nexatron.warehouse.policy import ADVICE, ConnectFailed
from nexatron.warehouse.secrets import first_line, scrub
from nexatron.warehouse.types import Outcome, TestResult


def require_modules(engine: type[Engine], modules: tuple[str, ...]) -> None:
    """Import each driver module or raise DriverMissing naming the pip extra."""
    for module in modules:
        try:
            importlib.import_module(module)
        except ImportError:
            raise DriverMissing(engine.label, engine.extra or engine.type_name, module) from None


def config_secrets(engine: Engine) -> list[str]:
    """The values of the config's secret fields (for scrubbing)."""
    values = (getattr(engine.config, f, None) for f in engine.config.secret_fields)
    return [str(v) for v in values if v]


def driver_message(exc: BaseException) -> str:
    """The driver's own message (SQLAlchemy wraps it in `.orig` along with the SQL)."""
    orig = getattr(exc, "orig", None)
    return str(orig if orig is not None else exc)


def query_error(
    exc: BaseException, secrets: list[str], timeout_s: float, timed_out: bool
) -> QueryFailed | QueryTimeout:
    """Map a driver failure during execution to QueryTimeout or a scrubbed QueryFailed."""
    if timed_out:
        return QueryTimeout(timeout_s)
    message = scrub(driver_message(exc), secrets)
    code = classify_message(message)
    if code in ("authentication_failed", "host_unreachable", "database_missing"):
        return QueryFailed(advice(code, ""))
    return QueryFailed(f"The database rejected the query: {first_line(message)}")


def connect_failure(exc: BaseException) -> ConnectFailed:
    """A failed connect as a classified outcome without the driver's text."""
    if isinstance(exc, ConnectFailed):
        return exc
    return ConnectFailed(outcome_of(driver_message(exc)))


def bounded_test(
    engine: Engine,
    probe: Callable[[], str | None],
    classify: Callable[[str], Outcome] = outcome_of,
) -> TestResult:
    """Run `probe` (a round trip returning the server version) within the connect timeout.
    Failures are one classified outcome with a fixed sentence: no driver text, banner or role
    name reaches the tenant. Never raises for connectivity problems."""
    outcome: dict[str, Any] = {}

    def run() -> None:
        try:
            outcome["version"] = probe()
        except DriverMissing as exc:
            outcome["missing"] = str(exc.detail)
        except ConnectFailed as exc:
            outcome["refused"] = exc
        except Exception as exc:
            outcome["error"] = scrub(driver_message(exc), config_secrets(engine))

    start = time.perf_counter()
    worker = threading.Thread(target=run, name=f"nexatron-test-{engine.type_name}", daemon=True)
    worker.start()
    worker.join(engine.connect_timeout_s + 1.0)
    latency = round((time.perf_counter() - start) * 1000, 2)
    if worker.is_alive():
        return TestResult(ok=False, error_code="timeout", detail=ADVICE["timeout"])
    if "missing" in outcome:
        return TestResult(ok=False, error_code="driver_missing", detail=outcome["missing"])
    if "refused" in outcome:
        refused: ConnectFailed = outcome["refused"]
        return TestResult(ok=False, error_code=refused.outcome, detail=refused.message)
    if "error" in outcome:
        code = classify(outcome["error"])
        return TestResult(ok=False, latency_ms=latency, error_code=code, detail=ADVICE[code])
    version = outcome.get("version")
    return TestResult(ok=True, latency_ms=latency, server_version=str(version) if version else None)
