"""The catalog changes of `benchmarks/load.py` and the check of every reply against them.

During each chat phase a :class:`Changer` changes the price and the stock of the product the
conversations ask about, every few seconds, through the sandbox's admin routes (as a merchant would in
the control panel; the sandbox fires the product and SKU webhooks BigCommerce fires). Each value it
sets goes into a :class:`Timeline` with the moments it took effect: after the admin request was sent and
before its answer came, on this process's monotonic clock (and the wall clock, for the record).

:func:`product_facts` reads the facts a reply states about the product (its current price, its regular
price when on sale, its stock state, in the tool's own sentence ``"Premium Boxing Gloves: $101.00 (on
sale, regularly $111.00); in stock."``), and :func:`check_reply` judges each against the timeline:

- **stale**: the value stated was the store's value at no moment of ``[sent - window, received]``: it
  is older than the freshness window (goal 0);
- **not current**: the value stated was the store's value at no moment of the turn itself
  ``[sent, received]``: lag within the window, an informative figure.

A value changed through the admin route took effect at some unknown moment between the request's
sending and its answer, so each value is taken as possibly held from its change's sending to the next
change's answer: a reply is never called stale or not current because of that uncertainty.
"""

from __future__ import annotations

import asyncio
import contextlib
import re
import time
from collections.abc import Sequence
from dataclasses import dataclass, field
from decimal import Decimal
from typing import Any

import httpx

PRODUCT_ID = 1  # sandbox/demo.py: product 1 "Premium Boxing Gloves" at every size, stock tracked by variant
PRODUCT_NAME = "Premium Boxing Gloves"
STOCK_STATES = ("some options out of stock", "out of stock", "in stock")  # agent/tools/products.py _stock
_MONEY = r"[^\d\s;:(),]{0,4}(\d[\d,]*\.\d{2})"
_ANY_PRICE = re.compile(r"\d\.\d{2}\b")
_FACTS = re.compile(
    re.escape(PRODUCT_NAME)
    + rf": {_MONEY}(?: \(on sale, regularly {_MONEY}\))?; ("
    + "|".join(map(re.escape, STOCK_STATES))
    + ")"
)


@dataclass(frozen=True)
class Fact:
    kind: str  # "current price", "regular price" or "stock"
    value: str  # a price as Decimal text ("101.00"), a stock state as the reply says it


def money(text: str) -> str:
    return str(Decimal(text.replace(",", "")).quantize(Decimal("0.01")))


def product_facts(reply: str) -> list[Fact] | None:
    """The facts a reply states about the product: none when it names no price or stock state (the
    sizes it comes in), None when it states some in a form we do not read (counted as unparsed, so a
    change of the reply's wording does not pass for zero stale facts)."""
    if PRODUCT_NAME not in reply:
        return []
    found = _FACTS.search(reply)
    if found is None:
        states = any(state in reply.lower() for state in STOCK_STATES)
        return None if _ANY_PRICE.search(reply) or states else []
    facts = [Fact("current price", money(found[1]))]
    if found[2]:
        facts.append(Fact("regular price", money(found[2])))
    facts.append(Fact("stock", found[3]))
    return facts


@dataclass
class Change:
    """One value of one fact, in effect from some moment in [sent, applied] until the next change."""

    kind: str
    value: str
    sent: float  # time.monotonic() when the change was sent (-inf: the value before the run's changes)
    applied: float  # time.monotonic() when the store answered it
    wall: float  # time.time() when the store answered it


