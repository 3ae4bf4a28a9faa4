"""Encode query parameters the way BigCommerce expects them.

Lists become CSV (``id:in=1,2,3``), booleans ``true``/``false``, dates ISO-8601, and None values are
dropped. Resource methods take filters as keywords and/or a ``filters`` mapping; in either, a double
underscore spells an operator, so ``date_modified__min=...`` is sent as ``date_modified:min=...``.
"""

from __future__ import annotations

from collections.abc import Iterable, Mapping
from datetime import date, datetime
from decimal import Decimal
from typing import TypeAlias

__all__ = ["FilterValue", "encode_params"]

Scalar: TypeAlias = str | int | float | bool | Decimal | date | datetime
FilterValue: TypeAlias = Scalar | Iterable[Scalar] | None


def _encode_scalar(value: object) -> str:
    if isinstance(value, bool):
        return "true" if value else "false"
    if isinstance(value, date | datetime):
        return value.isoformat()
    if isinstance(value, str | int | float | Decimal):
        return str(value)
    raise TypeError(f"cannot send a {type(value).__name__} as a query parameter")


def _encode(value: object) -> str:
    if isinstance(value, Iterable) and not isinstance(value, str | bytes):
        return ",".join(_encode_scalar(item) for item in value)
    return _encode_scalar(value)


def encode_params(params: Mapping[str, object]) -> dict[str, str]:
    """Turn keyword filters into query parameters (see the module docstring)."""
    encoded: dict[str, str] = {}
    for key, value in params.items():
        if value is None:
            continue
        encoded[key.replace("__", ":")] = _encode(value)
    return encoded
