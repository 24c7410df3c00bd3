"""The connection policy: the one place that decides whether a connection may be opened.

Engines ask their `Gate` (the policy bound to one tenant) at every connect, not only when a
connection is created: network engines for the address to connect to (the host is resolved
once, every address is checked, and the driver is given the checked address, so a second DNS
answer cannot redirect it), file engines for the path to open (resolved the way the engine opens
it, with links into the server's own files refused), and both for the identity check (a database
stamped with this installation's id is the metadata store reached by another route).
"""

from __future__ import annotations

import contextlib
import fnmatch
import ipaddress
import os
import re
import socket
import stat
import time
from collections.abc import Iterable
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any
from urllib.parse import urlsplit

from nexatron.warehouse.failures import QueryFailed
from nexatron.warehouse.types import Outcome

IPAddress = ipaddress.IPv4Address | ipaddress.IPv6Address
IPNetwork = ipaddress.IPv4Network | ipaddress.IPv6Network

#: A stamp table the connecting user may not read: a store of unknown identity, refused.
UNREADABLE = "*unreadable*"
#: Table that stamps a metadata store with its installation id (migration 0008).
STAMP_TABLE = "nexatron_installation"

ADVICE: dict[Outcome, str] = {
    "unreachable": "Could not reach the database server: check the host name and port, that the "
    "server is running, and that the network allows connections from Nexatron.",
    "refused_by_policy": "This server's connection policy does not allow this address or file.",
    "authentication_failed": "Authentication failed: the server refused the login; check the "
    "user name, password (or key), the database's access rules for this user, and its grants.",
    "database_missing": "The database (or file, project or dataset) does not exist or is not "
    "visible to this user: check its name.",
    "timeout": "The database did not answer in time: check the host, port and firewall, or "
    "whether the server is overloaded.",
    "protocol_error": "The server did not answer like this kind of database: check the type, "
    "host and port.",
}

#: Cloud instance metadata services (AWS, GCP, Azure, Alibaba, ECS task metadata).
METADATA_ADDRESSES = frozenset(
    ipaddress.ip_address(a)
    for a in ("169.254.169.254", "fd00:ec2::254", "100.100.100.200", "169.254.170.2")
)
METADATA_NAMES = ("metadata.google.internal", "metadata", "instance-data", "*.metadata.internal")
#: Other non-routable or special-purpose blocks that are never a tenant's database.
_ALWAYS_DENIED: tuple[IPNetwork, ...] = tuple(
    ipaddress.ip_network(n)
    for n in ("0.0.0.0/8", "240.0.0.0/4", "255.255.255.255/32", "::/128", "100::/64")
)


_HOST_CHARS = re.compile(r"[a-z0-9._:-]+")


class ConnectFailed(QueryFailed):
    """A connection could not be opened; the detail is a classified outcome, never driver text.
    The body is `{"detail": [{"loc", "msg", "type": <outcome>}]}` like field errors."""

    status_code = 400

    def __init__(self, outcome: Outcome, *, field: str | None = None, why: str = "") -> None:
        self.outcome = outcome
        loc = ["body", "config", field] if field else ["connection"]
        self.message = f"{ADVICE[outcome]} {why}".strip()
        super().__init__([{"loc": loc, "msg": self.message, "type": outcome}])


class RefusedByPolicy(ConnectFailed):
    """Refused before any packet leaves or any file is opened."""

    status_code = 422

    def __init__(self, why: str, *, field: str | None = None) -> None:
        super().__init__("refused_by_policy", field=field, why=why)


@dataclass(frozen=True)
class Rule:
    """One allow/deny entry: a CIDR (`10.0.0.0/8`, `2001:db8::/32`) or a host pattern
    (`*.corp.example`, `db1.example`)."""

    network: IPNetwork | None = None
    pattern: str | None = None

    @classmethod
    def parse(cls, text: str) -> Rule:
        text = text.strip().lower()
        try:
            return cls(network=ipaddress.ip_network(text, strict=False))
        except ValueError:
            return cls(pattern=text.rstrip("."))

    def matches(self, host: str, address: IPAddress | None) -> bool:
        if self.network is not None:
            return (
                address is not None
                and address.version == self.network.version
                and (address in self.network)
            )
        return self.pattern is not None and fnmatch.fnmatchcase(host, self.pattern)


def parse_rules(entries: Iterable[str]) -> tuple[Rule, ...]:
    return tuple(Rule.parse(e) for e in entries if e.strip())


