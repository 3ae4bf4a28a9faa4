"""Console passwords: argon2id hashes (argon2-cffi), never the password itself."""

from __future__ import annotations

from functools import cache

from argon2 import PasswordHasher
from argon2.exceptions import InvalidHashError, VerificationError

_HASHER = PasswordHasher()
MIN_LENGTH = 10


class WeakPassword(ValueError):
    pass


def hash_password(password: str) -> str:
    if len(password) < MIN_LENGTH:
        raise WeakPassword(f"Use a password of at least {MIN_LENGTH} characters.")
    return _HASHER.hash(password)


def check_password(stored_hash: str | None, password: str) -> bool:
    """Whether ``password`` matches ``stored_hash``; False for no hash (the same work is not skipped:
    a dummy verification keeps the time alike for unknown users)."""
    try:
        return _HASHER.verify(stored_hash or _dummy(), password) and stored_hash is not None
    except (VerificationError, InvalidHashError):
        return False


@cache
def _dummy() -> str:
    return _HASHER.hash("not a password of anyone")
