"""One-time codes emailed to an order's billing address (the ``email_code`` cancellation policy), one
per store, conversation, order and purpose (``cancel``), component ``agent_email_codes``.

A code is kept HASHED (PBKDF2 with a salt of its own), never as typed, with when it expires, how many
wrong tries it has left, and the index of the last answer counted (``checked_through``): LangGraph
re-runs an interrupted tool from its start when the shopper answers, replaying the answers given
before, and an answer already counted is not counted twice. Times are the caller's clock (seconds).

``issue`` keeps a new code only when no code is kept for the key (it answers False while one is, even
an expired one: the caller decides what an expired code means); ``check`` compares an answer and
counts a wrong one; the third wrong answer, an expired code and a right one delete the code.
"""

from __future__ import annotations

import asyncio
import hashlib
import hmac
import secrets
from dataclasses import dataclass
from typing import Literal

from .migrations import Component
from .repository import Repository

EMAIL_CODES = Component(
    "agent_email_codes",
    {
        "sqlite": [
            (
                1,
                """
                CREATE TABLE IF NOT EXISTS email_codes (
                    thread_id TEXT NOT NULL,
                    order_id INTEGER NOT NULL,
                    purpose TEXT NOT NULL,
                    code_hash TEXT NOT NULL,
                    expires_at REAL NOT NULL,
                    tries_left INTEGER NOT NULL,
                    checked_through INTEGER NOT NULL DEFAULT -1,
                    PRIMARY KEY (thread_id, order_id, purpose)
                );
                """,
            ),
        ],
        "postgresql": [
            (
                1,
                """
                CREATE TABLE agent_email_codes (
                    store_hash TEXT NOT NULL,
                    thread_id TEXT NOT NULL,
                    order_id BIGINT NOT NULL,
                    purpose TEXT NOT NULL,
                    code_hash TEXT NOT NULL,
                    expires_at DOUBLE PRECISION NOT NULL,
                    tries_left INTEGER NOT NULL,
                    checked_through INTEGER NOT NULL DEFAULT -1,
                    PRIMARY KEY (store_hash, thread_id, order_id, purpose)
                );
                """,
            ),
        ],
    },
)

ITERATIONS = 100_000  # a 6-digit code has few values: slow each guess at a stolen hash down
FORGET_AFTER = 86_400.0  # a code left behind (a conversation that never answered) goes a day after it expired
Outcome = Literal["right", "wrong", "exhausted", "expired", "missing"]


def hash_code(code: str, salt: bytes | None = None) -> str:
    """``pbkdf2_sha256$<iterations>$<salt hex>$<hash hex>`` of ``code``."""
    salt = salt if salt is not None else secrets.token_bytes(16)
    digest = hashlib.pbkdf2_hmac("sha256", code.encode(), salt, ITERATIONS)
    return f"pbkdf2_sha256${ITERATIONS}${salt.hex()}${digest.hex()}"


def code_matches(code: str, kept: str) -> bool:
    try:
        scheme, iterations, salt, digest = kept.split("$")
        if scheme != "pbkdf2_sha256":
            return False
        given = hashlib.pbkdf2_hmac("sha256", code.encode(), bytes.fromhex(salt), int(iterations))
    except ValueError:
        return False
    return hmac.compare_digest(given.hex(), digest)


@dataclass(frozen=True)
class KeptCode:
    """A code as kept (its hash is not part of it)."""

    expires_at: float
    tries_left: int
    checked_through: int

    def expired(self, now: float) -> bool:
        return now >= self.expires_at


@dataclass(frozen=True)
class Check:
    outcome: Outcome
    tries_left: int = 0
    replayed: bool = False  # an answer counted before, seen again as the tool re-runs


