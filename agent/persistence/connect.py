"""Opening a database: the one place that decides SQLite or PostgreSQL.

PostgreSQL when ``BCAGENT_DATABASE_URL`` is a ``postgresql://`` URL (one database shared by every
replica and store), else the SQLite file the caller names under the store's folder.
"""

from __future__ import annotations

from collections.abc import Sequence
from pathlib import Path

from ..settings import Settings
from .database import Database
from .migrations import Component, migrate
from .urls import describe_url, is_postgres_url

__all__ = ["describe_url", "is_postgres_url", "open_database", "uses_postgres"]


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
