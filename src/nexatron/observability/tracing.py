"""Optional OpenTelemetry spans (`pip install 'nexatron[otel]'`, NEXATRON_OTEL=1), off by default.

`traced(stage)` wraps a query-service stage (understand, compile, guard, execute, answer,
record); the gateway opens the request's span (`gateway`). Off, a wrapped call costs one flag
check: `_TRACER` is None and the function runs as is. On, each stage is a span under the
request's, with `nexatron.engine` (the connection type) and `db.system` (its SQL dialect) when the
stage knows them. Spans go to the global TracerProvider: `opentelemetry-instrument nexatron
serve` (opentelemetry-distro) sets it up from the standard OTEL_* variables (README); a test
passes its own to `enable`. Without either the API's no-op provider drops every span, so
`enable` warns.
"""

from __future__ import annotations

import functools
import logging
from collections.abc import Callable, Iterator
from contextlib import contextmanager
from typing import Any, TypeVar

F = TypeVar("F", bound=Callable[..., Any])
_TRACER: Any = None
log = logging.getLogger("nexatron.tracing")
NO_PROVIDER = (
    "NEXATRON_OTEL=1 but no OpenTelemetry SDK is configured: spans are dropped. Run the server "
    "under `opentelemetry-instrument` (pip install opentelemetry-distro and an exporter, README)."
)


def enable(provider: Any = None) -> None:
    """Turn spans on (with this TracerProvider, else the global one)."""
    global _TRACER
    from opentelemetry import trace

    chosen = provider or trace.get_tracer_provider()
    if isinstance(chosen, trace.ProxyTracerProvider | trace.NoOpTracerProvider):
        log.warning(NO_PROVIDER)
    _TRACER = chosen.get_tracer("nexatron")


def disable() -> None:
    global _TRACER
    _TRACER = None


def enabled() -> bool:
    return _TRACER is not None


def _attributes(args: tuple[Any, ...]) -> dict[str, str]:
    """engine and dialect from a stage's Prepared or QueryContext argument, when it has one."""
    for arg in args:
        context = getattr(arg, "context", arg)
        dialect = getattr(context, "dialect", None)
        if isinstance(dialect, str):
            out = {"db.system": dialect}
            kind = getattr(getattr(context, "connection", None), "type", None)
            if isinstance(kind, str):
                out["nexatron.engine"] = kind
            return out
    return {}


def traced(stage: str) -> Callable[[F], F]:
    def wrap(fn: F) -> F:
        @functools.wraps(fn)
        def run(*args: Any, **kwargs: Any) -> Any:
            if _TRACER is None:
                return fn(*args, **kwargs)
            with _TRACER.start_as_current_span(stage, attributes=_attributes(args[1:])):
                return fn(*args, **kwargs)

        return run  # type: ignore[return-value]

    return wrap


@contextmanager
def span(name: str, **attributes: str) -> Iterator[None]:
    """A span for a block when tracing is on (the gateway's per request)."""
    if _TRACER is None:
        yield
        return
    with _TRACER.start_as_current_span(name, attributes=attributes):
        yield
