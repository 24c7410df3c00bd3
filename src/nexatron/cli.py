"""`nexatron serve | init | migrate | users | keys | backup | restore | operator-key | tenants |
audit | ask | eval | mcp | import` (the operator commands live in operator_cli.py)."""

from __future__ import annotations

import argparse
import json
import os
import sys
from collections.abc import Sequence
from typing import Any

from nexatron.settings import Settings, SettingsError, settings_from_env


def _services(args: argparse.Namespace):  # type: ignore[no-untyped-def]
    from nexatron.services import build_services

    return build_services(_settings(args))


def _metrics_listener(addr: str) -> None:
    """NEXATRON_METRICS_ADDR: a second listener (in this, the parent process) serving only
    /metrics, without a credential (bind it where only the scraper reaches)."""
    from prometheus_client import CollectorRegistry, start_http_server

    from nexatron.observability.metrics import MULTIPROC_ENV

    host, _, port = addr.rpartition(":")
    registry = None
    if os.environ.get(MULTIPROC_ENV):
        from prometheus_client import multiprocess

        registry = CollectorRegistry()
        multiprocess.MultiProcessCollector(registry)  # type: ignore[no-untyped-call]
    if registry is None:
        start_http_server(int(port), addr=host or "127.0.0.1")
    else:
        start_http_server(int(port), addr=host or "127.0.0.1", registry=registry)
    print(f"Metrics on http://{host or '127.0.0.1'}:{port}/metrics", flush=True)


def unshared_limits_warning(settings: Settings, workers: int) -> str | None:
    """Why several workers without Redis do not hold a tenant to its limits, or None."""
    if workers <= 1 or settings.redis_url:
        return None
    return (
        f"serve --workers {workers} without NEXATRON_REDIS_URL: each worker counts the plans' "
        "question and LLM-token quotas, the rate limits and the per-tenant query slots on its "
        f"own, so a tenant can get up to {workers} times its limits; set NEXATRON_REDIS_URL to "
        "share them"
    )


def cmd_serve(args: argparse.Namespace) -> int:
    import logging.config

    from nexatron.observability.logs import logging_config

    settings0 = _settings(args)
    if args.workers > 1:
        # Before prometheus_client is imported anywhere: every worker writes its series there.
        from nexatron.observability.metrics import MULTIPROC_ENV, fresh_multiproc_dir

        os.environ[MULTIPROC_ENV] = fresh_multiproc_dir(settings0.data_dir)
    log_config = logging_config(settings0.log_format, settings0.log_level)
    logging.config.dictConfig(log_config)
    unshared = unshared_limits_warning(settings0, args.workers)
    if unshared:
        logging.getLogger("nexatron.serve").warning(unshared)

    import uvicorn

    from nexatron.api.app import create_app
    from nexatron.api.serving import uvicorn_options
    from nexatron.provision import describe, first_run

    services = _services(args)
    run = first_run(services)
    if run:
        print(describe(run), flush=True)
    settings = services.settings
    host = args.host or settings.host
    port = args.port or settings.port
    print(f"Serving on http://{host}:{port}  (API under /api/v1, docs at /docs)", flush=True)
    if settings.metrics_addr:
        _metrics_listener(settings.metrics_addr)
    options = {**uvicorn_options(settings), "log_config": log_config, "access_log": False}
    if args.workers > 1:
        # Each worker process builds its own app from the environment; it finds the data dir
        # (and the generated secret key in it) where this process put them.
        services.close()
        os.environ["NEXATRON_DATA_DIR"] = str(settings.data_dir)
        uvicorn.run(
            "nexatron.api.app:app_from_env",
            factory=True,
            host=host,
            port=port,
            workers=args.workers,
            **options,
        )
        return 0
    app = create_app(settings, services=services)
    uvicorn.run(app, host=host, port=port, **options)
    return 0


def cmd_init(args: argparse.Namespace) -> int:
    from nexatron.provision import describe, first_run

    services = _services(args)
    run = first_run(services)
    print(describe(run) if run else "Already initialised; nothing created.")
    services.close()
    return 0


def cmd_journal_replay(args: argparse.Namespace) -> int:
    from nexatron.query.service import replay_journals

    services = _services(args)
    try:
        count = replay_journals(services)
    finally:
        services.close()
    print(f"Replayed {count} journaled history jobs from {services.settings.data_dir / 'journal'}.")
    return 0


def cmd_migrate(args: argparse.Namespace) -> int:
    services = _services(args)
    services.close()
    print("Metadata store is up to date.")
    return 0


class CliError(Exception):
    """A problem the person at the terminal can fix: printed as one line, exit status 2."""


