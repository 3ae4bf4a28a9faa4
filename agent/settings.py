"""Settings: the one place that reads environment variables.

``BCAGENT_HOME`` is the data directory (default ``~/.bcagent``) that holds every connected store's
credentials, settings, vector collection, sync state and transcripts, each keyed by store hash.
``BCAGENT_CHROMA_URL`` (e.g. ``http://localhost:8000``) uses a Chroma server instead of the embedded one.
``BCAGENT_DATABASE_URL`` (``postgresql://...``) keeps conversation state and the agent's records (policy
state, audit log, handoffs) in PostgreSQL instead of SQLite, shared by every replica.
``BCAGENT_MODEL`` is ``offline`` (default) or ``openai:<model>`` (with ``OPENAI_API_KEY`` and/or
``OPENAI_BASE_URL`` for any OpenAI-compatible server).
"""

from __future__ import annotations

import os
from collections.abc import Mapping
from dataclasses import dataclass
from pathlib import Path

DEFAULT_API_URL = "https://api.bigcommerce.com"


@dataclass(frozen=True)
class Settings:
    home: Path
    model: str = "offline"
    openai_api_key: str | None = None
    openai_base_url: str | None = None
    chroma_url: str | None = None
    database_url: str | None = None

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
        )

    def __repr__(self) -> str:
        key = "set" if self.openai_api_key else "unset"
        database = "set" if self.database_url else "unset"
        return f"Settings(home={str(self.home)!r}, model={self.model!r}, openai_api_key={key}, database_url={database})"
