"""`nexatron operator-key | tenants | audit | usage-outbox`: the operator's commands (mirroring
the operator API), the audit log's verification and pruning, and the metering outbox's dead
letters (list, re-drive)."""

from __future__ import annotations

import argparse
import getpass
import json
import os
from pathlib import Path
from typing import Any

from nexatron import audit


def _services(args: argparse.Namespace) -> Any:
    from nexatron.cli import _services as build

    return build(args)


def _cli_actor() -> audit.Actor:
    try:
        user = getpass.getuser()
    except (KeyError, OSError):
        user = "unknown"
    return audit.Actor("operator", "cli", f"cli:{user}")


def cmd_operator_key(args: argparse.Namespace) -> int:
    from nexatron.identity.operators import (
        create_operator_key,
        list_operator_keys,
        revoke_operator_key,
    )

    services = _services(args)
    try:
        with services.db.begin() as conn:
            if args.action == "create":
                record, key = create_operator_key(conn, services.settings.secret_key, args.name)
                audit.record(
                    conn,
                    tenant_id=None,
                    actor=_cli_actor(),
                    action="operator_key.create",
                    target=audit.Target("operator_key", record["id"], args.name),
                )
                print(key)
                print(f"(operator key {record['id']}: shown once, store it now)", flush=True)
            elif args.action == "revoke":
                if not args.key_id:
                    from nexatron.cli import CliError

                    raise CliError("`operator-key revoke` needs --key-id.")
                revoke_operator_key(conn, args.key_id)
                audit.record(
                    conn,
                    tenant_id=None,
                    actor=_cli_actor(),
                    action="operator_key.revoke",
                    target=audit.Target("operator_key", args.key_id),
                )
                print("revoked")
            else:
                for row in list_operator_keys(conn):
                    state = "revoked" if row.revoked_at else "active"
                    print(f"{row.id}\t{row.prefix}…\t{row.name or ''}\t{state}")
    finally:
        services.close()
    return 0


def _write_export(path: Path, document: dict[str, Any]) -> None:
    fd = os.open(path, os.O_WRONLY | os.O_CREAT | os.O_EXCL, 0o600)
    with os.fdopen(fd, "w") as handle:
        json.dump(document, handle, indent=2, default=str)


def cmd_tenants(args: argparse.Namespace) -> int:
    from nexatron.cli import CliError
    from nexatron.tenants import service
    from nexatron.tenants.erase import delete_tenant

    needs = {"create": ("name", "slug", "admin_email"), "suspend": ("tenant",)}
    needs.update(resume=("tenant",), delete=("tenant",), plan=("tenant", "plan"))
    missing = [
        "the tenant (id or slug)" if n == "tenant" else f"--{n.replace('_', '-')}"
        for n in needs.get(args.action, ())
        if not getattr(args, n)
    ]
    if missing:
        raise CliError(f"`tenants {args.action}` needs {', '.join(missing)}.")
    actor = _cli_actor()
    services = _services(args)
    try:
        if args.action == "delete":
            target = Path(args.export_to or f"tenant-{args.tenant}-export.json")
            if target.exists():
                raise CliError(f"{target} exists; pass another --export-to.")
            with services.db.begin() as conn:
                document = delete_tenant(conn, services, args.tenant, actor)
                _write_export(target, document)  # inside: no erasure without its export
            print(f"deleted {document['tenant']['id']}; export written to {target}")
            return 0
        with services.db.begin() as conn:
            if args.action == "create":
                made = service.create(
                    conn,
                    services.settings,
                    name=args.name,
                    slug=args.slug,
                    plan=args.plan or "default",
                    admin_email=args.admin_email,
                    actor=actor,
                )
                print(json.dumps(made.tenant, default=str))
                print(f"first admin: {made.admin_email}")
                print(f"admin API key: {made.api_key}   (shown once; store it now)")
            elif args.action == "list":
                for row in service.list_rows(conn):
                    tenant = service.public(row)
                    print(f"{tenant['id']}\t{tenant['slug']}\t{tenant['plan']}\t{tenant['status']}")
            elif args.action == "plan":
                tenant = service.change_plan(conn, services.settings, args.tenant, args.plan, actor)
                print(json.dumps(tenant, default=str))
            else:
                suspend = args.action == "suspend"
                tenant = service.set_suspended(conn, args.tenant, suspend, actor)
                print(f"{tenant['id']} {tenant['status']}")
    finally:
        services.close()
    return 0


