"""``AsyncBigCommerce``: the async client for one store, an async context manager around one
``httpx.AsyncClient``, with resources as attributes (``client.orders.get(5)``)."""

from __future__ import annotations

import asyncio
import hmac
import random
import time
from collections.abc import Awaitable, Callable, Mapping
from types import TracebackType
from typing import Any

import httpx

from ._limits import ConcurrencyLimiter, Priority, RateLimitSnapshot, RateLimitTracker
from ._transport import ClientStats, Requester, RetryPolicy, SharedState
from .resources import (
    Categories,
    Coupons,
    CustomerGroups,
    Customers,
    GiftCertificates,
    Hooks,
    Orders,
    OrderStatuses,
    Pages,
    PaymentMethods,
    Products,
    Promotions,
    Refunds,
    ShippingZones,
    StoreResource,
)
from .storehash import parse_store_hash

__all__ = ["DEFAULT_BASE_URL", "DEFAULT_TIMEOUT", "USER_AGENT", "AsyncBigCommerce"]

__version__ = "0.1.0"
DEFAULT_BASE_URL = "https://api.bigcommerce.com"
DEFAULT_TIMEOUT = httpx.Timeout(15.0, connect=5.0)
USER_AGENT = f"bcagent/{__version__} (python-httpx/{httpx.__version__})"


async def _asyncio_sleep(seconds: float) -> None:
    await asyncio.sleep(seconds)


def _check_token(token: object) -> str:
    if not isinstance(token, str):
        raise TypeError("access_token must be a string")
    token = token.strip()
    if not token or any(ch.isspace() or not ch.isprintable() for ch in token):
        raise ValueError("access_token must be a non-empty string without spaces or control characters")
    return token