def canonical(address: IPAddress) -> IPAddress:
    """IPv4-mapped (`::ffff:127.0.0.1`) and IPv4-compatible (`::127.0.0.1`) IPv6 addresses are
    the IPv4 address they carry; NAT64 (`64:ff9b::7f00:1`) too."""
    if isinstance(address, ipaddress.IPv6Address):
        if address.ipv4_mapped is not None:
            return address.ipv4_mapped
        value = int(address)
        if 1 < value < 2**32:
            return ipaddress.IPv4Address(value)
        if address in ipaddress.ip_network("64:ff9b::/96"):
            return ipaddress.IPv4Address(value & 0xFFFFFFFF)
        if address.sixtofour is not None:
            return address.sixtofour
        if address.teredo is not None:
            return address.teredo[1]
    return address


def clean_host(host: str) -> str:
    host = host.strip().lower()
    if host.startswith("[") and host.endswith("]"):
        host = host[1:-1]
    return host.split("%", 1)[0].rstrip(".")


def resolve(host: str, port: int) -> list[IPAddress]:
    """Every address the host resolves to (the way a driver's getaddrinfo would), in order."""
    infos = socket.getaddrinfo(host, port, type=socket.SOCK_STREAM)
    seen: list[IPAddress] = []
    for info in infos:
        address = ipaddress.ip_address(str(info[4][0]).split("%", 1)[0])
        if address not in seen:
            seen.append(address)
    return seen


def _url_endpoint(url: str | None, default_port: int) -> tuple[str, int] | None:
    if not url:
        return None
    try:
        parts = urlsplit(url)
        host, port = parts.hostname, parts.port
    except ValueError:
        return None
    if not host:  # a Unix socket: no TCP endpoint to protect (the identity check still runs)
        return None
    return host, port or default_port


#: How long the host's own interface addresses are reused before they are read again.
LOCAL_ADDRESSES_TTL_S = 60.0


def local_addresses() -> frozenset[IPAddress]:
    """This host's own addresses besides loopback: every local IPv4 address the kernel routes
    (/proc/net/fib_trie, "/32 host LOCAL"), every IPv6 interface address (/proc/net/if_inet6),
    and what the host's own name resolves to. A service bound to 0.0.0.0 answers on each."""
    found: set[IPAddress] = set()
    with contextlib.suppress(OSError, UnicodeError, ValueError):
        for info in socket.getaddrinfo(socket.gethostname(), None, proto=socket.IPPROTO_TCP):
            found.add(ipaddress.ip_address(str(info[4][0]).split("%")[0]))
    with contextlib.suppress(OSError, ValueError):
        previous = ""
        for line in Path("/proc/net/fib_trie").read_text().splitlines():
            if "/32 host LOCAL" in line and previous.strip().startswith("|--"):
                found.add(ipaddress.ip_address(previous.strip()[3:].strip()))
            previous = line
    with contextlib.suppress(OSError, ValueError):
        for line in Path("/proc/net/if_inet6").read_text().splitlines():
            found.add(ipaddress.ip_address(bytes.fromhex(line.split()[0])))
    return frozenset(a for a in (canonical(x) for x in found) if not a.is_loopback)


@dataclass
class ConnectionPolicy:
    """Built once from Settings; `for_tenant` binds it to the tenant whose connection opens."""

    data_dir: Path
    file_roots: tuple[Path, ...] = ()
    allow_loopback: bool = False
    allow: tuple[Rule, ...] = ()
    deny: tuple[Rule, ...] = ()
    protected: tuple[tuple[str, int], ...] = ()  # the store's and Redis's own host:port
    installation_id: str | None = None
    trusted: bool = False  # programmatic use (tests, the operator's scripts): no checks
    _protected_addresses: set[tuple[IPAddress, int]] | None = field(default=None, repr=False)
    _local: tuple[float, frozenset[IPAddress]] | None = field(default=None, repr=False)

    @classmethod
    def from_settings(cls, settings: Any, installation_id: str | None) -> ConnectionPolicy:
        protected = [
            e
            for e in (
                _url_endpoint(settings.database_url, 5432),
                _url_endpoint(settings.redis_url, 6379),
            )
            if e is not None
        ]
        return cls(
            data_dir=Path(settings.data_dir).resolve(),
            file_roots=tuple(Path(p).expanduser().resolve() for p in settings.file_roots),
            allow_loopback=settings.connection_allow_loopback,
            allow=parse_rules(settings.connection_allow),
            deny=parse_rules(settings.connection_deny),
            protected=tuple(protected),
            installation_id=installation_id,
        )

    @classmethod
    def unchecked(cls) -> ConnectionPolicy:
        return cls(data_dir=Path("/nonexistent-nexatron-data"), trusted=True)

    def for_tenant(self, tenant_id: str | None) -> Gate:
        return Gate(self, tenant_id)

    @property
    def files_dir(self) -> Path:
        return self.data_dir / "files"

    def tenant_dir(self, tenant_id: str) -> Path:
        return self.files_dir / tenant_id

    def protected_addresses(self) -> set[tuple[IPAddress, int]]:
        if self._protected_addresses is None:
            found: set[tuple[IPAddress, int]] = set()
            for host, port in self.protected:
                try:
                    found |= {(canonical(a), port) for a in resolve(clean_host(host), port)}
                except (OSError, UnicodeError, ValueError):
                    continue
            self._protected_addresses = found
        return self._protected_addresses

    def own_addresses(self) -> frozenset[IPAddress]:
        """This host's non-loopback addresses, read again every LOCAL_ADDRESSES_TTL_S."""
        cached = self._local
        if cached is None or time.monotonic() - cached[0] > LOCAL_ADDRESSES_TTL_S:
            cached = self._local = (time.monotonic(), local_addresses())
        return cached[1]

    def is_self(self, address: IPAddress) -> bool:
        """Loopback, or one of this host's own interface addresses: the server itself."""
        return address.is_loopback or address in self.own_addresses()

    def store_files(self) -> list[Path]:
        """The server's own files in the data dir (metadata store, its WAL, the secret)."""
        return [
            self.data_dir / name
            for name in ("nexatron.db", "nexatron.db-wal", "nexatron.db-shm", "secret.key")
        ]


