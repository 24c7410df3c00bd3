"""Meter events as billing systems take them: CloudEvents for OpenMeter, and Stripe's v1 billing
meter events (form-encoded). Payloads are built when the event is written (stored in the outbox)
and turned into an HTTP request when sent."""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass
from typing import Any

from nexatron.settings import Settings

OPENMETER = "openmeter"
STRIPE = "stripe"
EVENT_TYPE_PREFIX = "nexatron."  # CloudEvent type / Stripe event_name: nexatron.<meter>


def sinks_of(settings: Settings) -> tuple[str, ...]:
    sinks = []
    if settings.openmeter_url:
        sinks.append(OPENMETER)
    if settings.stripe_api_key:
        sinks.append(STRIPE)
    return tuple(sinks)


def _iso(moment: dt.datetime) -> str:
    return moment.astimezone(dt.UTC).isoformat().replace("+00:00", "Z")


def payload(sink: str, event: dict[str, Any], source: str) -> dict[str, Any]:
    """What the outbox stores for one ledger event and sink."""
    moment: dt.datetime = event["occurred_at"]
    if sink == OPENMETER:
        data = {"value": event["value"]}
        for name in ("planner", "connection_type", "model", "user_id"):
            if event.get(name):
                data[name] = event[name]
        return {
            "specversion": "1.0",
            "id": event["id"],
            "source": source,
            "type": EVENT_TYPE_PREFIX + event["meter"],
            "subject": event["tenant_id"],
            "time": _iso(moment),
            "datacontenttype": "application/json",
            "data": data,
        }
    # Stripe: the customer is resolved when sending (the tenant's settings may name it later).
    return {
        "event_name": (EVENT_TYPE_PREFIX + event["meter"]).replace(".", "_"),
        "identifier": event["id"],
        "tenant_id": event["tenant_id"],
        "value": event["value"],
        "timestamp": int(moment.timestamp()),
    }


@dataclass(frozen=True)
class OutgoingRequest:
    url: str
    headers: dict[str, str]
    content: bytes


def openmeter_request(bodies: list[dict[str, Any]], settings: Settings) -> OutgoingRequest:
    """One CloudEvent as `application/cloudevents+json`, several as one
    `application/cloudevents-batch+json` array (OpenMeter's ingest takes both)."""
    import json

    if len(bodies) == 1:
        return request_for(OPENMETER, bodies[0], settings)
    headers = {"Content-Type": "application/cloudevents-batch+json"}
    if settings.openmeter_token:
        headers["Authorization"] = f"Bearer {settings.openmeter_token}"
    return OutgoingRequest(str(settings.openmeter_url), headers, json.dumps(bodies).encode())


def request_for(
    sink: str, body: dict[str, Any], settings: Settings, stripe_customer: str | None = None
) -> OutgoingRequest:
    import json
    from urllib.parse import urlencode

    if sink == OPENMETER:
        headers = {"Content-Type": "application/cloudevents+json"}
        if settings.openmeter_token:
            headers["Authorization"] = f"Bearer {settings.openmeter_token}"
        return OutgoingRequest(str(settings.openmeter_url), headers, json.dumps(body).encode())
    form = {
        "event_name": body["event_name"],
        "identifier": body["identifier"],
        "timestamp": str(body["timestamp"]),
        "payload[stripe_customer_id]": stripe_customer or body["tenant_id"],
        "payload[value]": str(body["value"]),
    }
    headers = {
        "Content-Type": "application/x-www-form-urlencoded",
        "Authorization": f"Bearer {settings.stripe_api_key}",
        # Stripe also dedupes on `identifier`; the key makes a retried POST itself idempotent.
        "Idempotency-Key": body["identifier"],
    }
    url = settings.stripe_api_base.rstrip("/") + "/v1/billing/meter_events"
    return OutgoingRequest(url, headers, urlencode(form).encode())
