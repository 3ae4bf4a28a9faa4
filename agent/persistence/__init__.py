"""Every table the product writes, on SQLite (embedded default) or PostgreSQL (shared by replicas).

Shaped like httpx's transports: ``database.py`` is the interface (a ``Database`` handing out async
transactions, and its ``Dialect``), ``sqlite.py`` and ``postgres.py`` the engines, ``connect.py`` the
one place that picks one (``open_database``), ``migrations.py`` the one versioned migration runner,
``timestamps.py`` the one timestamp spelling; repositories sit on top (``records``: policy state, audit
log and handoffs; ``threads``: the chat API's threads), and ``checkpoints.py`` opens LangGraph's
checkpointer on the same decision.
"""

from __future__ import annotations

from .connect import is_postgres_url, open_database
from .database import Database, Dialect, Transaction
from .migrations import CHECKPOINT_LOCK, MIGRATION_LOCK, Component, SchemaTooNew, migrate, schema_version

__all__ = [
    "CHECKPOINT_LOCK",
    "MIGRATION_LOCK",
    "Component",
    "Database",
    "Dialect",
    "SchemaTooNew",
    "Transaction",
    "is_postgres_url",
    "migrate",
    "open_database",
    "schema_version",
]