@dataclass(frozen=True)
class Gate:
    """The policy for one tenant's connections."""

    policy: ConnectionPolicy
    tenant_id: str | None

    @property
    def trusted(self) -> bool:
        return self.policy.trusted

    # -- network -----------------------------------------------------------------------
    def address(self, host: str, port: int, *, field: str = "host") -> str:
        """Resolve `host` once, check every address, and return the one to connect to."""
        if self.trusted:
            return host
        name = self.check_name(host, field=field)
        try:
            addresses = resolve(name, port)
        except (OSError, UnicodeError, ValueError):
            raise ConnectFailed("unreachable", field=field) from None
        if not addresses:
            raise ConnectFailed("unreachable", field=field)
        for address in addresses:
            self.check_address(name, address, port, field=field)
        return str(addresses[0])

    def check_name(self, host: str, *, field: str = "host") -> str:
        name = clean_host(host)
        if not name:
            raise RefusedByPolicy("The host is empty.", field=field)
        if not _HOST_CHARS.fullmatch(name):
            raise RefusedByPolicy(
                "Give one host name or IP address (no socket paths, lists or URLs).", field=field
            )
        if any(fnmatch.fnmatchcase(name, p) for p in METADATA_NAMES):
            raise RefusedByPolicy("Cloud metadata services are never reachable.", field=field)
        for rule in self.policy.deny:
            if rule.pattern is not None and rule.matches(name, None):
                raise RefusedByPolicy("The operator's deny list names this host.", field=field)
        return name

    def check_address(self, name: str, raw: IPAddress, port: int, *, field: str = "host") -> None:
        address = canonical(raw)
        if address in METADATA_ADDRESSES or raw in METADATA_ADDRESSES:
            raise RefusedByPolicy("Cloud metadata services are never reachable.", field=field)
        if address.is_unspecified or address.is_multicast or address.is_link_local:
            raise RefusedByPolicy(
                "Unspecified, multicast and link-local addresses are never reachable.", field=field
            )
        if any(address.version == n.version and address in n for n in _ALWAYS_DENIED):
            raise RefusedByPolicy("This address block is never reachable.", field=field)
        is_self = self.policy.is_self(address)
        if is_self and not self.policy.allow_loopback:
            raise RefusedByPolicy(
                "Loopback and this host's own addresses (this server itself) are refused; the "
                "operator can allow them with NEXATRON_CONNECTION_ALLOW_LOOPBACK=1.",
                field=field,
            )
        for served, served_port in self.policy.protected_addresses():
            same = address == served or (is_self and self.policy.is_self(served))
            if same and port == served_port:
                raise RefusedByPolicy(
                    "This is the address of Nexatron's own metadata store or cache.", field=field
                )
        if any(rule.matches(name, address) for rule in self.policy.deny):
            raise RefusedByPolicy("The operator's deny list covers this address.", field=field)
        if self.policy.allow and not any(rule.matches(name, address) for rule in self.policy.allow):
            raise RefusedByPolicy(
                "The address is outside the operator's allow list (NEXATRON_CONNECTION_ALLOW).",
                field=field,
            )

    # -- files -------------------------------------------------------------------------
    def areas(self) -> list[Path]:
        """Where this tenant's files may be: its own area, then the operator's roots."""
        areas = list(self.policy.file_roots)
        if self.tenant_id:
            areas.insert(0, self.policy.tenant_dir(self.tenant_id))
        return areas

    def check_file(self, raw: str, *, field: str = "path") -> Path:
        """The resolved path the engine must open; refused unless it is a regular file (no
        link into the server's files) inside the tenant's area or an operator root, and outside
        the data dir otherwise. Call at every open: the file may have changed since."""
        if self.trusted:
            return Path(raw).absolute()
        if not raw or "\x00" in raw:
            raise RefusedByPolicy("The path is empty or malformed.", field=field)
        if raw.startswith("~") or not os.path.isabs(raw):
            raise RefusedByPolicy(
                "Give an absolute path (no `~`, no relative path); uploaded files are under "
                "GET /api/v1/files.",
                field=field,
            )
        if any(part == ".." for part in Path(raw).parts) or any(c in raw for c in "?#%"):
            raise RefusedByPolicy("`..`, `?`, `#` and `%` are not allowed in paths.", field=field)
        lexical = Path(os.path.normpath(raw))
        areas = self.areas()
        if not any(_inside(lexical, area) for area in areas):
            raise RefusedByPolicy(
                "Database files must be uploaded (POST /api/v1/files) or be under a directory "
                "the operator allows (NEXATRON_FILE_ROOTS).",
                field=field,
            )
        own = self.policy.tenant_dir(self.tenant_id) if self.tenant_id else None
        if _inside(lexical, self.policy.data_dir) and not (own and _inside(lexical, own)):
            raise RefusedByPolicy("The server's data directory is off limits.", field=field)
        try:
            info = os.lstat(lexical)
        except OSError:
            raise ConnectFailed("database_missing", field=field) from None
        if stat.S_ISLNK(info.st_mode):
            raise RefusedByPolicy("Symbolic links are not opened.", field=field)
        real = Path(os.path.realpath(lexical))
        if not any(_inside(real, area) for area in areas):
            raise RefusedByPolicy("The path leads outside the allowed directories.", field=field)
        if _inside(real, self.policy.data_dir) and not (own and _inside(real, own)):
            raise RefusedByPolicy("The server's data directory is off limits.", field=field)
        try:
            info = os.stat(real)
        except OSError:
            raise ConnectFailed("database_missing", field=field) from None
        if not stat.S_ISREG(info.st_mode):
            raise RefusedByPolicy("Only regular files are opened.", field=field)
        if info.st_nlink > 1:
            raise RefusedByPolicy("Files with hard links are not opened.", field=field)
        for own_file in self.policy.store_files():
            try:
                theirs = os.stat(own_file)
            except OSError:
                continue
            if (theirs.st_dev, theirs.st_ino) == (info.st_dev, info.st_ino):
                raise RefusedByPolicy("The server's data directory is off limits.", field=field)
        return real

    # -- identity ----------------------------------------------------------------------
    def check_identity(self, stamps: Iterable[str]) -> None:
        """Refuse a database stamped with this installation's id: it is the metadata store."""
        if self.trusted or not self.policy.installation_id:
            return
        found = set(stamps)
        if self.policy.installation_id in found or UNREADABLE in found:
            raise RefusedByPolicy("This database is Nexatron's own metadata store.")