@dataclass
class Timeline:
    """Every value each fact of the product had during the run, in order."""

    changes: dict[str, list[Change]] = field(default_factory=dict)

    def record(self, kind: str, value: str, sent: float, applied: float, wall: float) -> None:
        entries = self.changes.setdefault(kind, [])
        if entries and entries[-1].value == value:
            return  # unchanged: the value in effect goes on
        entries.append(Change(kind, value, sent, applied, wall))

    def value_at(self, kind: str, moment: float) -> str | None:
        """The value surely in effect at ``moment`` (its change answered by then), if any."""
        found = None
        for entry in self.changes.get(kind, []):
            if entry.applied <= moment:
                found = entry.value
        return found

    def held(self, kind: str, value: str, start: float, end: float) -> bool:
        """Whether ``value`` may have been the store's at some moment of [start, end]."""
        entries = self.changes.get(kind, [])
        for number, entry in enumerate(entries):
            if entry.value != value:
                continue
            until = entries[number + 1].applied if number + 1 < len(entries) else float("inf")
            if entry.sent <= end and until >= start:
                return True
        return False

    def as_dict(self) -> dict[str, list[dict[str, Any]]]:
        return {
            kind: [
                {"value": c.value, "sent": round(c.sent, 3), "applied": round(c.applied, 3), "wall": c.wall}
                for c in entries
            ]
            for kind, entries in self.changes.items()
        }


@dataclass(frozen=True)
class Answer:
    """One turn as the client saw it: when it was sent, when its answer came, the replies."""

    text: str
    sent: float  # time.monotonic()
    received: float
    replies: Sequence[str]


@dataclass
class FactCheck:
    """The facts of one phase's replies judged against the timeline."""

    replies: int = 0  # replies naming the product
    unparsed: int = 0  # of those, replies whose facts could not be read
    checked: int = 0
    stale: int = 0
    not_current: int = 0
    examples: list[str] = field(default_factory=list)

    def summary(self) -> dict[str, Any]:
        return {
            "replies": self.replies,
            "unparsed": self.unparsed,
            "checked": self.checked,
            "stale": self.stale,
            "not_current": self.not_current,
            "examples": self.examples[:5],
        }


def asks_about_the_product(text: str) -> bool:
    return PRODUCT_NAME.lower() in text.lower()


def check_reply(check: FactCheck, timeline: Timeline, answer: Answer, reply: str, window: float) -> None:
    """Judge the facts of one reply. A reply to a product question that names the product must state
    them in the form we read (else it is counted unparsed); any other reply (an order's line items, a
    list of sales) is judged only when it states them in that form."""
    facts = product_facts(reply)
    if facts == [] or (facts is None and not asks_about_the_product(answer.text)):
        return
    check.replies += 1
    if facts is None:
        check.unparsed += 1
        check.examples.append(f"unparsed: {reply[:120]}")
        return
    for fact in facts:
        check.checked += 1
        if fact.kind not in timeline.changes:
            continue  # a fact the changer does not know (nothing to judge it by)
        if not timeline.held(fact.kind, fact.value, answer.sent - window, answer.received):
            check.stale += 1
            known = timeline.value_at(fact.kind, answer.sent)
            check.examples.append(f"stale {fact.kind} {fact.value} (store: {known}): {answer.text}")
        elif not timeline.held(fact.kind, fact.value, answer.sent, answer.received):
            check.not_current += 1
            if len(check.examples) < 5:
                known = timeline.value_at(fact.kind, answer.sent)
                check.examples.append(f"not current {fact.kind} {fact.value} (store: {known})")


def check_answers(answers: Sequence[Answer], timeline: Timeline, window: float) -> FactCheck:
    check = FactCheck()
    for answer in answers:
        for reply in answer.replies:
            check_reply(check, timeline, answer, reply, window)
    return check


def stock_state(levels: dict[int, int], disabled: set[int]) -> str:
    """The product's overall stock as agent/tools/products.py ``_stock`` says it (tracked by variant)."""
    states = [
        "in stock" if variant not in disabled and level > 0 else "out of stock"
        for variant, level in levels.items()
    ]
    if all(s == "in stock" for s in states):
        return "in stock"
    return "some options out of stock" if "in stock" in states else "out of stock"


