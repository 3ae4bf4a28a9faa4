"""Settings: the one place that reads environment variables.

``BCAGENT_HOME`` is the data directory (default ``~/.bcagent``) that holds every connected store's
credentials, settings, vector collection, sync state and transcripts, each keyed by store hash.
``BCAGENT_CHROMA_URL`` (e.g. ``http://localhost:8000``) uses a Chroma server instead of the embedded one.
``BCAGENT_DATABASE_URL`` (``postgresql://...``) keeps conversation state in Postgres instead of SQLite.
``BCAGENT_REDIS_URL`` (``redis://...``) shares locks between replicas (the scheduled sync's lock; with
neither it nor a database URL, a file lock in the store's folder).
``BCAGENT_SYNC_INTERVAL_MINUTES`` is how often `bcagent serve` runs the incremental catalog sync
(default 15; 0 turns it off). ``BCAGENT_WEBHOOK_DEBOUNCE_MS`` is how long webhook changes are gathered
before one batched re-read (default 250).
``BCAGENT_MODEL`` is ``offline`` (default) or ``openai:<model>`` (with ``OPENAI_API_KEY`` and/or
``OPENAI_BASE_URL`` for any OpenAI-compatible server).

``bcagent serve`` (``ServeSettings``): ``BCAGENT_HOST`` / ``BCAGENT_PORT`` (127.0.0.1:8378),
``BCAGENT_CORS_ORIGINS`` (comma-separated; default each served store's storefront URL and the server's own
origin), ``BCAGENT_MAX_MESSAGE_CHARS`` (2000), ``BCAGENT_MAX_BODY_BYTES`` (16384),
``BCAGENT_RATE_PER_CLIENT`` and ``BCAGENT_RATE_PER_THREAD`` (requests per minute; 120 and 30),
``BCAGENT_JWT_LEEWAY_SECONDS`` (30).
"""

from __future__ import annotations

import logging
import os
from collections.abc import Mapping
from dataclasses import dataclass, field
from pathlib import Path

DEFAULT_API_URL = "https://api.bigcommerce.com"
DEFAULT_SYNC_INTERVAL_MINUTES = 15
DEFAULT_WEBHOOK_DEBOUNCE_MS = 250

log = logging.getLogger(__name__)


def _whole_number(env: Mapping[str, str], name: str, default: int) -> int:
    raw = (env.get(name) or "").strip()
    if not raw:
        return default
    if not raw.isdigit():
        log.warning("%s=%r is not a whole number of 0 or more; using %d", name, raw, default)
        return default
    return int(raw)


DEFAULT_SERVE_PORT = 8378


class SettingsError(ValueError):
    """An environment variable with a value that cannot be right; the message names it."""


def _int(env: Mapping[str, str], name: str, default: int, minimum: int = 1) -> int:
    raw = env.get(name)
    if raw is None or not raw.strip():
        return default
    try:
        value = int(raw)
    except ValueError:
        raise SettingsError(f"{name} must be a whole number, got {raw!r}") from None
    if value < minimum:
        raise SettingsError(f"{name} must be at least {minimum}, got {value}")
    return value


@dataclass(frozen=True)
class ServeSettings:
    """What `bcagent serve` listens on and the limits it applies."""

    host: str = "127.0.0.1"
    port: int = DEFAULT_SERVE_PORT
    cors_origins: tuple[str, ...] | None = None  # None: the stores' storefront URLs + the server's origin
    max_message_chars: int = 2000
    max_body_bytes: int = 16_384
    rate_per_client: int = 120  # requests per minute per client address
    rate_per_thread: int = 30  # messages and confirmations per minute per thread
    jwt_leeway_seconds: int = 30

    @classmethod
    def from_env(cls, env: Mapping[str, str]) -> ServeSettings:
        origins = env.get("BCAGENT_CORS_ORIGINS")
        return cls(
            host=env.get("BCAGENT_HOST") or "127.0.0.1",
            port=_int(env, "BCAGENT_PORT", DEFAULT_SERVE_PORT, minimum=0),
            cors_origins=tuple(o.strip().rstrip("/") for o in origins.split(",") if o.strip())
            if origins
            else None,
            max_message_chars=_int(env, "BCAGENT_MAX_MESSAGE_CHARS", 2000),
            max_body_bytes=_int(env, "BCAGENT_MAX_BODY_BYTES", 16_384, minimum=256),
            rate_per_client=_int(env, "BCAGENT_RATE_PER_CLIENT", 120),
            rate_per_thread=_int(env, "BCAGENT_RATE_PER_THREAD", 30),
            jwt_leeway_seconds=_int(env, "BCAGENT_JWT_LEEWAY_SECONDS", 30, minimum=0),
        )


@dataclass(frozen=True)
class Settings:
    home: Path
    model: str = "offline"
    openai_api_key: str | None = None
    openai_base_url: str | None = None
    chroma_url: str | None = None
    database_url: str | None = None
    redis_url: str | None = None
    sync_interval_minutes: int = DEFAULT_SYNC_INTERVAL_MINUTES
    webhook_debounce_ms: int = DEFAULT_WEBHOOK_DEBOUNCE_MS
    serve: ServeSettings = field(default_factory=ServeSettings)

    @classmethod
    def from_env(cls, env: Mapping[str, str] | None = None) -> Settings:
        env = os.environ if env is None else env
        home = Path(env.get("BCAGENT_HOME") or Path.home() / ".bcagent").expanduser()
        return cls(
            home=home,
            model=env.get("BCAGENT_MODEL", "offline"),
            openai_api_key=env.get("OPENAI_API_KEY"),
            openai_base_url=env.get("OPENAI_BASE_URL"),
            chroma_url=env.get("BCAGENT_CHROMA_URL") or None,
            database_url=env.get("BCAGENT_DATABASE_URL") or None,
            redis_url=env.get("BCAGENT_REDIS_URL") or None,
            sync_interval_minutes=_whole_number(
                env, "BCAGENT_SYNC_INTERVAL_MINUTES", DEFAULT_SYNC_INTERVAL_MINUTES
            ),
            webhook_debounce_ms=_whole_number(
                env, "BCAGENT_WEBHOOK_DEBOUNCE_MS", DEFAULT_WEBHOOK_DEBOUNCE_MS
            ),
            serve=ServeSettings.from_env(env),
        )

    def __repr__(self) -> str:
        key = "set" if self.openai_api_key else "unset"
        database = "set" if self.database_url else "unset"
        redis = "set" if self.redis_url else "unset"
        return (
            f"Settings(home={str(self.home)!r}, model={self.model!r}, openai_api_key={key}, "
            f"database_url={database}, redis_url={redis})"
        )