def _inside(path: Path, area: Path) -> bool:
    return path == area or path.is_relative_to(area)


#: Engines opened without a policy (programmatic use) check nothing.
UNCHECKED = ConnectionPolicy.unchecked().for_tenant(None)


#: SQLSTATEs of a table or schema that no longer exists (undefined_table, invalid_schema_name).
_GONE = frozenset({"42P01", "3F000"})


def _sqlstate(exc: BaseException) -> str | None:
    """The SQLSTATE of a psycopg2 (`pgcode`) or psycopg (`sqlstate`) error, if any."""
    code = getattr(exc, "pgcode", None) or getattr(exc, "sqlstate", None)
    return code if isinstance(code, str) else None


def postgres_stamps(dbapi_connection: Any) -> list[str]:
    """Installation ids stamped in any schema of a PostgreSQL (or Redshift) database. A stamp
    table this user cannot read counts as a match: a store of unknown identity is refused. One
    dropped between the listing and the read (another store's schema going away) is no stamp."""
    found: list[str] = []
    cursor = dbapi_connection.cursor()
    try:
        cursor.execute(
            "SELECT n.nspname FROM pg_catalog.pg_class c "
            "JOIN pg_catalog.pg_namespace n ON n.oid = c.relnamespace "
            "WHERE c.relname = %s AND c.relkind IN ('r', 'v', 'm', 'f', 'p')",
            (STAMP_TABLE,),
        )
        schemas = [row[0] for row in cursor.fetchall()]
        for schema in schemas:
            quoted = '"' + str(schema).replace('"', '""') + '"'
            try:
                cursor.execute(f"SELECT id FROM {quoted}.{STAMP_TABLE}")
                found += [str(row[0]) for row in cursor.fetchall()]
            except Exception as exc:
                dbapi_connection.rollback()
                if _sqlstate(exc) not in _GONE:  # dropped since it was listed: no stamp
                    found.append(UNREADABLE)
    finally:
        cursor.close()
        dbapi_connection.rollback()
    return found
