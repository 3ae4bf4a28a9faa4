"""Typed async client for the BigCommerce REST API (v2 and v3).

    async with AsyncBigCommerce("abc1d2ef", token) as client:
        store = await client.store.get()
        async for product in client.products.iter(include=["variants"], is_visible=True):
            ...

Errors are subclasses of :class:`BigCommerceError`; store-hash input goes through
:func:`parse_store_hash`. This package imports nothing from the rest of the project.
"""

from ._client import DEFAULT_BASE_URL, AsyncBigCommerce
from ._limits import Priority, RateLimitSnapshot
from ._transport import ClientStats, RetryPolicy
from .errors import (
    APIConnectionError,
    APIResponseValidationError,
    APIStatusError,
    APITimeoutError,
    AuthenticationError,
    BadRequestError,
    BigCommerceError,
    ConflictError,
    InternalServerError,
    NotFoundError,
    PayloadTooLargeError,
    PermissionDeniedError,
    RateLimitError,
    UnprocessableEntityError,
)
from .pagination import AsyncPaginator, Page
from .scopes import accepted_scopes, required_scope
from .storehash import InvalidStoreHashError, parse_store_hash

__all__ = [
    "DEFAULT_BASE_URL",
    "APIConnectionError",
    "APIResponseValidationError",
    "APIStatusError",
    "APITimeoutError",
    "AsyncBigCommerce",
    "AsyncPaginator",
    "AuthenticationError",
    "BadRequestError",
    "BigCommerceError",
    "ClientStats",
    "ConflictError",
    "InternalServerError",
    "InvalidStoreHashError",
    "NotFoundError",
    "Page",
    "PayloadTooLargeError",
    "PermissionDeniedError",
    "Priority",
    "RateLimitError",
    "RateLimitSnapshot",
    "RetryPolicy",
    "UnprocessableEntityError",
    "accepted_scopes",
    "parse_store_hash",
    "required_scope",
]
