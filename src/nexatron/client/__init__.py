"""Python client of the Nexatron API (sync `Client`, async `AsyncClient`, on httpx).

from nexatron.client import Client
with Client("http://localhost:8000", key="nxa_...") as nx:
    print(nx.ask("total sales by region last quarter").summary)
"""

from nexatron.client.asynchronous import AsyncClient
from nexatron.client.exceptions import ApiError, RateLimitedError
from nexatron.client.models import Answer, Column, Connection, Event, LayerObject
from nexatron.client.synchronous import Client

__all__ = [
    "Answer",
    "ApiError",
    "AsyncClient",
    "Client",
    "Column",
    "Connection",
    "Event",
    "LayerObject",
    "RateLimitedError",
]
