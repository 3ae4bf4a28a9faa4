"""What a database may raise, for the commands that turn it into one sentence instead of a traceback.

``DatabaseUnavailable``: the database could not be opened (the sentence names the server, never the
password). ``DATABASE_ERRORS``: the engines' own errors while in use (a server gone, a corrupt file).
"""

from __future__ import annotations

import sqlite3

import psycopg


class DatabaseUnavailable(RuntimeError):
    """The configured database cannot be used; the message says which and what it was for."""


DATABASE_ERRORS: tuple[type[Exception], ...] = (sqlite3.Error, psycopg.Error)
