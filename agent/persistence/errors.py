"""What a database may raise, for the commands that turn it into one sentence instead of a traceback.

``DatabaseUnavailable``: the database could not be opened (the sentence names the server, never the
password). ``database_errors(settings)``: the engines' own errors while in use (a server gone, a corrupt
file) for the configured engine, so a command on SQLite does not load the PostgreSQL driver (about a
second of start-up). ``DATABASE_ERRORS``: both engines' (loads the driver when first read).
"""

from __future__ import annotations

import sqlite3
from typing import TYPE_CHECKING, Any

from .urls import is_postgres_url

if TYPE_CHECKING:
    from ..settings import Settings


class DatabaseUnavailable(RuntimeError):
    """The configured database cannot be used; the message says which and what it was for."""


def database_errors(settings: Settings) -> tuple[type[Exception], ...]:
    """The errors the configured database raises while in use."""
    if is_postgres_url(settings.database_url):
        import psycopg

        return (sqlite3.Error, psycopg.Error)
    return (sqlite3.Error,)


def __getattr__(name: str) -> Any:
    if name == "DATABASE_ERRORS":
        import psycopg

        return (sqlite3.Error, psycopg.Error)
    raise AttributeError(f"module {__name__!r} has no attribute {name!r}")


__all__ = ["DatabaseUnavailable", "database_errors"]
