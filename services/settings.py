"""Configuration, read once from the environment."""

import os
import socket
from collections.abc import Mapping
from dataclasses import dataclass, field
from datetime import UTC, datetime

DEFAULT_DATABASE_URL = "sqlite+aiosqlite:///./octopods.db"
DEVELOPMENT_JWT_SECRET = "octopods-development-secret-not-for-production"  # noqa: S105
MIN_SECRET_BYTES = 32  # HS256's key: anything shorter can be guessed offline from a token


class ConfigError(Exception):
    """The environment does not describe a server we can start."""


def parse_instant(text: str) -> datetime:
    """An ISO 8601 instant; one without a zone is taken as UTC. ValueError if it is not
    one, or falls outside the years 1–9999 once in UTC."""
    value = datetime.fromisoformat(text.strip())
    try:
        return value.replace(tzinfo=UTC) if value.tzinfo is None else value.astimezone(UTC)
    except OverflowError:
        raise ValueError(f"{text!r} is outside the years 1 to 9999 in UTC") from None


def default_instance() -> str:
    """This process, as logs and the audit trail name it: host and process id."""
    return f"{socket.gethostname()}:{os.getpid()}"


def _number(environ: Mapping[str, str], name: str, default: float) -> float:
    raw = environ.get(name)
    if raw is None or raw == "":
        return default
    try:
        value = float(raw)
    except ValueError:
        raise ConfigError(f"{name} must be a number, got {raw!r}") from None
    if value < 0:
        raise ConfigError(f"{name} must not be negative, got {raw!r}")
    return value


def _check_production_secret(secret: str) -> None:
    """Production signs tokens with a secret of its own, long enough not to be guessed."""
    if not secret:
        raise ConfigError("OCTOPODS_JWT_SECRET must be set when OCTOPODS_ENV=production")
    if secret == DEVELOPMENT_JWT_SECRET:
        raise ConfigError(
            "OCTOPODS_JWT_SECRET is the development default, which anyone can read; "
            "set a secret of your own when OCTOPODS_ENV=production"
        )
    if len(secret.encode()) < MIN_SECRET_BYTES:
        raise ConfigError(
            f"OCTOPODS_JWT_SECRET must be at least {MIN_SECRET_BYTES} bytes when "
            f"OCTOPODS_ENV=production (it has {len(secret.encode())}); "
            "for example: python3 -c 'import secrets; print(secrets.token_urlsafe(48))'"
        )


def _test_clock(environ: Mapping[str, str], env: str) -> datetime | None:
    clock = environ.get("OCTOPODS_TEST_CLOCK", "").strip()
    if clock and env == "production":
        raise ConfigError("OCTOPODS_TEST_CLOCK is refused when OCTOPODS_ENV=production")
    try:
        return parse_instant(clock) if clock else None
    except ValueError:
        raise ConfigError(
            f"OCTOPODS_TEST_CLOCK must be an ISO 8601 instant, got {clock!r}"
        ) from None


@dataclass(frozen=True)
class DatabaseLimits:
    """How the server shares the database: its pool, and how long a statement or a lock
    wait may take before the request is answered SERVICE_UNAVAILABLE."""

    pool_size: int = 10
    # Past the pool a request waits for one of its connections (up to pool_timeout)
    # rather than open more: PostgreSQL may be at max_connections.
    max_overflow: int = 0
    pool_timeout: float = 5.0
    statement_timeout: float = 5.0  # seconds; 0 turns it off
    lock_timeout: float = 3.0

    @classmethod
    def from_env(cls, environ: Mapping[str, str]) -> "DatabaseLimits":
        return cls(
            pool_size=max(1, int(_number(environ, "OCTOPODS_DB_POOL_SIZE", 10))),
            max_overflow=int(_number(environ, "OCTOPODS_DB_MAX_OVERFLOW", 0)),
            pool_timeout=_number(environ, "OCTOPODS_DB_POOL_TIMEOUT_SECONDS", 5.0),
            statement_timeout=_number(environ, "OCTOPODS_DB_STATEMENT_TIMEOUT_SECONDS", 5.0),
            lock_timeout=_number(environ, "OCTOPODS_DB_LOCK_TIMEOUT_SECONDS", 3.0),
        )


