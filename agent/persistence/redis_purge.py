"""A disconnected store's keys in Redis: its lockout counts (``{prefix}:fail:{store}:...``), its cached
codes (``{prefix}:codes:{store}:...``) and the orders its conversations keep
(``{prefix}:orders:{store}:...``). Turn locks and rate-limit windows expire within seconds and carry no
store data. Without ``BCAGENT_REDIS_URL`` there is nothing to delete."""

from __future__ import annotations

from typing import Any

LOCKOUT_KEYS, CODE_KEYS, ORDER_KEYS = "fail", "codes", "orders"
STORE_KEY_KINDS = (LOCKOUT_KEYS, CODE_KEYS, ORDER_KEYS)


def store_keys(prefix: str, kind: str, store_hash: str) -> str:
    """The start of every key of one kind for one store: what writes them and what deletes them agree."""
    return f"{prefix}:{kind}:{store_hash}:"


async def purge_redis(url: str | None, prefix: str, store_hash: str, client: Any = None) -> int:
    """Delete the store's keys; the number deleted. Raises ``OSError`` when Redis cannot be reached."""
    if not url and client is None:
        return 0
    if client is None:
        import redis.asyncio as redis

        client = redis.Redis.from_url(url or "", socket_connect_timeout=1.0, socket_timeout=5.0)
    deleted = 0
    try:
        for kind in STORE_KEY_KINDS:
            pattern = _escaped(store_keys(prefix, kind, store_hash)) + "*"
            batch: list[Any] = []
            async for key in client.scan_iter(match=pattern, count=500):
                batch.append(key)
                if len(batch) >= 500:
                    deleted += int(await client.delete(*batch))
                    batch = []
            if batch:
                deleted += int(await client.delete(*batch))
    except Exception as exc:  # redis' own errors are not OSErrors: one kind for the caller
        raise OSError(f"Redis could not be reached to delete the store's keys: {exc}") from exc
    finally:
        await client.aclose()
    return deleted


def _escaped(text: str) -> str:
    """``text`` as a literal in a SCAN pattern."""
    return "".join(f"\\{c}" if c in "*?[]\\" else c for c in text)
