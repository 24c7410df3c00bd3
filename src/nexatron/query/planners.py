"""Which LLM (if any) backs a tenant: its own settings, else the server's, else none."""

from __future__ import annotations

import datetime as dt
from typing import Any
from urllib.parse import urlparse

from sqlalchemy import delete, select

from nexatron import audit
from nexatron.errors import ValidationFailed
from nexatron.lru import LRU
from nexatron.netcheck import is_private_host
from nexatron.nlq.llm import LLMConfig, LLMPlanner, make_client
from nexatron.nlq.llm.config import MASK
from nexatron.services import Services
from nexatron.store.tables import llm_settings

PLANNERS = 256  # cached planners (one per distinct config) per process


def _aad(tenant_id: str) -> str:
    return f"llm:{tenant_id}"


def server_config(services: Services) -> LLMConfig | None:
    s = services.settings
    if not s.llm_provider or not s.llm_model:
        return None
    return LLMConfig(
        provider=s.llm_provider,
        base_url=s.llm_base_url,
        model=s.llm_model,
        api_key=s.llm_api_key,
        timeout_s=s.llm_timeout_s,
    )


def tenant_config(services: Services, tenant_id: str) -> LLMConfig | None:
    with services.db.connect() as conn:
        row = conn.execute(
            select(llm_settings).where(llm_settings.c.tenant_id == tenant_id)
        ).first()
    if row is None:
        return None
    secrets = services.box.decrypt_json(row.secrets, _aad(tenant_id)) if row.secrets else {}
    return LLMConfig.join(dict(row.config), secrets)


def planner_for(services: Services, tenant_id: str) -> LLMPlanner | None:
    """One planner per distinct config, reused across requests (it caches context indexes)."""
    tenant = tenant_config(services, tenant_id)
    config = tenant or server_config(services)
    if config is None:
        return None
    # A tenant's endpoint is re-checked on every request (redirects off, private hosts refused).
    guard_hosts = tenant is not None and not services.settings.llm_allow_private_hosts
    # Bounded: edited configs leave their old planner behind.
    planners = services.llm_planners
    if planners is None:
        planners = services.llm_planners = LRU(PLANNERS)
    key = config.model_dump_json() + (config.api_key_value() or "") + str(guard_hosts)
    return planners.get_or_put(
        key,
        lambda: LLMPlanner(config, client=make_client(config, refuse_private_hosts=guard_hosts)),
    )


TENANT_MAX_TIMEOUT_S = 60.0
TENANT_MAX_RETRIES = 2


def _check_budget(config: LLMConfig) -> None:
    """A tenant's slow endpoint must not hold server threads for long."""
    errors = []
    if config.timeout_s > TENANT_MAX_TIMEOUT_S:
        errors.append(
            {
                "loc": ["body", "timeout_s"],
                "type": "less_than_equal",
                "msg": f"at most {TENANT_MAX_TIMEOUT_S:g} seconds for a tenant's LLM",
            }
        )
    if config.max_retries > TENANT_MAX_RETRIES:
        errors.append(
            {
                "loc": ["body", "max_retries"],
                "type": "less_than_equal",
                "msg": f"at most {TENANT_MAX_RETRIES} retries for a tenant's LLM",
            }
        )
    if errors:
        raise ValidationFailed(errors)


def _check_host(services: Services, config: LLMConfig) -> None:
    """Tenants may not aim the server at private or loopback addresses unless allowed."""
    if services.settings.llm_allow_private_hosts or config.base_url is None:
        return
    if is_private_host(urlparse(config.base_url).hostname or ""):
        raise ValidationFailed(
            [
                {
                    "loc": ["body", "base_url"],
                    "type": "value_error",
                    "msg": "base_url resolves to a private address (or not at all); the server "
                    "operator must set NEXATRON_LLM_ALLOW_PRIVATE_HOSTS=1",
                }
            ]
        )


def save_tenant_config(services: Services, tenant_id: str, update: dict[str, Any]) -> LLMConfig:
    current = tenant_config(services, tenant_id)
    if current is None and update.get("api_key") in (MASK, ""):
        update = {k: v for k, v in update.items() if k != "api_key"}  # no stored key to keep
    try:
        config = current.merged(update) if current else LLMConfig.model_validate(update)
    except ValueError as exc:
        errors: list[Any] = getattr(exc, "errors", list)()
        raise ValidationFailed(
            [{"loc": ["body", *e["loc"]], "msg": e["msg"], "type": e["type"]} for e in errors]
            or str(exc)
        ) from None
    _check_host(services, config)
    _check_budget(config)
    public, secret = config.split()
    sealed = services.box.encrypt_json(secret, _aad(tenant_id)) if secret else None
    with services.db.begin() as conn:
        conn.execute(delete(llm_settings).where(llm_settings.c.tenant_id == tenant_id))
        conn.execute(
            llm_settings.insert().values(
                tenant_id=tenant_id,
                provider=config.provider,
                config=public,
                secrets=sealed,
                updated_at=dt.datetime.now(dt.UTC),
            )
        )
        audit.record(
            conn,
            tenant_id=tenant_id,
            action="llm_settings.update",
            target=audit.Target("llm_settings", tenant_id, config.provider),
            changed_fields=audit.field_names("settings", list(update), set(LLMConfig.model_fields)),
        )
    return config


def delete_tenant_config(services: Services, tenant_id: str) -> None:
    with services.db.begin() as conn:
        conn.execute(delete(llm_settings).where(llm_settings.c.tenant_id == tenant_id))
        audit.record(
            conn,
            tenant_id=tenant_id,
            action="llm_settings.delete",
            target=audit.Target("llm_settings", tenant_id),
        )