def cmd_audit(args: argparse.Namespace) -> int:
    from nexatron.audit.retention import prune
    from nexatron.audit.verify import verify

    services = _services(args)
    try:
        if args.action == "prune":
            days = args.days or services.settings.audit_retention_days
            if days is None:
                from nexatron.cli import CliError

                raise CliError("Set NEXATRON_AUDIT_RETENTION_DAYS or pass --days.")
            removed = prune(services.db, days)
            print(json.dumps({"removed": removed}))
            return 0
        with services.db.connect() as conn:
            tenant = args.tenant
            if tenant:
                from nexatron.tenants.service import get_row

                tenant = "operator" if tenant == "operator" else get_row(conn, tenant).id
            reports = verify(conn, None if tenant == "operator" else tenant)
            if tenant == "operator":
                from nexatron.audit.verify import verify_chain

                reports = [verify_chain(conn, "operator")]
        broken = [r for r in reports if r.broken is not None]
        for report in reports:
            state = "ok" if report.broken is None else "BROKEN"
            print(f"{report.chain}\t{report.events} events\t{state}")
        for report in broken:
            assert report.broken is not None
            print(f"first broken link: {report.broken.describe()}")
        return 1 if broken else 0
    finally:
        services.close()


def cmd_usage_outbox(args: argparse.Namespace) -> int:
    """The metering outbox: counts and dead letters (`list`), or dead letters sent again
    (`redrive`, all or `--id`s or one `--sink`'s)."""
    from nexatron.usage.exporter import dead_letters, outbox_counts, redrive

    services = _services(args)
    try:
        if args.action == "redrive":
            with services.db.begin() as conn:
                count = redrive(conn, ids=args.id or None, sink=args.sink)
                audit.record(
                    conn,
                    tenant_id=None,
                    actor=_cli_actor(),
                    action="usage_outbox.redrive",
                    target=audit.Target("usage_outbox", ",".join(map(str, args.id or [])) or "*"),
                )
            print(json.dumps({"redriven": count}))
            return 0
        with services.db.connect() as conn:
            document = {
                **outbox_counts(conn),
                "dead_letters": dead_letters(conn, sink=args.sink, limit=args.limit),
            }
        print(json.dumps(document, indent=2, default=str))
        return 0
    finally:
        services.close()


def add_parsers(sub: Any) -> None:
    key = sub.add_parser("operator-key", help="operator credentials (not tied to a tenant)")
    key.add_argument("action", choices=["create", "list", "revoke"])
    key.add_argument("--name")
    key.add_argument("--key-id")
    key.set_defaults(func=cmd_operator_key)

    tenants = sub.add_parser("tenants", help="create, list, suspend, resume, delete tenants")
    tenants.add_argument(
        "action", choices=["create", "list", "plan", "suspend", "resume", "delete"]
    )
    tenants.add_argument("tenant", nargs="?", help="tenant id or slug")
    tenants.add_argument("--name")
    tenants.add_argument("--slug")
    tenants.add_argument("--plan")
    tenants.add_argument("--admin-email")
    tenants.add_argument(
        "--export-to", help="delete: where the export goes (default tenant-<id>-export.json)"
    )
    tenants.set_defaults(func=cmd_tenants)

    log = sub.add_parser("audit", help="verify the audit log's hash chains, or prune it")
    log.add_argument("action", choices=["verify", "prune"])
    log.add_argument("--tenant", help="verify: one tenant (id or slug, or `operator`)")
    log.add_argument("--days", type=int, help="prune: override NEXATRON_AUDIT_RETENTION_DAYS")
    log.set_defaults(func=cmd_audit)

    outbox = sub.add_parser(
        "usage-outbox", help="metering outbox: pending, delivered and dead letters; re-drive"
    )
    outbox.add_argument("action", choices=["list", "redrive"])
    outbox.add_argument("--id", type=int, action="append", help="redrive: this row (repeatable)")
    outbox.add_argument("--sink", choices=["openmeter", "stripe"])
    outbox.add_argument("--limit", type=int, default=100, help="list: dead letters shown")
    outbox.set_defaults(func=cmd_usage_outbox)
