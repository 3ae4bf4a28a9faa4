"""The merchant console's own state: its users per store, their sessions, and sign-in attempts.

One database for every store the server serves (``console.sqlite`` under ``BCAGENT_HOME``, or the shared
PostgreSQL database), since a sign-in happens before the store is known. Every row names its store and
every read is scoped to one: a user of store A never reads store B's rows.

A session id is a random token sent to the browser only; the table keeps its SHA-256, so a copy of the
database signs nobody in. Passwords are kept as argon2id hashes (``agent.console.passwords``).
"""

from __future__ import annotations

import hashlib
import secrets
from dataclasses import dataclass
from datetime import UTC, datetime, timedelta
from pathlib import Path

from ..settings import Settings
from . import timestamps
from .connect import open_database
from .database import Database
from .migrations import Component

CONSOLE = Component(
    "console",
    {
        "sqlite": [
            (
                1,
                """
                CREATE TABLE IF NOT EXISTS console_users (
                    store_hash TEXT NOT NULL,
                    email TEXT NOT NULL,
                    bc_user_id INTEGER,
                    password_hash TEXT,
                    created_at TEXT NOT NULL,
                    PRIMARY KEY (store_hash, email)
                );
                CREATE TABLE IF NOT EXISTS console_sessions (
                    id_hash TEXT PRIMARY KEY,
                    store_hash TEXT NOT NULL,
                    email TEXT NOT NULL,
                    csrf TEXT NOT NULL,
                    created_at TEXT NOT NULL,
                    expires_at TEXT NOT NULL
                );
                CREATE TABLE IF NOT EXISTS console_sign_in_failures (
                    client TEXT NOT NULL,
                    time TEXT NOT NULL
                );
                CREATE INDEX IF NOT EXISTS console_sign_in_failures_client
                    ON console_sign_in_failures (client, time);
                """,
            )
        ],
        "postgresql": [
            (
                1,
                """
                CREATE TABLE console_users (
                    store_hash TEXT NOT NULL,
                    email TEXT NOT NULL,
                    bc_user_id BIGINT,
                    password_hash TEXT,
                    created_at TIMESTAMPTZ NOT NULL DEFAULT now(),
                    PRIMARY KEY (store_hash, email)
                );
                CREATE TABLE console_sessions (
                    id_hash TEXT PRIMARY KEY,
                    store_hash TEXT NOT NULL,
                    email TEXT NOT NULL,
                    csrf TEXT NOT NULL,
                    created_at TIMESTAMPTZ NOT NULL DEFAULT now(),
                    expires_at TIMESTAMPTZ NOT NULL
                );
                CREATE TABLE console_sign_in_failures (
                    client TEXT NOT NULL,
                    time TIMESTAMPTZ NOT NULL DEFAULT now()
                );
                CREATE INDEX console_sign_in_failures_client ON console_sign_in_failures (client, time);
                """,
            )
        ],
    },
)


@dataclass(frozen=True)
class ConsoleSession:
    """A signed-in console user: which store, who, and the CSRF token every form of the session carries."""

    store_hash: str
    email: str
    csrf: str
    expires_at: datetime

    def __repr__(self) -> str:  # the CSRF token is a secret of the session
        return f"ConsoleSession(store_hash={self.store_hash!r}, email={self.email!r})"


@dataclass(frozen=True)
class ConsoleUser:
    store_hash: str
    email: str
    bc_user_id: int | None
    has_password: bool


def _digest(session_id: str) -> str:
    return hashlib.sha256(session_id.encode()).hexdigest()


