"""Opening a database: the one place that decides SQLite or PostgreSQL.

PostgreSQL when ``BCAGENT_DATABASE_URL`` is a ``postgresql://`` URL (one database shared by every
replica and store), else the SQLite file the caller names under the store's folder.
"""

from __future__ import annotations

from collections.abc import Sequence
from pathlib import Path
from urllib.parse import urlsplit

from ..settings import Settings
from .database import Database
from .migrations import Component, migrate


def is_postgres_url(url: str | None) -> bool:
    """Whether ``url`` names a PostgreSQL database (the only such check in the product)."""
    return bool(url) and str(url).startswith(("postgresql://", "postgres://"))


def describe_url(url: str) -> str:
    """host:port/database of a server URL, without the user or password (for errors and logs)."""
    parts = urlsplit(url)
    host = parts.hostname or "localhost"
    port = f":{parts.port}" if parts.port else ""
    return f"{host}{port}{parts.path or ''}"


def uses_postgres(settings: Settings) -> bool:
    return is_postgres_url(settings.database_url)


async def open_database(
    settings: Settings,
    sqlite_path: Path | str,
    *,
    name: str,
    what: str,
    components: Sequence[Component] = (),
    max_connections: int = 4,
    open_timeout: float = 15.0,
    durable: bool = True,
) -> Database:
    """An open database with ``components`` migrated: PostgreSQL when the settings name one, else the
    SQLite file ``sqlite_path``. ``name`` labels the connection pool, ``what`` says in an error what
    the database was for; ``durable=False`` lets a commit return before its log reaches the disk (what
    may lose its last moments in a crash, never be corrupted: transcripts). Close it with
    ``await db.aclose()`` (or ``async with``)."""
    db: Database
    if is_postgres_url(settings.database_url):
        from .postgres import PostgresDatabase

        assert settings.database_url is not None
        db = await PostgresDatabase.open(
            settings.database_url,
            name=name,
            what=what,
            max_connections=max_connections,
            open_timeout=open_timeout,
            durable=durable,
        )
    else:
        from .sqlite import SqliteDatabase

        db = await SqliteDatabase.open(sqlite_path, durable=durable)
    try:
        for component in components:
            await migrate(db, component)
    except BaseException:
        await db.aclose()
        raise
    return db
