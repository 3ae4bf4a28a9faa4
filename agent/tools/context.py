"""What every tool is given: the store's client and settings, the agent's records, the store policy,
and the conversation it serves. Built once per process (context) and once per thread (conversation)."""

from __future__ import annotations

import time
from collections.abc import Awaitable, Callable, Iterator
from contextlib import contextmanager
from contextvars import ContextVar
from dataclasses import dataclass, field, replace
from datetime import UTC, datetime
from email.message import EmailMessage
from typing import Any
from zoneinfo import ZoneInfo, ZoneInfoNotFoundError

from bigcommerce import AsyncBigCommerce, AuthenticationError, BigCommerceError
from bigcommerce.money import format_money
from bigcommerce.types.customers import CustomerGroup
from bigcommerce.types.store import Store
from ingest.filters import open_categories
from ingest.vectors import ProductIndex

from ..persistence.records import AgentRecords, ConversationState, StateChange
from ..settings import HandoffSettings
from ..store.capabilities import enabled_tools
from ..store.connections import Connection
from ..store.merchant_settings import UNSHIPPED_STATUS_IDS, PolicySettings, WhoMayCancel
from ..store.scope_loss import ScopeGuard
from .code_cache import CodeCache
from .mirror import ProductMirror
from .order_cache import OrderCache

CANCELLABLE_STATUS_IDS = frozenset(UNSHIPPED_STATUS_IDS)
"""Every status before anything ships: Incomplete, Pending, Awaiting Payment, Awaiting Pickup, Awaiting
Shipment, Awaiting Fulfillment, Manual Verification Required (``bcagent policy set`` narrows it)."""


@dataclass(frozen=True)
class StorePolicy:
    """The merchant's rules, enforced by the tools whatever the model does."""

    cancellable_status_ids: frozenset[int] = CANCELLABLE_STATUS_IDS
    max_order_age_days: int | None = None
    max_failed_lookups: int = 5
    max_wrong_gift_codes: int = 5
    max_wrong_discount_codes: int = 10
    # Across every conversation, in a sliding ``attempts_window_seconds`` (agent/tools/lockouts.py):
    failed_lookups_per_order: int = 5  # then the order is locked for all but its signed-in owner
    failed_lookups_per_client: int = 20  # then the client's order lookups are locked
    wrong_gift_codes_per_client: int = 10
    wrong_gift_codes_per_store: int = 100
    wrong_discount_codes_per_client: int = 20
    wrong_discount_codes_per_store: int = 300
    attempts_window_seconds: float = 3600.0
    private_codes: frozenset[str] = frozenset()
    recent_orders: int = 5
    who_may_cancel: WhoMayCancel = "order_and_email"  # verified_only: signed-in shoppers only
    show_codes_in_promotions: bool = True

    @classmethod
    def from_settings(cls, kept: PolicySettings, base: StorePolicy | None = None) -> StorePolicy:
        """The policy the merchant keeps (``bcagent policy set``), over ``base``'s limits."""
        return replace(
            base or cls(),
            cancellable_status_ids=frozenset(kept.cancellable_status_ids),
            max_order_age_days=kept.max_order_age_days,
            who_may_cancel=kept.who_may_cancel,
            private_codes=frozenset(kept.private_codes),
            show_codes_in_promotions=kept.show_codes_in_promotions,
        )


@dataclass(frozen=True)
class VerifiedCustomer:
    """A shopper whose identity the storefront vouched for (BigCommerce Current Customer JWT)."""

    id: int
    email: str
    group_id: int | None = None


# The client a turn serves (a hash of its address, ``agent.persistence.attempts.client_key``), set by the
# surface that knows it (``bcagent serve``) around the turn; None where there is no client (terminal
# chat, evals). Kept out of the graph's state and config, so it is never checkpointed.
_SHOPPER_CLIENT: ContextVar[str | None] = ContextVar("bcagent_shopper_client", default=None)


@contextmanager
def serving_client(key: str | None) -> Iterator[None]:
    """Run the turns started inside the block for the client ``key``."""
    token = _SHOPPER_CLIENT.set(key)
    try:
        yield
    finally:
        _SHOPPER_CLIENT.reset(token)


def current_client() -> str | None:
    return _SHOPPER_CLIENT.get()


