"""What every tool is given: the store's client and settings, the agent's records, the store policy,
and the conversation it serves. Built once per process (context) and once per thread (conversation)."""

from __future__ import annotations

import time
from collections.abc import Callable
from dataclasses import dataclass, field
from datetime import UTC, datetime
from typing import Any
from zoneinfo import ZoneInfo, ZoneInfoNotFoundError

from bigcommerce import AsyncBigCommerce
from bigcommerce.money import format_money
from bigcommerce.types.customers import CustomerGroup
from bigcommerce.types.store import Store
from ingest.filters import open_categories
from ingest.vectors import ProductIndex

from ..persistence.records import AgentRecords, ConversationState, StateChange
from ..store.capabilities import enabled_tools
from ..store.connections import Connection

CANCELLABLE_STATUS_IDS = frozenset(
    {1, 7, 9, 11}
)  # Pending, Awaiting Payment, Awaiting Shipment, Awaiting Fulfillment


@dataclass(frozen=True)
class StorePolicy:
    """The merchant's rules, enforced by the tools whatever the model does."""

    cancellable_status_ids: frozenset[int] = CANCELLABLE_STATUS_IDS
    max_order_age_days: int | None = None
    max_failed_lookups: int = 5
    max_wrong_gift_codes: int = 5
    max_wrong_discount_codes: int = 10
    private_codes: frozenset[str] = frozenset()
    recent_orders: int = 5


@dataclass(frozen=True)
class VerifiedCustomer:
    """A shopper whose identity the storefront vouched for (BigCommerce Current Customer JWT)."""

    id: int
    email: str
    group_id: int | None = None


@dataclass
class Conversation:
    thread_id: str
    verified_customer: VerifiedCustomer | None = None
    product_id: int | None = None  # the product page the shopper is on
    shopper_said: tuple[str, ...] | None = None  # the shopper's own messages (None: not known here)

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
    _open_categories: tuple[float, set[int] | None] | None = None
    _store_profile: tuple[float, Store] | None = None

    @property
    def store_hash(self) -> str:
        return self.connection.store_hash

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
