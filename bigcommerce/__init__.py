"""Typed async client for the BigCommerce REST API (v2 and v3).

    async with AsyncBigCommerce("abc1d2ef", token) as client:
        store = await client.store.get()
        async for product in client.products.iter(include=["variants"], is_visible=True):
            ...

Errors are subclasses of :class:`BigCommerceError`; store-hash input goes through
:func:`parse_store_hash`. This package imports nothing from the rest of the project.
"""

from __future__ import annotations

import importlib
from typing import TYPE_CHECKING, Any

if TYPE_CHECKING:
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

_EXPORTS = {
    "DEFAULT_BASE_URL": "._client",
    "AsyncBigCommerce": "._client",
    "Priority": "._limits",
    "RateLimitSnapshot": "._limits",
    "ClientStats": "._transport",
    "RetryPolicy": "._transport",
    "APIConnectionError": ".errors",
    "APIResponseValidationError": ".errors",
    "APIStatusError": ".errors",
    "APITimeoutError": ".errors",
    "AuthenticationError": ".errors",
    "BadRequestError": ".errors",
    "BigCommerceError": ".errors",
    "ConflictError": ".errors",
    "InternalServerError": ".errors",
    "NotFoundError": ".errors",
    "PayloadTooLargeError": ".errors",
    "PermissionDeniedError": ".errors",
    "RateLimitError": ".errors",
    "UnprocessableEntityError": ".errors",
    "AsyncPaginator": ".pagination",
    "Page": ".pagination",
    "accepted_scopes": ".scopes",
    "required_scope": ".scopes",
    "InvalidStoreHashError": ".storehash",
    "parse_store_hash": ".storehash",
}


def __getattr__(name: str) -> Any:
    """Load a submodule on first use of one of its names, so importing the package (or one
    light submodule of it) costs nothing else."""
    module = _EXPORTS.get(name)
    if module is None:
        raise AttributeError(f"module {__name__!r} has no attribute {name!r}")
    value = getattr(importlib.import_module(module, __name__), name)
    globals()[name] = value
    return value


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
