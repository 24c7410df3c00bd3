"""`nexatron ask "question"`: against a running server (--url, --key) or in-process."""

from __future__ import annotations

import argparse
import json
import os
import sys
from collections.abc import Sequence
from typing import Any


def _table(columns: list[str], rows: list[list[Any]], limit: int = 50) -> str:
    shown = [[("" if v is None else str(v)) for v in row] for row in rows[:limit]]
    widths = [max([len(c), *(len(r[i]) for r in shown)]) for i, c in enumerate(columns)]
    lines = [
        "  ".join(c.ljust(w) for c, w in zip(columns, widths, strict=True)),
        "  ".join("-" * w for w in widths),
    ]
    lines += ["  ".join(v.ljust(w) for v, w in zip(r, widths, strict=True)) for r in shown]
    if len(rows) > limit:
        lines.append(f"... {len(rows) - limit} more rows")
    return "\n".join(lines)


def _remote(args: argparse.Namespace) -> tuple[int, dict[str, Any]]:
    import httpx

    body = {
        "question": args.question,
        "connection_id": args.connection,
        "conversation_id": args.conversation,
    }
    response = httpx.post(
        args.url.rstrip("/") + "/api/v1/query",
        json=body,
        timeout=120,
        headers={"Authorization": f"Bearer {args.key}"},
    )
    return response.status_code, response.json()


def _local(args: argparse.Namespace) -> tuple[int, dict[str, Any]]:
    from sqlalchemy import select

    from nexatron.errors import NexatronError
    from nexatron.identity.roles import Principal
    from nexatron.query import views
    from nexatron.query.service import query_service
    from nexatron.services import build_services
    from nexatron.settings import settings_from_env
    from nexatron.store.tables import users

    services = build_services(settings_from_env())
    with services.db.connect() as conn:
        admin = conn.execute(
            select(users).where(users.c.role == "admin").order_by(users.c.created_at)
        ).first()
    if admin is None:
        return 400, {"detail": "Not initialised: run `nexatron init` first."}
    principal = Principal(tenant_id=admin.tenant_id, user_id=admin.id, role="admin")
    service = query_service(services)
    try:
        prepared, answer = service.ask(principal, args.question, args.connection, args.conversation)
    except NexatronError as exc:
        return exc.status_code, {"detail": exc.detail}
    finally:
        services.close()
    return 200, json.loads(json.dumps(views.response(prepared, answer), default=str))


def main(argv: Sequence[str] | None = None) -> int:
    parser = argparse.ArgumentParser(prog="nexatron ask", description=__doc__)
    parser.add_argument("question")
    parser.add_argument(
        "--url",
        default=os.environ.get("NEXATRON_URL"),
        help="server base URL; omitted: answer in-process on the local data dir",
    )
    parser.add_argument("--key", default=os.environ.get("NEXATRON_API_KEY"))
    parser.add_argument("--connection")
    parser.add_argument("--conversation")
    parser.add_argument("--json", action="store_true", help="print the raw JSON response")
    args = parser.parse_args(argv)
    if args.url and not args.key:
        parser.error("--key (or NEXATRON_API_KEY) is required with --url")
    status, body = _remote(args) if args.url else _local(args)
    if args.json:
        print(json.dumps(body, indent=2, default=str))
        return 0 if status == 200 else 1
    if status != 200:
        print(f"[{status}] {json.dumps(body.get('detail'), indent=2)}", file=sys.stderr)
        return 1
    columns = [c["name"] for c in body.get("columns", [])] or list((body["data"] or [{}])[0])
    print(_table(columns, [[row.get(c) for c in columns] for row in body["data"]]))
    print(f"\nSQL:\n{body.get('sql')}\n")
    print(body.get("summary"))
    print(f"(query {body['id']}, conversation {body['conversation_id']})")
    return 0


if __name__ == "__main__":
    sys.exit(main())
