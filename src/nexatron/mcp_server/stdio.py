"""`nexatron mcp`: the MCP server on stdin/stdout, for agents that launch their tools.

    nexatron mcp --url https://nexatron.example.com --key nx_...   # a running server, over HTTP
    nexatron mcp --data-dir .nexatron --key nx_...                 # in this process, on a data dir

Either way the tools call the REST API with the key, so the answers, scoping and limits are the
server's. NEXATRON_URL and NEXATRON_API_KEY may stand in for --url and --key.
"""

from __future__ import annotations

import argparse
import os
import sys
from collections.abc import Sequence

import httpx

from nexatron.mcp_server.backend import Backend, remote
from nexatron.mcp_server.tools import build_server, shared


def _in_process(data_dir: str | None, key: str) -> Backend:
    from nexatron.api.app import create_app
    from nexatron.settings import settings_from_env

    if data_dir:
        os.environ["NEXATRON_DATA_DIR"] = data_dir
    app = create_app(settings_from_env())
    transport = httpx.ASGITransport(app=app, client=("127.0.0.1", 0))
    client = httpx.AsyncClient(
        transport=transport,
        base_url="http://nexatron.local",
        headers={"Authorization": f"Bearer {key}"},
        timeout=120.0,
    )
    return Backend(client)


def main(argv: Sequence[str] | None = None) -> int:
    parser = argparse.ArgumentParser(prog="nexatron mcp", description=__doc__.split("\n")[0])
    parser.add_argument("--url", default=os.environ.get("NEXATRON_URL"), help="server base URL")
    parser.add_argument(
        "--key", default=os.environ.get("NEXATRON_API_KEY"), help="API key (Bearer)"
    )
    parser.add_argument("--data-dir", help="serve in process on this data dir (no --url)")
    args = parser.parse_args(argv)
    if not args.key:
        print("nexatron mcp: --key (or NEXATRON_API_KEY) is required", file=sys.stderr)
        return 2
    backend = remote(args.url, args.key) if args.url else _in_process(args.data_dir, args.key)
    build_server(shared(backend)).run("stdio")
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
