"""/scim/v2, built on its first request: scim2-models takes seconds to import, which no worker
process should pay at start-up for an API most installations call rarely."""

from __future__ import annotations

import threading
from typing import Any

from starlette.types import Receive, Scope, Send

from nexatron.services import Services

PREFIX = "/scim/v2"


class LazyScim:
    def __init__(self, services: Services) -> None:
        self._services = services
        self._app: Any = None
        self._lock = threading.Lock()

    def _build(self) -> Any:
        with self._lock:
            if self._app is None:
                from nexatron.api.scim import create_scim_app

                self._app = create_scim_app(self._services)
        return self._app

    async def __call__(self, scope: Scope, receive: Receive, send: Send) -> None:
        app = self._app
        if app is None:
            from starlette.concurrency import run_in_threadpool

            app = await run_in_threadpool(self._build)
        await app(scope, receive, send)
