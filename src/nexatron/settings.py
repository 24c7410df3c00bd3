"""Typed settings read once from `NEXATRON_*` environment variables and passed in (never global)."""

from __future__ import annotations

import ipaddress
import json
import os
import secrets
from collections.abc import Mapping
from pathlib import Path
from typing import Any, Literal

from pydantic import (
    BaseModel,
    ConfigDict,
    Field,
    ValidationError,
    ValidationInfo,
    field_validator,
    model_validator,
)
from pydantic_core import PydanticCustomError

from nexatron.usage.planspec import plan_problem

WEAK_SECRETS = {"", "changeme", "change-me", "secret", "dev", "development", "nexatron", "password"}
MIN_SECRET_LENGTH = 32
# Access tokens live 30 s at least; down to 5 s only with NEXATRON_DEV=1, for the web test that
# waits for a token to expire on the server.
MIN_ACCESS_TOKEN_TTL_S = 30
MIN_DEV_ACCESS_TOKEN_TTL_S = 5

DEFAULT_PLANS: dict[str, str] = {
    "free": "100/minute",
    "default": "1000/minute",
    "enterprise": "10000/minute",
}
# What all users of one tenant may spend together (each user also has the plan's own budget).
DEFAULT_TENANT_PLANS: dict[str, str] = {
    "free": "300/minute",
    "default": "5000/minute",
    "enterprise": "50000/minute",
}


class SettingsError(RuntimeError):
    """The configuration is unusable (for example a weak secret outside dev mode)."""


