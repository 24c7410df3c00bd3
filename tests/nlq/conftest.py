"""A small, generic layer (a bookings domain) shared by the parser tests."""

from __future__ import annotations

import datetime as dt

import pytest

from nexatron.nlq import DateContext, Lexicon, build_lexicon
from nexatron.semantic.model import SemanticLayer

from .evalsets import EvalData

LAYER = {
    "metrics": [
        {
            "name": "revenue",
            "label": "Revenue",
            "synonyms": ["sales", "turnover"],
            "table": "bookings",
            "agg": "sum",
            "expr": "amount",
            "time_dimension": "booked_at",
            "format": {"kind": "currency", "currency": "EUR"},
        },
        {
            "name": "bookings_count",
            "label": "Number of bookings",
            "table": "bookings",
            "agg": "count",
            "time_dimension": "booked_at",
        },
        {
            "name": "avg_booking_value",
            "label": "Average booking value",
            "table": "bookings",
            "agg": "avg",
            "expr": "amount",
            "time_dimension": "booked_at",
        },
        {"name": "guests_count", "label": "Number of guests", "table": "guests", "agg": "count"},
        {
            "name": "nights",
            "label": "Nights",
            "table": "bookings",
            "agg": "sum",
            "expr": "nights",
            "time_dimension": "booked_at",
        },
    ],
    "dimensions": [
        {
            "name": "country",
            "label": "Guest country",
            "synonyms": ["country"],
            "table": "guests",
            "expr": "country",
        },
        {"name": "tier", "label": "Loyalty tier", "table": "guests", "expr": "tier"},
        {
            "name": "room_type",
            "label": "Room type",
            "synonyms": ["room"],
            "table": "bookings",
            "expr": "room_type",
        },
        {
            "name": "channel",
            "label": "Booking channel",
            "synonyms": ["channel"],
            "table": "bookings",
            "expr": "channel",
        },
        {
            "name": "booked_at",
            "label": "Booking date",
            "type": "time",
            "table": "bookings",
            "expr": "booked_at",
        },
        {
            "name": "checkin_date",
            "label": "Check-in date",
            "type": "time",
            "table": "bookings",
            "expr": "checkin_date",
        },
        {
            "name": "amount",
            "label": "Booking amount",
            "type": "number",
            "table": "bookings",
            "expr": "amount",
        },
    ],
    "relationships": [
        {
            "from_table": "bookings",
            "from_columns": ["guest_id"],
            "to_table": "guests",
            "to_columns": ["id"],
        }
    ],
}
VALUES = {
    "country": ["Canada", "United States", "Germany", "United Kingdom", "France"],
    "tier": ["Gold", "Silver", "Suite"],
    "room_type": ["Suite", "Double", "Single"],
    "channel": ["Online", "Travel Agent", "Phone"],
}


@pytest.fixture(scope="session")
def layer() -> SemanticLayer:
    return SemanticLayer.model_validate(LAYER)


@pytest.fixture(scope="session")
def lex(layer: SemanticLayer) -> Lexicon:
    return build_lexicon(layer, VALUES)


@pytest.fixture(scope="session")
def ctx() -> DateContext:
    return DateContext(now=dt.datetime(2026, 3, 15, 12, tzinfo=dt.UTC))


@pytest.fixture(scope="session")
def eval_data(tmp_path_factory: pytest.TempPathFactory) -> EvalData:
    """The eval sets' generated datasets, each built once per session (tests/nlq/evalsets.py)."""
    return EvalData(tmp_path_factory.mktemp("eval-data"))
