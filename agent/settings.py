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
"""

from __future__ import annotations

import logging
import os
from collections.abc import Mapping
from dataclasses import dataclass
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
        )

    def __repr__(self) -> str:
        key = "set" if self.openai_api_key else "unset"
        database = "set" if self.database_url else "unset"
        redis = "set" if self.redis_url else "unset"
        return (
            f"Settings(home={str(self.home)!r}, model={self.model!r}, openai_api_key={key}, "
            f"database_url={database}, redis_url={redis})"
        )
