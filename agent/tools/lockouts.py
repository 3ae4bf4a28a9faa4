"""Limits keyed on what is attacked, not on the thread: failed order lookups per order number and per
client, wrong gift and discount codes per client and per store, each counted across every conversation
in a sliding window (``StorePolicy.attempts_window_seconds``, an hour by default).

A thread's own limits (``ConversationState``) reset when an attacker opens a new thread; these hold: five
wrong emails for order #12346 spread over five threads lock that order (for everyone but its signed-in
owner), twenty failed lookups from one client lock that client's lookups, whatever the threads. The
counts live in ``ctx.records.attempts`` (Redis when configured, else the records' database: shared by
replicas either way). Each lockout is written once to the audit log (action ``lockout``), where the
console and ``bcagent replay`` find it.
"""

from __future__ import annotations

from dataclasses import dataclass
from typing import Literal

from .context import Conversation, ToolContext

Scope = Literal["order", "client", "store"]
CodeKind = Literal["gift", "discount"]

HUMAN = "I can connect you with a member of our team."


@dataclass(frozen=True)
class Limit:
    """One shared counter and its limit: ``key`` in the store's attempts, ``what`` for the audit log."""

    key: str
    limit: int
    scope: Scope
    what: str
    order_id: int | None = None


def order_limits(ctx: ToolContext, conversation: Conversation, number: int) -> list[Limit]:
    policy = ctx.policy
    limits = [Limit(f"order:{number}", policy.failed_lookups_per_order, "order", "order lookups", number)]
    if conversation.client:
        limits.append(
            Limit(
                f"client:{conversation.client}:orders",
                policy.failed_lookups_per_client,
                "client",
                "order lookups",
            )
        )
    return limits


def code_limits(ctx: ToolContext, conversation: Conversation, kind: CodeKind) -> list[Limit]:
    policy = ctx.policy
    noun = "gift certificate codes" if kind == "gift" else "discount codes"
    per_client = (
        policy.wrong_gift_codes_per_client if kind == "gift" else policy.wrong_discount_codes_per_client
    )
    per_store = policy.wrong_gift_codes_per_store if kind == "gift" else policy.wrong_discount_codes_per_store
    limits = [Limit(f"store:{kind}", per_store, "store", noun)]
    if conversation.client:
        limits.insert(0, Limit(f"client:{conversation.client}:{kind}", per_client, "client", noun))
    return limits


async def locked_by(ctx: ToolContext, limits: list[Limit]) -> Limit | None:
    """The first of ``limits`` already spent, or None."""
    window = ctx.policy.attempts_window_seconds
    for limit in limits:
        if await ctx.records.attempts.failures(limit.key, window) >= limit.limit:
            return limit
    return None


async def count_failure(ctx: ToolContext, conversation: Conversation, limits: list[Limit]) -> Limit | None:
    """Count one failure on each of ``limits``; the first one this failure spent (or that was spent),
    recorded in the audit log when this failure is the one that reached it."""
    window = ctx.policy.attempts_window_seconds
    spent: Limit | None = None
    for limit in limits:
        count = await ctx.records.attempts.fail(limit.key, window)
        if count >= limit.limit and spent is None:
            spent = limit
        if count == limit.limit:
            await ctx.records.audit(
                ctx.store_hash,
                conversation.thread_id,
                "lockout",
                f"{limit.scope}_locked",
                order_id=limit.order_id,
                detail=f"{limit.what} locked for this {limit.scope} after {count} failures "
                f"in {_window(window)}",
            )
    return spent


def _window(seconds: float) -> str:
    if seconds >= 3600 and seconds % 3600 == 0:
        hours = int(seconds // 3600)
        return "an hour" if hours == 1 else f"{hours} hours"
    minutes = max(1, round(seconds / 60))
    return f"{minutes} minute{'s' if minutes != 1 else ''}"


def order_locked_message(limit: Limit) -> str:
    if limit.scope == "order":
        return (
            "For your security, lookups of this order are paused for a while after several unsuccessful "
            f"tries. If it is your order, sign in to your account on the store and ask again, or {HUMAN}"
        )
    return (
        "For your security, order lookups are paused for a while after several unsuccessful tries. "
        f"Please try again later, or {HUMAN}"
    )


def code_locked_message(limit: Limit) -> str:
    if limit.scope == "store":
        return (
            f"Checks of {limit.what} are paused for a while because of many unsuccessful tries. "
            f"Please try again later, or {HUMAN}"
        )
    return (
        f"For security I can't check more {limit.what} for you right now, after several that didn't "
        f"match. Please try again later, or {HUMAN}"
    )


__all__ = [
    "Limit",
    "code_limits",
    "code_locked_message",
    "count_failure",
    "locked_by",
    "order_limits",
    "order_locked_message",
]