class Settings(BaseModel):
    model_config = ConfigDict(extra="forbid", frozen=True)

    dev: bool = False
    data_dir: Path = Path(".nexatron")
    database_url: str | None = None
    redis_url: str | None = None
    secret_key: str = ""
    encryption_keys: tuple[str, ...] = ()  # newest first; older ones decrypt during rotation
    host: str = "127.0.0.1"
    port: int = 8000
    log_level: str = "info"
    log_format: Literal["text", "json"] = "text"  # json: one object per line (observability/logs)
    # host:port of a second listener serving only GET /metrics (no credential); None: /metrics
    # on the API port, for operator keys only.
    metrics_addr: str | None = None
    otel: bool = False  # OpenTelemetry spans (the `otel` extra; exporter from OTEL_* variables)

    access_token_ttl_s: int = Field(default=900, ge=MIN_DEV_ACCESS_TOKEN_TTL_S, le=3600)
    refresh_token_ttl_s: int = Field(default=30 * 86400, ge=300)
    refresh_reuse_grace_s: float = Field(default=2.0, ge=0)
    jwt_issuer: str = "nexatron"
    jwt_audience: str = "nexatron-api"

    rate_limit_plans: dict[str, str] = Field(default_factory=lambda: dict(DEFAULT_PLANS))
    tenant_rate_limit_plans: dict[str, str] = Field(
        default_factory=lambda: dict(DEFAULT_TENANT_PLANS)
    )
    default_plan: str = "default"
    anonymous_rate_limit: str = "120/minute"
    login_rate_limit_email: str = "10/minute"
    login_rate_limit_ip: str = "30/minute"
    redis_fail_open: bool = True
    # Append each queued history row to <data_dir>/journal before answering (query/journal.py).
    history_journal: bool = True
    max_concurrent_queries_per_tenant: int = Field(default=8, ge=1)

    max_body_bytes: int = Field(default=1_048_576, ge=1024)
    max_header_bytes: int = Field(default=16_384, ge=1024)  # request line + headers: else 431
    max_header_count: int = Field(default=100, ge=10)
    # Proxies whose X-Forwarded-For/-Proto are believed (IPs or CIDRs); none by default.
    trusted_proxies: tuple[str, ...] = ()
    max_upload_bytes: int = Field(default=100 * 1_048_576, ge=1024)  # POST /files
    # An upload is parsed in a child process (files/sandbox.py) with this address space and a
    # wall-clock timeout (its CPU-time limit follows); beyond them: 422.
    upload_memory_mb: int = Field(default=1024, ge=256)
    upload_timeout_s: float = Field(default=120.0, gt=0)

    # The connection policy (warehouse/policy.py).
    connection_allow_loopback: bool = False
    connection_allow: tuple[str, ...] = ()  # CIDRs and host patterns; empty: any public/private
    connection_deny: tuple[str, ...] = ()
    file_roots: tuple[str, ...] = ()  # operator directories tenants' file connections may use
    connection_test_timeout_s: float = Field(default=5.0, gt=0)
    connection_test_workers: int = Field(default=4, ge=1)
    connection_tests_per_tenant: int = Field(default=2, ge=1)
    connection_test_rate_limit: str = "30/minute"  # per tenant
    # Schema introspection and bootstrap: a pool of their own, a few per tenant at once.
    introspection_workers: int = Field(default=4, ge=1)
    introspections_per_tenant: int = Field(default=2, ge=1)

    admin_email: str | None = None
    admin_password: str | None = None
    tenant_name: str = "Default"
    demo: bool = True
    web: bool = True  # serve the web app at / (NEXATRON_WEB=0: the API only)

    row_cap: int = Field(default=10_000, ge=1)
    stream_row_cap: int = Field(default=5_000_000, ge=1)
    stored_rows: int = Field(default=1_000, ge=0)
    statement_timeout_s: float = Field(default=30.0, gt=0)
    connect_timeout_s: float = Field(default=10.0, gt=0)
    result_cache_ttl_s: float = Field(default=300.0, ge=0)
    value_index_timeout_s: float = Field(default=5.0, gt=0)  # per dimension
    value_index_budget_s: float = Field(default=20.0, gt=0)  # per layer version
    schema_cache_ttl_s: float = Field(default=3600.0, ge=0)
    semantic_max_objects: int = Field(default=2_000, ge=1)  # per kind and connection

    # Plans as data (usage/plans.py): name -> {rate_limit, questions_per_month,
    # llm_tokens_per_month, seats, connections, features}; a plan's rate_limit also sets its
    # entry of rate_limit_plans.
    plans: dict[str, dict[str, Any]] = Field(default_factory=dict)
    metering: bool = True  # off only to measure what metering costs (bench/bench_metering.py)
    # Exporters of the metering ledger (usage/exporter.py); none configured: nothing exported.
    openmeter_url: str | None = None  # e.g. https://openmeter.example/api/v1/events
    openmeter_token: str | None = None
    openmeter_source: str = "nexatron"
    stripe_api_key: str | None = None
    stripe_api_base: str = "https://api.stripe.com"
    usage_export_interval_s: float = Field(default=5.0, gt=0)
    usage_export_timeout_s: float = Field(default=10.0, gt=0)
    # Attempts of one outbox row before it becomes a dead letter (a permanent 4xx: after one).
    usage_export_max_attempts: int = Field(default=20, ge=1)
    # Requests in flight per export pass (Stripe takes one event per request; OpenMeter batches).
    usage_export_concurrency: int = Field(default=8, ge=1)
    # Delivered outbox rows are deleted after this many days (the ledger keeps every event);
    # None keeps them.
    usage_outbox_retention_days: int | None = Field(default=7, ge=1)

    audit_retention_days: int | None = Field(default=None, ge=1)  # None: keep every event
    audit_enabled: bool = True  # off only to measure what auditing costs (bench/bench_audit.py)

    timezone: str = "UTC"
    locale: str = "en_US"
    week_start: Literal["monday", "sunday"] = "monday"
    fiscal_year_start_month: int = Field(default=1, ge=1, le=12)

    llm_provider: Literal["openai", "anthropic"] | None = None
    llm_base_url: str | None = None
    llm_model: str | None = None
    llm_api_key: str | None = None
    llm_timeout_s: float = Field(default=30.0, gt=0)
    llm_allow_private_hosts: bool = False  # may tenants point base_url at private addresses?

    public_url: str | None = None  # how browsers reach the server (SSO redirect URI); else Host
    sso_allow_private_hosts: bool = False  # may a tenant's OpenID provider be a private address?
    sso_http_timeout_s: float = Field(default=5.0, gt=0)  # discovery, JWKS, token exchange

    @field_validator("access_token_ttl_s")
    @classmethod
    def _short_tokens_only_in_dev(cls, value: int, info: ValidationInfo) -> int:
        if value < MIN_ACCESS_TOKEN_TTL_S and not info.data.get("dev"):
            raise ValueError(
                f"must be at least {MIN_ACCESS_TOKEN_TTL_S} (shorter only with NEXATRON_DEV=1)"
            )
        return value

    @model_validator(mode="before")
    @classmethod
    def _plan_rate_limits(cls, values: Any) -> Any:
        """A plan's `rate_limit` in NEXATRON_PLANS is its NEXATRON_RATE_LIMIT_PLANS entry; a
        plan without one has the default plan's."""
        if not isinstance(values, dict) or not isinstance(values.get("plans"), dict):
            return values
        limits = dict(values.get("rate_limit_plans") or DEFAULT_PLANS)
        fallback = limits.get(str(values.get("default_plan") or "default"), "1000/minute")
        for name, spec in values["plans"].items():
            if isinstance(spec, dict) and isinstance(spec.get("rate_limit"), str):
                limits[name] = spec["rate_limit"]
            else:  # every plan is a known plan name (the operator's plan change checks it)
                limits.setdefault(name, fallback)
        return {**values, "rate_limit_plans": limits}

    @field_validator("plans")
    @classmethod
    def _plans_are_valid(cls, value: dict[str, dict[str, Any]]) -> dict[str, dict[str, Any]]:
        """Each plan of NEXATRON_PLANS checked here, so a typo refuses to start (it would make
        every quota check a 500 later)."""
        problems = [p for name, raw in value.items() if (p := plan_problem(name, raw))]
        if problems:
            raise PydanticCustomError("invalid_plan", "; ".join(problems))
        return value

    @field_validator("encryption_keys", "connection_allow", "connection_deny", mode="before")
    @classmethod
    def _split_keys(cls, value: object) -> object:
        if isinstance(value, str):
            return tuple(k.strip() for k in value.split(",") if k.strip())
        return value

    @field_validator("trusted_proxies", mode="before")
    @classmethod
    def _split_proxies(cls, value: object) -> object:
        if isinstance(value, str):
            value = [p.strip() for p in value.split(",") if p.strip()]
        if isinstance(value, (list, tuple)):
            for item in value:
                try:
                    ipaddress.ip_network(str(item), strict=False)
                except ValueError:
                    raise ValueError(f"{item!r} is not an IP address or CIDR") from None
            return tuple(str(item) for item in value)
        return value

    @field_validator("file_roots", mode="before")
    @classmethod
    def _split_paths(cls, value: object) -> object:
        if isinstance(value, str):
            return tuple(
                p.strip() for p in value.replace(",", os.pathsep).split(os.pathsep) if p.strip()
            )
        return value

    @property
    def metadata_url(self) -> str:
        if self.database_url:
            return self.database_url
        return f"sqlite:///{(self.data_dir / 'nexatron.db').resolve()}"

    def check_secure(self) -> None:
        """Refuse a weak or default secret unless dev mode was asked for explicitly."""
        if self.dev:
            return
        if self.secret_key.lower() in WEAK_SECRETS or len(self.secret_key) < MIN_SECRET_LENGTH:
            raise SettingsError(
                "NEXATRON_SECRET_KEY is a default or too short (need at least 32 characters). "
                "Set a strong random value (e.g. `python -c 'import secrets; "
                "print(secrets.token_urlsafe(48))'`), or set NEXATRON_DEV=1 for local development."
            )