class EmailCodes(Repository):
    """The store's emailed codes; every method is one short transaction."""

    @property
    def _table(self) -> str:
        return self.table("email_codes", "agent_email_codes")

    def _key(self, thread_id: str, order_id: int, purpose: str) -> tuple[str, tuple[object, ...]]:
        scope, params = self.scope()
        return f"{scope}thread_id = ? AND order_id = ? AND purpose = ?", (
            *params,
            thread_id,
            order_id,
            purpose,
        )

    async def find(self, thread_id: str, order_id: int, purpose: str = "cancel") -> KeptCode | None:
        where, params = self._key(thread_id, order_id, purpose)
        async with self.db.transaction(readonly=True) as tx:
            row = await tx.fetchone(
                f"SELECT expires_at, tries_left, checked_through FROM {self._table} WHERE {where}", params
            )
        return None if row is None else KeptCode(float(row[0]), int(row[1]), int(row[2]))

    async def issue(
        self,
        thread_id: str,
        order_id: int,
        code: str,
        *,
        expires_at: float,
        tries: int,
        purpose: str = "cancel",
    ) -> bool:
        """Keep ``code`` (hashed) unless a code is already kept for the key; whether it was kept. The
        store's codes that expired ``FORGET_AFTER`` before this one expires are deleted first."""
        kept = await asyncio.to_thread(hash_code, code)
        columns = self.key_columns(
            "thread_id", "order_id", "purpose", "code_hash", "expires_at", "tries_left"
        )
        conflict = ", ".join(self.key_columns("thread_id", "order_id", "purpose"))
        scope, params = self.scope()
        async with self.db.transaction() as tx:
            await tx.execute(
                f"DELETE FROM {self._table} WHERE {scope}expires_at < ?", (*params, expires_at - FORGET_AFTER)
            )
            added = await tx.execute(
                f"INSERT INTO {self._table} ({', '.join(columns)}) VALUES ({', '.join('?' for _ in columns)}) "
                f"ON CONFLICT ({conflict}) DO NOTHING",
                self.key_values(thread_id, order_id, purpose, kept, expires_at, tries),
            )
        return added > 0

    async def delete(self, thread_id: str, order_id: int, purpose: str = "cancel") -> bool:
        where, params = self._key(thread_id, order_id, purpose)
        async with self.db.transaction() as tx:
            return await tx.execute(f"DELETE FROM {self._table} WHERE {where}", params) > 0

    async def check(
        self,
        thread_id: str,
        order_id: int,
        code: str,
        *,
        now: float,
        answer_index: int,
        purpose: str = "cancel",
    ) -> Check:
        """Compare the ``answer_index``-th answer of this confirmation with the kept code. An answer at or
        before the last one counted is a replay of a wrong one (a right one ends the confirmation)."""
        where, params = self._key(thread_id, order_id, purpose)
        async with self.db.transaction() as tx:
            row = await tx.fetchone(
                f"SELECT code_hash, expires_at, tries_left, checked_through FROM {self._table} WHERE {where}"
                + self.db.dialect.for_update,
                params,
            )
            if row is None:
                return Check("missing")
            kept, expires_at, tries_left, checked_through = (
                str(row[0]),
                float(row[1]),
                int(row[2]),
                int(row[3]),
            )
            if answer_index <= checked_through:
                return Check("wrong", tries_left, replayed=True)
            if now >= expires_at:
                await tx.execute(f"DELETE FROM {self._table} WHERE {where}", params)
                return Check("expired")
            if await asyncio.to_thread(code_matches, code, kept):
                await tx.execute(f"DELETE FROM {self._table} WHERE {where}", params)
                return Check("right", tries_left)
            tries_left -= 1
            if tries_left <= 0:
                await tx.execute(f"DELETE FROM {self._table} WHERE {where}", params)
                return Check("exhausted")
            await tx.execute(
                f"UPDATE {self._table} SET tries_left = ?, checked_through = ? WHERE {where}",
                (tries_left, answer_index, *params),
            )
        return Check("wrong", tries_left)


__all__ = ["EMAIL_CODES", "Check", "EmailCodes", "KeptCode", "code_matches", "hash_code"]