def _tenant_id(conn: Any, wanted: str | None) -> str:
    """The tenant named by id or slug, or the first one when none is named."""
    from sqlalchemy import or_, select

    from nexatron.store.tables import tenants

    if wanted:
        found = conn.execute(
            select(tenants.c.id).where(or_(tenants.c.id == wanted, tenants.c.slug == wanted))
        ).scalar()
        if found is None:
            raise CliError(f"No tenant with id or slug {wanted!r}.")
        return str(found)
    first = conn.execute(select(tenants.c.id).order_by(tenants.c.created_at)).scalar()
    if first is None:
        raise CliError("No tenant yet: run `nexatron init` first.")
    return str(first)


def _need(args: argparse.Namespace, *names: str) -> None:
    missing = [f"--{n.replace('_', '-')}" for n in names if not getattr(args, n, None)]
    if missing:
        raise CliError(f"`{args.command} {args.action}` needs {', '.join(missing)}.")


def cmd_users(args: argparse.Namespace) -> int:
    from nexatron.identity.users import create_user, list_users

    if args.action == "create":
        _need(args, "email", "password")
    services = _services(args)
    try:
        with services.db.begin() as conn:
            tenant_id = _tenant_id(conn, args.tenant)
            if args.action == "create":
                user_id = create_user(
                    conn,
                    tenant_id=tenant_id,
                    email=args.email,
                    password=args.password,
                    role=args.role,
                )
                print(user_id)
            else:
                for row in list_users(conn, tenant_id):
                    state = "disabled" if row.disabled else ""
                    print(f"{row.id}\t{row.email}\t{row.role}\t{state}")
    finally:
        services.close()
    return 0


def cmd_keys(args: argparse.Namespace) -> int:
    from nexatron.identity.keys import create_key, list_keys, revoke_key
    from nexatron.identity.roles import Principal
    from nexatron.identity.users import users_by_email

    if args.action == "revoke":
        _need(args, "key_id")
    services = _services(args)
    try:
        with services.db.begin() as conn:
            tenant_id = _tenant_id(conn, args.tenant) if args.tenant else None
            found = users_by_email(conn, args.email, tenant_id)
            if not found:
                raise CliError(f"No user with email {args.email}.")
            if len(found) > 1:
                slugs = ", ".join(row.tenant_slug for row in found)
                raise CliError(f"{args.email} is in several tenants ({slugs}); pass --tenant.")
            user = found[0]
            principal = Principal(tenant_id=user.tenant_id, user_id=user.id, role=user.role)
            if args.action == "create":
                _rec, key = create_key(
                    conn,
                    services.settings.secret_key,
                    principal,
                    name=args.name,
                    role=args.role,
                    expires_at=None,
                )
                print(key)
            elif args.action == "revoke":
                revoke_key(conn, principal, args.key_id)
                print("revoked")
            else:
                for k in list_keys(conn, principal):
                    print(json.dumps(k, default=str))
    finally:
        services.close()
    return 0


def cmd_backup(args: argparse.Namespace) -> int:
    """Back up the metadata store (SQLite online, while serving; PostgreSQL with pg_dump)."""
    from pathlib import Path

    from nexatron.backup import BackupError, backup

    settings = _settings(args)
    try:
        manifest = backup(settings, Path(args.out))
    except BackupError as exc:
        raise CliError(str(exc.detail)) from None
    print(f"Backed up the {manifest.store} store (revision {manifest.revision}) to {args.out}")
    return 0


def cmd_restore(args: argparse.Namespace) -> int:
    """Restore a backup into the configured store; the server must be stopped."""
    from pathlib import Path

    from nexatron.backup import BackupError, restore

    settings = _settings(args)
    try:
        manifest = restore(settings, Path(args.source), replace=args.replace)
    except BackupError as exc:
        raise CliError(str(exc.detail)) from None
    print(f"Restored the {manifest.store} store from {args.source} ({manifest.created_at})")
    return 0


def _settings(args: argparse.Namespace):  # type: ignore[no-untyped-def]
    overrides = {}
    if getattr(args, "data_dir", None):
        overrides["data_dir"] = args.data_dir
    return settings_from_env(**overrides)


