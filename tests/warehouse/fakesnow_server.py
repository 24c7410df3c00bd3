"""Run fakesnow's HTTP server (in its own virtualenv: fakesnow pins sqlglot) with a real password
check on login, so wrong credentials fail the way Snowflake fails them (code 390100).

Usage: <fakesnow-venv>/bin/python fakesnow_server.py PORT PASSWORD
"""

import gzip
import json
import sys

import fakesnow.server as fs_server
import uvicorn
from starlette.requests import Request
from starlette.responses import JSONResponse


def main() -> None:
    port, password = int(sys.argv[1]), sys.argv[2]
    app = fs_server.app

    async def checked_app(scope, receive, send):
        if scope["type"] == "http" and scope["path"] == "/session/v1/login-request":
            request = Request(scope, receive)
            body = await request.body()
            raw = (
                gzip.decompress(body) if request.headers.get("Content-Encoding") == "gzip" else body
            )
            if json.loads(raw)["data"].get("PASSWORD") != password:
                response = JSONResponse(
                    {
                        "data": None,
                        "code": "390100",
                        "success": False,
                        "message": "Incorrect username or password was specified.",
                    }
                )
                await response(scope, receive, send)
                return

            async def replay():
                return {"type": "http.request", "body": body, "more_body": False}

            await app(scope, replay, send)
            return
        await app(scope, receive, send)

    uvicorn.run(checked_app, host="127.0.0.1", port=port, log_level="warning")


if __name__ == "__main__":
    main()