@dataclass
class Conversation:
    thread_id: str
    verified_customer: VerifiedCustomer | None = None
    product_id: int | None = None  # the product page the shopper is on
    shopper_said: tuple[str, ...] | None = None  # the shopper's own messages (None: not known here)
    client: str | None = field(default_factory=current_client)  # the client's key (None: unknown)

    def shopper_gave(self, value: str) -> bool:
        """Whether the shopper typed ``value`` themselves: identity facts (an email) must come from the
        shopper, never from text a tool returned (a product description, an order comment)."""
        if self.shopper_said is None:
            return True
        needle = value.strip().lower()
        return any(needle in text.lower() for text in self.shopper_said)


@dataclass
class ToolContext:
    client: AsyncBigCommerce
    connection: Connection
    records: AgentRecords
    index: ProductIndex | None = None
    policy: StorePolicy = field(default_factory=StorePolicy)
    clock: Callable[[], datetime] = lambda: datetime.now(UTC)
    groups_ttl_seconds: float = 300.0
    scope_guard: ScopeGuard | None = None  # re-probes the scopes after a 401/403 (agent.store.scope_loss)
    handoff: HandoffSettings = field(default_factory=HandoffSettings)  # hours, delivery (agent/handoff)
    orders: OrderCache = field(default_factory=OrderCache)  # orders verified per conversation
    codes: CodeCache | None = None  # the store's coupon and promotion answers (None: read each time)
    mirror: ProductMirror | None = None  # the catalog mirror, while fresh (agent/tools/mirror.py); None: live
    # sends an emailed one-time code (agent/tools/email_code.py); None: over the handoff's SMTP settings.
    # A replay sets one that sends nothing: replaying a conversation never emails a shopper.
    code_mailer: Callable[[EmailMessage], Awaitable[None]] | None = None
    _open_categories: tuple[float, set[int] | None] | None = None
    _store_profile: tuple[float, Store] | None = None

    @property
    def store_hash(self) -> str:
        return self.connection.store_hash

    async def access_refused(self, error: Exception) -> None:
        """BigCommerce refused a tool's request (401/403): re-probe the scopes (at most once a minute)
        and switch off, here and now, the tools whose scope is gone."""
        if self.scope_guard is None or not isinstance(error, BigCommerceError):
            return
        unauthorized = isinstance(error, AuthenticationError)
        lost = await self.scope_guard.refused(self.client, unauthorized=unauthorized)
        if lost is not None:
            self.connection = replace(self.connection, scopes={**self.connection.scopes, **lost.scopes})

    def enabled(self) -> list[str]:
        return enabled_tools(self.connection.scopes, self.connection.disabled_tools)

    def money(self, amount: Any) -> str:
        return format_money(amount if amount is not None else 0, self.connection.money)

    def timezone(self) -> ZoneInfo:
        try:
            return ZoneInfo(self.connection.timezone or "UTC")
        except (ZoneInfoNotFoundError, ValueError):
            return ZoneInfo("UTC")

    def date(self, moment: datetime | None) -> str | None:
        """A date as shoppers read it, in the store's timezone: ``March 5, 2026``."""
        if moment is None:
            return None
        local = moment.astimezone(self.timezone())
        return f"{local:%B} {local.day}, {local.year}"

    async def conversation_state(self, conversation: Conversation) -> ConversationState:
        return await self.records.load(conversation.thread_id)

    async def save_state(self, conversation: Conversation, state: ConversationState) -> None:
        await self.records.save(conversation.thread_id, state)

    async def update_state(self, conversation: Conversation, change: StateChange) -> ConversationState:
        """Change the conversation's policy state atomically (counters, lockout, binding)."""
        return await self.records.update(conversation.thread_id, change)

    async def store_profile(self) -> Store:
        """``GET /v2/store`` (its published email, phone and address), cached for a while."""
        cached = self._store_profile
        if cached is not None and time.monotonic() - cached[0] < self.groups_ttl_seconds:
            return cached[1]
        store = await self.client.store.get()
        self._store_profile = (time.monotonic(), store)
        return store

    async def open_category_ids(self) -> set[int] | None:
        """Categories any shopper may see (None: all), from the customer groups, cached for a while."""
        if self.connection.scopes.get("customers", "none") == "none":
            return None
        cached = self._open_categories
        if cached is not None and time.monotonic() - cached[0] < self.groups_ttl_seconds:
            return cached[1]
        groups: list[CustomerGroup] = [g async for g in self.client.customer_groups.iter()]
        value = open_categories(groups)
        self._open_categories = (time.monotonic(), value)
        return value