def build_parser() -> argparse.ArgumentParser:
    parser = argparse.ArgumentParser(prog="nexatron", description=__doc__)
    parser.add_argument(
        "--data-dir", help="data directory (default: $NEXATRON_DATA_DIR or .nexatron)"
    )
    sub = parser.add_subparsers(dest="command", required=True)

    serve = sub.add_parser("serve", help="start the API server (first run provisions a tenant)")
    serve.add_argument("--host")
    serve.add_argument("--port", type=int)
    serve.add_argument(
        "--workers",
        type=int,
        default=1,
        help="worker processes (one per core serves most; they share the metadata store)",
    )
    serve.set_defaults(func=cmd_serve)

    sub.add_parser(
        "init", help="provision the first tenant, admin and key without serving"
    ).set_defaults(func=cmd_init)
    sub.add_parser("migrate", help="apply metadata-store migrations").set_defaults(func=cmd_migrate)
    sub.add_parser(
        "journal-replay",
        help="write the history rows journaled by dead processes under --data-dir (a node that "
        "will not come back: copy its data dir, point the settings at the cluster's store)",
    ).set_defaults(func=cmd_journal_replay)

    users = sub.add_parser("users", help="manage users")
    users.add_argument("action", choices=["list", "create"])
    users.add_argument("--email")
    users.add_argument("--password")
    users.add_argument("--role", default="viewer", choices=["admin", "analyst", "viewer"])
    users.add_argument("--tenant", help="tenant id or slug (default: the first tenant)")
    users.set_defaults(func=cmd_users)

    keys = sub.add_parser("keys", help="manage API keys of a user")
    keys.add_argument("action", choices=["list", "create", "revoke"])
    keys.add_argument("--email", required=True)
    keys.add_argument("--name")
    keys.add_argument("--role", choices=["admin", "analyst", "viewer"])
    keys.add_argument("--key-id")
    keys.add_argument("--tenant", help="tenant id or slug (when the email is in several tenants)")
    keys.set_defaults(func=cmd_keys)

    backup = sub.add_parser("backup", help="back up the metadata store into a new directory")
    backup.add_argument("out", help="a new (or empty) directory")
    backup.set_defaults(func=cmd_backup)
    restore = sub.add_parser("restore", help="restore a backup (stop the server first)")
    restore.add_argument("source", help="a directory written by `nexatron backup`")
    restore.add_argument(
        "--replace", action="store_true", help="overwrite an existing SQLite store"
    )
    restore.set_defaults(func=cmd_restore)

    from nexatron.operator_cli import add_parsers

    add_parsers(sub)

    delegated = (
        ("ask", "nexatron.ask"),
        ("eval", "nexatron.evaluation.main"),
        ("mcp", "nexatron.mcp_server.stdio"),  # dispatched before argparse: see _mcp_args
        ("import", "nexatron.semantic.import_cli"),
    )
    for name, module in delegated:
        extra = sub.add_parser(name, help=f"see `nexatron {name} --help`", add_help=False)
        extra.add_argument("rest", nargs=argparse.REMAINDER)
        extra.set_defaults(func=_delegate(module))
    return parser


def _delegate(module_name: str):  # type: ignore[no-untyped-def]
    def run(args: argparse.Namespace) -> int:
        import importlib

        module = importlib.import_module(module_name)
        return int(module.main(args.rest))

    return run


def _one_line(exc: BaseException) -> str:
    """What went wrong, without a traceback or the statement's parameters (password hashes...)."""
    from sqlalchemy.exc import DBAPIError, SQLAlchemyError

    from nexatron.errors import NexatronError

    if isinstance(exc, NexatronError):
        detail = exc.detail
        if isinstance(detail, list):  # field errors: "password: must be at least ..."
            detail = "; ".join(f"{d.get('loc', ['?'])[-1]}: {d.get('msg')}" for d in detail)
        return str(detail)
    if isinstance(exc, DBAPIError):
        # str(exc) carries the SQL and its bound values; the driver's own message does not.
        first = str(exc.orig).strip().splitlines()[0] if str(exc.orig).strip() else ""
        return f"metadata store error: {type(exc.orig).__name__}: {first}"
    if isinstance(exc, SQLAlchemyError):
        return f"metadata store error: {type(exc).__name__}"
    return f"unexpected error: {type(exc).__name__} (set NEXATRON_CLI_TRACEBACK=1 for details)"


def _mcp_args(argv: Sequence[str]) -> list[str] | None:
    """`[--data-dir D] mcp ARGS...`: the mcp command's own arguments (its options start with
    `--`, which argparse's REMAINDER would not hand over), else None."""
    words = list(argv)
    data_dir: list[str] = []
    if words[:1] == ["--data-dir"] and len(words) >= 2:
        data_dir, words = ["--data-dir", words[1]], words[2:]
    elif words[:1] and words[0].startswith("--data-dir="):
        data_dir, words = ["--data-dir", words[0].partition("=")[2]], words[1:]
    if words[:1] != ["mcp"]:
        return None
    return [*words[1:], *data_dir]


def main(argv: Sequence[str] | None = None) -> int:
    words = list(sys.argv[1:] if argv is None else argv)
    mcp_args = _mcp_args(words)
    if mcp_args is not None:
        from nexatron.mcp_server.stdio import main as mcp_main

        return mcp_main(mcp_args)
    args = build_parser().parse_args(words)
    os.umask(0o077)  # what the server creates (store, uploads, demo files) is its own alone
    try:
        return int(args.func(args))
    except KeyboardInterrupt:
        return 130
    except (SettingsError, CliError) as exc:
        print(f"nexatron: {exc}", file=sys.stderr)
        return 2
    except Exception as exc:
        if os.environ.get("NEXATRON_CLI_TRACEBACK") == "1":
            raise
        print(f"nexatron: {_one_line(exc)}", file=sys.stderr)
        return 1


if __name__ == "__main__":
    sys.exit(main())