@dataclass(frozen=True)
class RateLimits:
    """Each user's bucket per kind of request (changes, previews); burst 0 turns it off."""

    burst: int = 100
    per_second: float = 10.0

    @property
    def enabled(self) -> bool:
        return self.burst > 0 and self.per_second > 0

    @classmethod
    def from_env(cls, environ: Mapping[str, str]) -> "RateLimits":
        return cls(
            burst=int(_number(environ, "OCTOPODS_RATE_LIMIT_BURST", 100)),
            per_second=_number(environ, "OCTOPODS_RATE_LIMIT_PER_SECOND", 10.0),
        )


@dataclass(frozen=True)
class Settings:
    database_url: str = DEFAULT_DATABASE_URL
    jwt_secret: str = DEVELOPMENT_JWT_SECRET
    env: str = "development"
    test_clock: datetime | None = None
    billing_interval_seconds: float = 60.0
    idempotency_retention_hours: float = 24.0
    cors_origins: tuple[str, ...] = field(default_factory=tuple)
    max_body_bytes: int = 1_000_000
    log_level: str = "INFO"
    planned_execution: bool = True
    instance: str = field(default_factory=default_instance)
    connections_per_user: int = 10
    web_dist: str | None = None  # the built page; None: web/dist beside the code
    database_limits: DatabaseLimits = field(default_factory=DatabaseLimits)
    rate_limits: RateLimits = field(default_factory=RateLimits)
    graceful_shutdown_seconds: float = 10.0
    trusted_documents: str = "off"  # "only": nothing but the manifest's documents runs
    metrics_token: str = ""  # production: GET /metrics needs it as a bearer token

    @property
    def only_trusted_documents(self) -> bool:
        return self.trusted_documents == "only"

    @property
    def production(self) -> bool:
        return self.env == "production"

    @classmethod
    def from_env(cls, environ: Mapping[str, str] = os.environ) -> "Settings":
        env = environ.get("OCTOPODS_ENV", "development").strip() or "development"
        if env not in ("development", "production"):
            raise ConfigError(f"OCTOPODS_ENV must be development or production, got {env!r}")
        secret = environ.get("OCTOPODS_JWT_SECRET", "").strip()
        if env == "production":
            _check_production_secret(secret)
        retention = _number(environ, "OCTOPODS_IDEMPOTENCY_RETENTION_HOURS", 24.0)
        if retention < 24:
            raise ConfigError("OCTOPODS_IDEMPOTENCY_RETENTION_HOURS must be at least 24")
        origins = environ.get("OCTOPODS_CORS_ORIGINS", "")
        trusted = environ.get("OCTOPODS_TRUSTED_DOCUMENTS", "").strip().lower() or "off"
        if trusted not in ("off", "only"):
            raise ConfigError(f"OCTOPODS_TRUSTED_DOCUMENTS must be off or only, got {trusted!r}")
        return cls(
            database_url=environ.get("DATABASE_URL", "").strip() or DEFAULT_DATABASE_URL,
            jwt_secret=secret or DEVELOPMENT_JWT_SECRET,
            env=env,
            test_clock=_test_clock(environ, env),
            billing_interval_seconds=_number(environ, "OCTOPODS_BILLING_INTERVAL_SECONDS", 60.0),
            idempotency_retention_hours=retention,
            cors_origins=tuple(o.strip() for o in origins.split(",") if o.strip()),
            max_body_bytes=int(_number(environ, "OCTOPODS_MAX_BODY_BYTES", 1_000_000)),
            log_level=environ.get("OCTOPODS_LOG_LEVEL", "INFO").upper(),
            planned_execution=environ.get("OCTOPODS_PLANNED_EXECUTION", "1") != "0",
            instance=environ.get("OCTOPODS_INSTANCE_ID", "").strip()[:128] or default_instance(),
            connections_per_user=int(_number(environ, "OCTOPODS_CONNECTIONS_PER_USER", 10)),
            web_dist=environ.get("OCTOPODS_WEB_DIST", "").strip() or None,
            database_limits=DatabaseLimits.from_env(environ),
            rate_limits=RateLimits.from_env(environ),
            graceful_shutdown_seconds=_number(environ, "OCTOPODS_GRACEFUL_SHUTDOWN_SECONDS", 10.0),
            trusted_documents=trusted,
            metrics_token=environ.get("OCTOPODS_METRICS_TOKEN", "").strip(),
        )