class ConsoleState:
    """Users, sessions and sign-in failures of the console; each method one short transaction."""

    def __init__(self, db: Database) -> None:
        self.db = db

    def __repr__(self) -> str:
        return f"ConsoleState({self.db!r})"

    # ---- users ----------------------------------------------------------------------------------------

    async def add_user(
        self,
        store_hash: str,
        email: str,
        bc_user_id: int | None = None,
        password_hash: str | None = None,
    ) -> None:
        """Add or update a user of ``store_hash`` (a password hash given replaces the old one)."""
        async with self.db.transaction() as tx:
            await tx.execute(
                "INSERT INTO console_users (store_hash, email, bc_user_id, password_hash, created_at) "
                "VALUES (?, ?, ?, ?, ?) ON CONFLICT (store_hash, email) DO UPDATE SET "
                "bc_user_id = COALESCE(excluded.bc_user_id, console_users.bc_user_id), "
                "password_hash = COALESCE(excluded.password_hash, console_users.password_hash)",
                (store_hash, email.lower(), bc_user_id, password_hash, timestamps.now()),
            )

    async def user(self, store_hash: str, email: str) -> ConsoleUser | None:
        async with self.db.transaction(readonly=True) as tx:
            row = await tx.fetchone(
                "SELECT bc_user_id, password_hash FROM console_users WHERE store_hash = ? AND email = ?",
                (store_hash, email.lower()),
            )
        if row is None:
            return None
        return ConsoleUser(store_hash, email.lower(), row[0], row[1] is not None)

    async def password_hash(self, store_hash: str, email: str) -> str | None:
        async with self.db.transaction(readonly=True) as tx:
            row = await tx.fetchone(
                "SELECT password_hash FROM console_users WHERE store_hash = ? AND email = ?",
                (store_hash, email.lower()),
            )
        return None if row is None else row[0]

    async def remove_user(
        self, store_hash: str, *, email: str | None = None, bc_user_id: int | None = None
    ) -> int:
        """Forget a user (by email or BigCommerce user id) and end their sessions; the rows removed."""
        async with self.db.transaction() as tx:
            if bc_user_id is not None:
                rows = await tx.fetchall(
                    "SELECT email FROM console_users WHERE store_hash = ? AND bc_user_id = ?",
                    (store_hash, bc_user_id),
                )
                emails = [str(r[0]) for r in rows]
            else:
                emails = [email.lower()] if email else []
            removed = 0
            for each in emails:
                removed += await tx.execute(
                    "DELETE FROM console_users WHERE store_hash = ? AND email = ?", (store_hash, each)
                )
                await tx.execute(
                    "DELETE FROM console_sessions WHERE store_hash = ? AND email = ?", (store_hash, each)
                )
        return removed

    async def forget_store(self, store_hash: str) -> int:
        """Remove every user and session of a store (uninstall, disconnect); the users removed."""
        async with self.db.transaction() as tx:
            await tx.execute("DELETE FROM console_sessions WHERE store_hash = ?", (store_hash,))
            return await tx.execute("DELETE FROM console_users WHERE store_hash = ?", (store_hash,))

    # ---- sessions -------------------------------------------------------------------------------------

    async def open_session(
        self, store_hash: str, email: str, lifetime: timedelta
    ) -> tuple[str, ConsoleSession]:
        """A new session: (the id for the cookie, the session). Only the id's digest is stored."""
        session_id = secrets.token_urlsafe(32)
        csrf = secrets.token_urlsafe(24)
        expires = datetime.now(UTC) + lifetime
        async with self.db.transaction() as tx:
            await tx.execute(
                "INSERT INTO console_sessions (id_hash, store_hash, email, csrf, created_at, expires_at) "
                "VALUES (?, ?, ?, ?, ?, ?)",
                (_digest(session_id), store_hash, email.lower(), csrf, timestamps.now(),
                 timestamps.precise(expires)),
            )  # fmt: skip
        return session_id, ConsoleSession(store_hash, email.lower(), csrf, expires)

    async def session(self, session_id: str) -> ConsoleSession | None:
        """The live session with this id, or None (unknown or expired)."""
        async with self.db.transaction(readonly=True) as tx:
            row = await tx.fetchone(
                "SELECT store_hash, email, csrf, expires_at FROM console_sessions WHERE id_hash = ?",
                (_digest(session_id),),
            )
        if row is None:
            return None
        expires = timestamps.parse(timestamps.spell(row[3]))
        if expires <= datetime.now(UTC):
            return None
        return ConsoleSession(str(row[0]), str(row[1]), str(row[2]), expires)

    async def close_session(self, session_id: str) -> None:
        async with self.db.transaction() as tx:
            await tx.execute("DELETE FROM console_sessions WHERE id_hash = ?", (_digest(session_id),))

    # ---- sign-in failures (rate limit) ----------------------------------------------------------------

    async def failures_since(self, client: str, window: timedelta) -> int:
        since = timestamps.precise(datetime.now(UTC) - window)
        async with self.db.transaction(readonly=True) as tx:
            row = await tx.fetchone(
                "SELECT count(*) FROM console_sign_in_failures WHERE client = ? AND time > ?",
                (client, since),
            )
        return int(row[0]) if row else 0

    async def record_failure(self, client: str) -> None:
        async with self.db.transaction() as tx:
            await tx.execute(
                "INSERT INTO console_sign_in_failures (client, time) VALUES (?, ?)",
                (client, timestamps.precise(datetime.now(UTC))),
            )

    async def aclose(self) -> None:
        await self.db.aclose()


async def open_console_state(settings: Settings, sqlite_path: Path | str | None = None) -> ConsoleState:
    """The console's state, migrated: PostgreSQL when configured, else ``console.sqlite`` in the home."""
    db = await open_database(
        settings,
        sqlite_path or Path(settings.home) / "console.sqlite",
        name="console",
        what="the console's users and sessions",
        components=[CONSOLE],
        max_connections=2,
    )
    return ConsoleState(db)
