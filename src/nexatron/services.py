"""The service container built once from Settings and shared by the API, the CLI and tests."""

from __future__ import annotations

from dataclasses import dataclass, fields
from typing import TYPE_CHECKING, Any

from sqlalchemy import Engine

from nexatron.cache import Cache, MemoryCache, RedisCache
from nexatron.crypto import SecretBox
from nexatron.identity.authenticate import Authenticator
from nexatron.identity.sessions import SessionService
from nexatron.identity.tokens import TokenCodec
from nexatron.ratelimit import RateLimiter
from nexatron.settings import Settings
from nexatron.store.datadir import harden
from nexatron.store.db import make_engine, migrate
from nexatron.store.version import MetadataVersion, VersionedRows

if TYPE_CHECKING:  # the features import Services themselves
    from nexatron.connections.tester import ConnectPool
    from nexatron.lru import LRU
    from nexatron.nlq.llm import LLMPlanner
    from nexatron.nlq.llm.retrieval import ContextIndex
    from nexatron.query.service import QueryService
    from nexatron.sso.oidc import OidcClient
    from nexatron.usage.quota import Quotas
    from nexatron.warehouse.policy import ConnectionPolicy
    from nexatron.warehouse.pool import EnginePool


@dataclass
class Services:
    settings: Settings
    db: Engine
    box: SecretBox
    codec: TokenCodec
    sessions: SessionService
    authenticator: Authenticator
    limiter: RateLimiter
    cache: Cache
    rows: VersionedRows  # auth and connection rows cached under the metadata version
    # Per-feature singletons, built on first use by their feature's accessor (`query_service`,
    # `connections.service.pool`, ...), closed with the container when they can be.
    query_service: QueryService | None = None
    engine_pool: EnginePool | None = None
    connection_policy: ConnectionPolicy | None = None
    connection_tester: ConnectPool | None = None
    schema_introspector: ConnectPool | None = None
    quotas: Quotas | None = None
    oidc: OidcClient | None = None
    llm_planners: LRU[str, LLMPlanner] | None = None
    llm_context_indexes: LRU[tuple[Any, ...], ContextIndex] | None = None

    @property
    def local_io(self) -> bool:
        """Everything a request reads or writes besides the warehouse is in this process: a
        SQLite metadata file, the in-memory limiter and cache. Such calls take tens of
        microseconds, less than a hop to a worker thread, so they run on the event loop; a network
        store or Redis is always called from a worker thread."""
        return (
            self.db.dialect.name == "sqlite"
            and not self.limiter.shared
            and isinstance(self.cache, MemoryCache)
        )

    def close(self) -> None:
        for feature in fields(self):
            closer = getattr(getattr(self, feature.name), "close", None)
            if feature.name not in _CORE and callable(closer):
                closer()
        self.rows.close()
        self.db.dispose()


def build_services(settings: Settings, *, run_migrations: bool = True) -> Services:
    settings.check_secure()
    harden(settings.data_dir)
    db = make_engine(settings.metadata_url)
    if run_migrations:
        migrate(db)
    keys = list(settings.encryption_keys) or [settings.secret_key]
    codec = TokenCodec(
        settings.secret_key,
        issuer=settings.jwt_issuer,
        audience=settings.jwt_audience,
        ttl_s=settings.access_token_ttl_s,
    )
    cache: Cache = RedisCache(settings.redis_url) if settings.redis_url else MemoryCache()
    rows = VersionedRows(MetadataVersion(db))
    return Services(
        settings=settings,
        db=db,
        box=SecretBox(keys),
        codec=codec,
        sessions=SessionService(
            db,
            codec,
            settings.secret_key,
            refresh_ttl_s=settings.refresh_token_ttl_s,
            reuse_grace_s=settings.refresh_reuse_grace_s,
        ),
        authenticator=Authenticator(db, codec, settings.secret_key, rows),
        limiter=RateLimiter(settings.redis_url, fail_open=settings.redis_fail_open),
        cache=cache,
        rows=rows,
    )


#: The container's own parts (closed below in their own order), not features.
_CORE = frozenset(
    {"settings", "db", "box", "codec", "sessions", "authenticator", "limiter", "cache", "rows"}
)