class Changer:
    """Changes the product's price, sale price and one variant's stock every ``every`` seconds through
    the sandbox's admin routes, recording each value in ``timeline``.

    The admin routes are outside ``/stores/``: the sandbox's quota does not count them (as a merchant's
    edits in the control panel do not count against the store's API quota); ``requests`` counts them, and
    ``api_requests`` the one read of the product's variants through the API at the start."""

    def __init__(self, base_url: str, store_hash: str, token: str, every: float) -> None:
        self.base_url = base_url
        self.store_hash = store_hash
        self.token = token
        self.every = every
        self.timeline = Timeline()
        self.requests = 0
        self.api_requests = 0
        self.ticks = 0
        self.levels: dict[int, int] = {}
        self.disabled: set[int] = set()
        self.variant_id = 0
        self._task: asyncio.Task[None] | None = None
        self._stopping = asyncio.Event()

    async def read_initial(self) -> None:
        """The product's price, sale price and variants' stock before any change (one API request)."""
        url = f"{self.base_url}/stores/{self.store_hash}/v3/catalog/products/{PRODUCT_ID}"
        sent = time.monotonic()
        async with httpx.AsyncClient(timeout=30) as client:
            response = await client.get(
                url, params={"include": "variants"}, headers={"X-Auth-Token": self.token}
            )
        self.api_requests += 1
        response.raise_for_status()
        product = response.json()["data"]
        self.levels = {v["id"]: int(v["inventory_level"] or 0) for v in product["variants"]}
        self.disabled = {v["id"] for v in product["variants"] if v.get("purchasing_disabled")}
        self.variant_id = product["variants"][-1]["id"]  # the last one: 16oz Blue, sold out in the demo
        self._record_product(product, float("-inf"), sent)

    def _record_product(self, product: dict[str, Any], sent: float, applied: float) -> None:
        wall = time.time()
        price = Decimal(str(product["price"]))
        sale = Decimal(str(product.get("sale_price") or 0))
        current = sale if sale > 0 else price  # the sandbox's calculated_price
        self.timeline.record("current price", money(str(current)), sent, applied, wall)
        self.timeline.record("regular price", money(str(price)), sent, applied, wall)
        self.timeline.record("stock", stock_state(self.levels, self.disabled), sent, applied, wall)

    def next_values(self) -> tuple[dict[str, float], int]:
        """Tick k's product fields and variant level: distinct prices (100 + k, on sale for 10.50 less
        on even ticks: a sale's xx.50 never meets a price's xx.00), the variant sold out on odd ticks
        and back in stock on even ones."""
        k = self.ticks
        price = 100.0 + k
        fields = {"price": price, "sale_price": price - 10.5 if k % 2 == 0 else 0.0}
        return fields, (0 if k % 2 else 3 + k % 7)

    async def change_once(self, client: httpx.AsyncClient) -> None:
        fields, level = self.next_values()
        self.ticks += 1
        admin = f"/__sandbox__/stores/{self.store_hash}/products/{PRODUCT_ID}"
        sent = time.monotonic()
        product = await client.patch(admin, json=fields)
        applied = time.monotonic()
        self.requests += 1
        product.raise_for_status()
        self._record_product(product.json(), sent, applied)
        sent = time.monotonic()
        variant = await client.patch(f"{admin}/variants/{self.variant_id}", json={"inventory_level": level})
        applied = time.monotonic()
        self.requests += 1
        variant.raise_for_status()
        self.levels[self.variant_id] = level
        state = stock_state(self.levels, self.disabled)
        self.timeline.record("stock", state, sent, applied, time.time())

    async def _run(self) -> None:
        async with httpx.AsyncClient(base_url=self.base_url, timeout=30) as client:
            while not self._stopping.is_set():
                await self.change_once(client)
                with contextlib.suppress(TimeoutError):
                    await asyncio.wait_for(self._stopping.wait(), self.every)

    def start(self) -> None:
        """Change at once, then every ``every`` seconds until :meth:`stop`."""
        self._stopping.clear()
        self._task = asyncio.create_task(self._run())

    async def stop(self) -> None:
        """After the change in flight, if any, so that every change made is in the timeline."""
        if self._task is None:
            return
        self._stopping.set()
        await self._task
        self._task = None
