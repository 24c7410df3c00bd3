"""Logging: the request id and tenant on every line, and JSON lines on request.

`configure(settings)` installs one stderr handler on the root logger with `RequestContext` (adds
`request_id` and `tenant` from the request being served, `-` outside one) and either the
human-readable format (the default) or `JsonFormatter` (NEXATRON_LOG_FORMAT=json). uvicorn's own
loggers propagate to it; its access log is off, since the gateway writes one access line per
request (`nexatron.access`: method, route template, status, duration) with the same context.

What is never logged: credentials (the gateway logs no headers) and question text (no logger
writes it, at any level; the metadata store's engine hides bound parameters, so a failed
history write's or an unhandled error's exception does not carry it either).
"""

from __future__ import annotations

import json
import logging
import time
from typing import Any

from nexatron.audit.request_context import current_request

#: Attributes a record may carry (the access line sets them) that the JSON line shows.
EXTRA_FIELDS = ("route", "method", "status", "duration_ms")
TEXT_FORMAT = "%(asctime)s %(levelname)s %(name)s [%(request_id)s %(tenant)s] %(message)s"


class RequestContext(logging.Filter):
    """Stamps each record with the current request's id and tenant (or `-`)."""

    def filter(self, record: logging.LogRecord) -> bool:
        info = current_request()
        if not hasattr(record, "request_id"):
            record.request_id = info.request_id if info is not None else "-"
        if not hasattr(record, "tenant"):
            tenant = info.tenant_id if info is not None else None
            record.tenant = tenant or "-"
        return True


class JsonFormatter(logging.Formatter):
    """One JSON object per line: time, level, logger, message, request_id, tenant, and route,
    method, status, duration_ms when the record has them (the access line)."""

    def format(self, record: logging.LogRecord) -> str:
        out: dict[str, Any] = {
            "time": time.strftime("%Y-%m-%dT%H:%M:%S", time.gmtime(record.created))
            + f".{int(record.msecs):03d}Z",
            "level": record.levelname.lower(),
            "logger": record.name,
            "message": record.getMessage(),
            "request_id": getattr(record, "request_id", "-"),
            "tenant": getattr(record, "tenant", "-"),
        }
        for name in EXTRA_FIELDS:
            value = getattr(record, name, None)
            if value is not None:
                out[name] = value
        if record.exc_info:
            out["exception"] = self.formatException(record.exc_info)
        return json.dumps(out, default=str)


def logging_config(log_format: str, level: str) -> dict[str, Any]:
    """A `logging.config.dictConfig` (also what uvicorn applies in each worker process)."""
    formatter: dict[str, Any] = (
        {"()": JsonFormatter} if log_format == "json" else {"format": TEXT_FORMAT}
    )
    return {
        "version": 1,
        "disable_existing_loggers": False,
        "filters": {"request": {"()": RequestContext}},
        "formatters": {"main": formatter},
        "handlers": {
            "stderr": {
                "class": "logging.StreamHandler",
                "stream": "ext://sys.stderr",
                "formatter": "main",
                "filters": ["request"],
            }
        },
        "root": {"handlers": ["stderr"], "level": level.upper()},
        "loggers": {
            "uvicorn": {"handlers": [], "propagate": True},
            "uvicorn.error": {"handlers": [], "propagate": True},
            "uvicorn.access": {"handlers": [], "propagate": False, "level": "WARNING"},
        },
    }


access_log = logging.getLogger("nexatron.access")


def log_access(method: str, route: str, status: int, duration_s: float) -> None:
    """The access line of one request (INFO; the request context is still current)."""
    if not access_log.isEnabledFor(logging.INFO):
        return
    ms = round(duration_s * 1000, 2)
    access_log.info(
        "%s %s %d %.1fms",
        method,
        route,
        status,
        ms,
        extra={"route": route, "method": method, "status": status, "duration_ms": ms},
    )