class AsyncBigCommerce:
    """Async client for one BigCommerce store (v2 and v3 REST APIs).

    ``store_hash`` may also be a pasted API or control-panel URL (see :func:`parse_store_hash`).
    ``base_url`` points at the API gateway (the local sandbox in development). Flow control is shared
    by every request of the client and of its :meth:`with_options` views: at most ``max_concurrency``
    requests in flight, of which at most ``bulk_concurrency`` (default half) may be bulk; when the
    store's ``X-Rate-Limit-Requests-Left`` falls to ``throttle_threshold`` (bulk: plus
    ``bulk_reserve``) the next request waits for the window to refill. ``sleep``, ``clock`` and
    ``rand`` are injectable for tests; ``transport`` is an httpx transport (e.g. ``MockTransport``).
    """

    store: StoreResource
    orders: Orders
    order_statuses: OrderStatuses
    products: Products
    categories: Categories
    customers: Customers
    customer_groups: CustomerGroups
    gift_certificates: GiftCertificates
    coupons: Coupons
    promotions: Promotions
    hooks: Hooks
    pages: Pages
    shipping_zones: ShippingZones
    payment_methods: PaymentMethods
    refunds: Refunds

    def __init__(
        self,
        store_hash: str,
        access_token: str,
        *,
        base_url: str = DEFAULT_BASE_URL,
        timeout: httpx.Timeout | float = DEFAULT_TIMEOUT,
        max_retries: int = 3,
        max_concurrency: int = 8,
        bulk_concurrency: int | None = None,
        throttle_threshold: int = 2,
        bulk_reserve: int = 10,
        max_rate_limit_wait: float = 30.0,
        priority: Priority = "interactive",
        user_agent: str = USER_AGENT,
        transport: httpx.AsyncBaseTransport | None = None,
        sleep: Callable[[float], Awaitable[None]] = _asyncio_sleep,
        clock: Callable[[], float] = time.monotonic,
        rand: Callable[[], float] = random.random,
    ) -> None:
        if max_retries < 0:
            raise ValueError("max_retries must be 0 or more")
        if priority not in ("interactive", "bulk"):
            raise ValueError("priority must be 'interactive' or 'bulk'")
        self.store_hash = parse_store_hash(store_hash)
        token = _check_token(access_token)
        self.base_url = base_url.rstrip("/")
        limiter = ConcurrencyLimiter(
            max_concurrency,
            bulk_concurrency if bulk_concurrency is not None else max(1, max_concurrency // 2),
        )
        http = httpx.AsyncClient(
            base_url=f"{self.base_url}/stores/{self.store_hash}",
            headers={"X-Auth-Token": token, "Accept": "application/json", "User-Agent": user_agent},
            timeout=timeout,
            transport=transport,
            limits=httpx.Limits(max_connections=max_concurrency, max_keepalive_connections=max_concurrency),
            follow_redirects=False,
        )
        shared = SharedState(
            http=http,
            limiter=limiter,
            tracker=RateLimitTracker(
                threshold=throttle_threshold,
                bulk_reserve=bulk_reserve,
                max_wait=max_rate_limit_wait,
                clock=clock,
            ),
            stats=ClientStats(),
            sleep=sleep,
            rand=rand,
            token=SharedState.secret(token),
        )
        retry = RetryPolicy(max_retries=max_retries, max_rate_limit_wait=max_rate_limit_wait)
        self._bind(Requester(shared, priority=priority, retry=retry), owns_http=True)

    def _bind(self, requester: Requester, *, owns_http: bool) -> None:
        self._requester = requester
        self._owns_http = owns_http
        self.store = StoreResource(requester)
        self.orders = Orders(requester)
        self.order_statuses = OrderStatuses(requester)
        self.products = Products(requester)
        self.categories = Categories(requester)
        self.customers = Customers(requester)
        self.customer_groups = CustomerGroups(requester)
        self.gift_certificates = GiftCertificates(requester)
        self.coupons = Coupons(requester)
        self.promotions = Promotions(requester)
        self.hooks = Hooks(requester)
        self.pages = Pages(requester)
        self.shipping_zones = ShippingZones(requester)
        self.payment_methods = PaymentMethods(requester)
        self.refunds = Refunds(requester)

    def with_options(
        self,
        *,
        priority: Priority | None = None,
        max_retries: int | None = None,
        timeout: httpx.Timeout | float | None = None,
    ) -> AsyncBigCommerce:
        """A view of this client with other options, sharing its connections, limits and stats.

        ``client.with_options(priority="bulk")`` is what a catalog crawl should use. Closing a view
        does nothing; close the client it came from.
        """
        view = object.__new__(AsyncBigCommerce)
        view.store_hash = self.store_hash
        view.base_url = self.base_url
        view._bind(
            self._requester.with_options(priority=priority, max_retries=max_retries, timeout=timeout),
            owns_http=False,
        )
        return view

    def replace_token(self, access_token: str) -> bool:
        """Send ``access_token`` from now on, from this client and every view of it (the merchant
        replaced the API account's token); False when it is the token in use already."""
        token = _check_token(access_token)
        shared = self._requester.shared
        if hmac.compare_digest(token.encode(), shared.token.value.encode()):
            return False
        shared.http.headers["X-Auth-Token"] = token
        shared.token = SharedState.secret(token)
        return True

    @property
    def priority(self) -> Priority:
        return self._requester.priority

    @property
    def max_retries(self) -> int:
        return self._requester.retry.max_retries

    @property
    def stats(self) -> ClientStats:
        """Request counters shared by the client and its views."""
        return self._requester.shared.stats

    @property
    def rate_limit(self) -> RateLimitSnapshot:
        """The rate-limit headers of the most recent response that carried them."""
        return self._requester.shared.tracker.last

    @property
    def is_closed(self) -> bool:
        return self._requester.shared.http.is_closed

    async def request(
        self, method: str, path: str, *, params: Mapping[str, str] | None = None, json: Any = None
    ) -> httpx.Response:
        """Send a raw request to ``path`` (``/v2/...`` or ``/v3/...``) through the retry loop."""
        if not path.startswith(("/v2/", "/v3/")):
            raise ValueError("path must start with /v2/ or /v3/")
        return await self._requester.request(method, path, params=params, json=json)

    async def aclose(self) -> None:
        """Close the connection pool (only the client that created it closes it)."""
        if self._owns_http:
            await self._requester.shared.http.aclose()

    async def __aenter__(self) -> AsyncBigCommerce:
        return self

    async def __aexit__(
        self,
        exc_type: type[BaseException] | None,
        exc: BaseException | None,
        traceback: TracebackType | None,
    ) -> None:
        await self.aclose()

    def __repr__(self) -> str:
        return (
            f"AsyncBigCommerce(store_hash={self.store_hash!r}, base_url={self.base_url!r}, "
            f"priority={self.priority!r})"
        )
