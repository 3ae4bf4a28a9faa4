"""Connecting a store: validate the token, detect the store's details, probe every scope, save.

Nothing is saved unless every step succeeds, and every failure becomes one sentence saying what is
wrong and what to do (`ConnectionProblem`).
"""

from __future__ import annotations

import logging
from dataclasses import dataclass
from datetime import UTC, datetime

import httpx

from bigcommerce import (
    APIConnectionError,
    AsyncBigCommerce,
    AuthenticationError,
    BigCommerceError,
    InvalidStoreHashError,
    NotFoundError,
    PermissionDeniedError,
    RateLimitError,
    parse_store_hash,
)
from bigcommerce.money import MoneyFormat

from .capabilities import FAMILIES
from .connections import Connection, ConnectionProblem, ConnectionStore, Secret

log = logging.getLogger(__name__)

# One cheap read per scope family (GET), and for Orders a write that cannot change anything: an empty
# update of order 0, which does not exist. Modify scope -> 404; read-only -> 403.
READ_PROBES: dict[str, tuple[str, dict[str, str]]] = {
    "orders": ("/v2/orders", {"limit": "1"}),
    "transactions": ("/v3/orders/0/transactions", {}),
    "products": ("/v3/catalog/products", {"limit": "1", "include_fields": "id"}),
    "customers": ("/v2/customer_groups", {"limit": "1"}),
    "marketing": ("/v2/coupons", {"limit": "1"}),
    "content": ("/v3/content/pages", {"limit": "1"}),
    "payments": ("/v2/payments/methods", {"limit": "1"}),
}


@dataclass
class ConnectResult:
    connection: Connection
    replaced: bool


async def _allowed(client: AsyncBigCommerce, method: str, path: str, **kwargs: object) -> bool:
    """True when the token may call the endpoint (a 404 for a missing id still proves the scope)."""
    try:
        await client.request(method, path, **kwargs)  # type: ignore[arg-type]
    except NotFoundError:
        return True
    except PermissionDeniedError:
        return False
    return True


async def probe_scopes(client: AsyncBigCommerce, information: bool) -> dict[str, str]:
    scopes = {"information": "read" if information else "none"}
    for family, (path, params) in READ_PROBES.items():
        scopes[family] = "read" if await _allowed(client, "GET", path, params=params) else "none"
    if scopes["orders"] == "read" and await _allowed(client, "PUT", "/v2/orders/0", json={}):
        scopes["orders"] = "modify"
    return {family: scopes[family] for family in FAMILIES}


def _explain(exc: BigCommerceError, api_url: str, store_hash: str) -> ConnectionProblem:
    if isinstance(exc, AuthenticationError):
        return ConnectionProblem(
            f"Invalid access token: BigCommerce refused the token for store {store_hash} (401 Unauthorized). "
            "Use the access token of a store-level API account created for this store (not an account-level "
            "token); if it was revoked or its API account deleted, create a new one under Settings > API > "
            "API Accounts. Nothing was saved."
        )
    if isinstance(exc, APIConnectionError):
        return ConnectionProblem(
            f"Cannot reach {api_url}: check the network connection and --api-url, then try again."
        )
    if isinstance(exc, RateLimitError):
        return ConnectionProblem(
            "BigCommerce is rate-limiting this store right now (429): wait a minute and run connect again."
        )
    return ConnectionProblem(f"{exc} Nothing was saved.")


async def connect_store(
    store_input: str,
    token: Secret,
    api_url: str,
    connections: ConnectionStore,
    transport: httpx.AsyncBaseTransport | None = None,
) -> ConnectResult:
    """Validate, detect, probe and save a store connection; raise ConnectionProblem on any failure."""
    try:
        store_hash = parse_store_hash(store_input)
    except InvalidStoreHashError as exc:
        raise ConnectionProblem(str(exc)) from None
    if not token.reveal().strip():
        raise ConnectionProblem(
            "The access token is empty: paste the API account's access token with --token."
        )
    client = AsyncBigCommerce(
        store_hash, token.reveal().strip(), base_url=api_url, transport=transport, max_retries=2
    )
    try:
        async with client:
            connection = await _detect(client, store_hash, api_url)
    except BigCommerceError as exc:
        raise _explain(exc, api_url, store_hash) from None
    replaced = store_hash in connections.hashes()
    if replaced:
        previous = connections.load(store_hash)
        connection.disabled_tools = previous.disabled_tools
        connection.webhook_url, connection.webhook_ids = previous.webhook_url, previous.webhook_ids
        connection.webhooks_registered_at = previous.webhooks_registered_at
    connections.save(connection, Secret(token.reveal().strip()))
    log.info("connected store %s", store_hash)
    return ConnectResult(connection, replaced)


async def _detect(client: AsyncBigCommerce, store_hash: str, api_url: str) -> Connection:
    connection = Connection(
        store_hash=store_hash, api_url=api_url, connected_at=datetime.now(UTC).isoformat()
    )
    try:
        info = await client.store.get()
    except PermissionDeniedError as exc:
        information = False
        scopes = await probe_scopes(client, information=False)
        if all(level == "none" for level in scopes.values()):
            if "required scope" in (exc.api_message or ""):
                raise ConnectionProblem(
                    f"Access forbidden: the API account of store {store_hash} has none of the scopes this product "
                    "uses: edit its scopes under Settings > API > API Accounts (Information, Orders, "
                    "Products, Customers, Marketing, Order Transactions), or create a new API account."
                ) from None
            raise ConnectionProblem(
                f"Access forbidden: BigCommerce refused every request for store {store_hash} (403): check the store hash (it is "
                "the part after /stores/ in the API path), and that the API account has at least one scope."
            ) from None
    else:
        information = True
        connection.name = info.name or store_hash
        connection.secure_url = info.secure_url or ""
        connection.domain = info.domain or ""
        connection.timezone = info.timezone.name if info.timezone and info.timezone.name else "Etc/UTC"
        connection.money = MoneyFormat(
            currency=info.currency or "USD",
            symbol=info.currency_symbol or "$",
            symbol_location=info.currency_symbol_location or "left",
            decimal_places=2 if info.decimal_places is None else info.decimal_places,
            decimal_separator=info.decimal_separator or ".",
            thousands_separator=info.thousands_separator if info.thousands_separator is not None else ",",
        )
        scopes = await probe_scopes(client, information=True)
    if not information:
        connection.name = store_hash
    connection.scopes = scopes
    return connection
