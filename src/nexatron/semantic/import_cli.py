"""`nexatron import FILE --format dbt|cube|nexatron --connection ID [--apply]`: a semantic layer
from a file into a connection of a running server (POST /semantic/import), printing the diff and
what could not be mapped. --url and --key (or NEXATRON_URL, NEXATRON_API_KEY) name the server."""

from __future__ import annotations

import argparse
import json
import os
import sys
from collections.abc import Sequence
from pathlib import Path


def main(argv: Sequence[str] | None = None) -> int:
    from nexatron.client import ApiError, Client

    parser = argparse.ArgumentParser(prog="nexatron import", description=__doc__.split("\n")[0])
    parser.add_argument("file", type=Path)
    parser.add_argument("--format", choices=["nexatron", "dbt", "cube"], default="nexatron")
    parser.add_argument("--connection", required=True, help="connection id")
    parser.add_argument("--apply", action="store_true", help="replace the layer (default: dry run)")
    parser.add_argument("--url", default=os.environ.get("NEXATRON_URL", "http://localhost:8000"))
    parser.add_argument("--key", default=os.environ.get("NEXATRON_API_KEY"))
    args = parser.parse_args(argv)
    if not args.key:
        print("nexatron import: --key (or NEXATRON_API_KEY) is required", file=sys.stderr)
        return 2
    body = {
        "connection_id": args.connection,
        "yaml": args.file.read_text(),
        "format": args.format,
        "dry_run": not args.apply,
    }
    with Client(args.url, key=args.key) as client:
        try:
            result = client.request("POST", "/semantic/import", json=body)
        except ApiError as error:
            print(f"nexatron import: {error.status}: {json.dumps(error.detail)}", file=sys.stderr)
            return 1
    print(json.dumps(result, indent=2, default=str))
    return 0
