"""Settings: the one place that reads environment variables.

``BCAGENT_HOME`` is the data directory (default ``~/.bcagent``) that holds every connected store's
credentials, settings, vector collection, sync state and transcripts, each keyed by store hash.
``BCAGENT_CHROMA_URL`` (e.g. ``http://localhost:8000``) uses a Chroma server instead of the embedded one.
``BCAGENT_DATABASE_URL`` (``postgresql://...``) keeps conversation state in Postgres instead of SQLite.
``BCAGENT_TRANSCRIPTS=off`` stops recording turns (on by default: SQLite under the store's folder, or
the ``BCAGENT_DATABASE_URL`` database); ``BCAGENT_TRANSCRIPT_RETENTION_DAYS`` (default 30) is what
``bcagent transcripts prune`` deletes when given no ``--older-than``.
``BCAGENT_MODEL`` is ``offline`` (default) or ``openai:<model>`` (with ``OPENAI_API_KEY`` and/or
``OPENAI_BASE_URL`` for any OpenAI-compatible server).
"""

from __future__ import annotations

import os
from collections.abc import Mapping
from dataclasses import dataclass
from pathlib import Path

DEFAULT_API_URL = "https://api.bigcommerce.com"
OFF = frozenset({"off", "0", "false", "no"})
DEFAULT_RETENTION_DAYS = 30


def _days(text: str | None) -> int:
    if not text or not text.strip():
        return DEFAULT_RETENTION_DAYS
    try:
        days = int(text)
    except ValueError:
        raise ValueError(
            f"BCAGENT_TRANSCRIPT_RETENTION_DAYS must be a whole number of days, not {text!r}"
        ) from None
    if days < 1:
        raise ValueError("BCAGENT_TRANSCRIPT_RETENTION_DAYS must be at least 1")
    return days


@dataclass(frozen=True)
class Settings:
    home: Path
    model: str = "offline"
    openai_api_key: str | None = None
    openai_base_url: str | None = None
    chroma_url: str | None = None
    database_url: str | None = None
    transcripts: bool = True
    transcript_retention_days: int = 30

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
            transcripts=env.get("BCAGENT_TRANSCRIPTS", "on").strip().lower() not in OFF,
            transcript_retention_days=_days(env.get("BCAGENT_TRANSCRIPT_RETENTION_DAYS")),
        )

    def __repr__(self) -> str:
        key = "set" if self.openai_api_key else "unset"
        database = "set" if self.database_url else "unset"
        return f"Settings(home={str(self.home)!r}, model={self.model!r}, openai_api_key={key}, database_url={database})"
