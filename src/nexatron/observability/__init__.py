"""What an operator sees of a running server: request ids, structured logs, Prometheus metrics.

- `requestid`: accept a caller's X-Request-ID (validated) or make one.
- `logs`: every log line carries the request id and tenant; NEXATRON_LOG_FORMAT=json for one JSON
  object per line; the gateway's access line per request.
- `metrics`: the Prometheus series (bounded labels only) and the /metrics exposition, correct
  across `nexatron serve --workers N` (prometheus-client's multiprocess mode).
"""