_BOOL_TRUE = {"1", "true", "yes", "on"}

_ENV_FIELDS = {name: f"NEXATRON_{name.upper()}" for name in Settings.model_fields}


def settings_from_env(environ: Mapping[str, str] | None = None, **overrides: object) -> Settings:
    """Build Settings from the environment; a secret is generated once per data dir when unset."""
    env = os.environ if environ is None else environ
    values: dict[str, object] = {}
    for name, var in _ENV_FIELDS.items():
        if var not in env:
            continue
        raw = env[var]
        annotation = str(Settings.model_fields[name].annotation)
        if name == "rate_limit_plans":
            values[name] = {**DEFAULT_PLANS, **json.loads(raw)}
        elif name == "plans":
            values[name] = _json_or_yaml(var, raw)
        elif name == "tenant_rate_limit_plans":
            values[name] = {**DEFAULT_TENANT_PLANS, **json.loads(raw)}
        elif annotation == "<class 'bool'>":
            values[name] = raw.strip().lower() in _BOOL_TRUE
        else:
            values[name] = raw
    values.update(overrides)
    try:
        settings = Settings.model_validate(values)
    except ValidationError as exc:
        problems = "; ".join(_problem(e["loc"], e["msg"]) for e in exc.errors())
        raise SettingsError(f"Invalid configuration: {problems}") from None
    if not settings.secret_key:
        settings = settings.model_copy(update={"secret_key": _persistent_secret(settings.data_dir)})
    return settings


def _problem(loc: tuple[int | str, ...], message: str) -> str:
    """One validation error as `NEXATRON_<FIELD>[.<key>...]: message`."""
    if not loc:
        return message
    where = _ENV_FIELDS.get(str(loc[0]), str(loc[0]))
    return ".".join([where, *(str(part) for part in loc[1:])]) + ": " + message


def _json_or_yaml(var: str, raw: str) -> object:
    """A structured setting written as JSON or YAML (YAML is a superset of JSON)."""
    import yaml

    try:
        return yaml.safe_load(raw)
    except yaml.YAMLError as exc:
        problem = f"Invalid configuration: {var} is neither JSON nor YAML: {exc}"
        raise SettingsError(problem) from None


def _persistent_secret(data_dir: Path) -> str:
    """A random secret generated on first run and kept (mode 0600) in the data directory."""
    path = data_dir / "secret.key"
    if path.exists():
        return path.read_text().strip()
    data_dir.mkdir(mode=0o700, parents=True, exist_ok=True)
    value = secrets.token_urlsafe(48)
    fd = os.open(path, os.O_WRONLY | os.O_CREAT | os.O_EXCL, 0o600)
    with os.fdopen(fd, "w") as handle:
        handle.write(value)
    return value
