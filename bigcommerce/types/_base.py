"""Base classes and lenient field types shared by every BigCommerce model.

Response models derive from :class:`BCModel`: unknown fields are kept (``extra="allow"``), every field
is optional, and a known field whose value has an unexpected type falls back to its default instead of
failing the whole object (BigCommerce's payloads vary between stores, versions and API generations).
Request models derive from :class:`RequestModel`, which is strict: unknown fields are an error, so a
typo never silently becomes a no-op write.
"""

from __future__ import annotations

import logging
from datetime import UTC, datetime
from decimal import Decimal, InvalidOperation
from email.utils import parsedate_to_datetime
from typing import Annotated, Any

from pydantic import BaseModel, BeforeValidator, ConfigDict, ValidationError, model_validator
from pydantic_core.core_schema import ValidatorFunctionWrapHandler

__all__ = ["BCModel", "DateTime", "Money", "RequestModel", "UnixTime"]

logger = logging.getLogger("bigcommerce.types")


class BCModel(BaseModel):
    """A lenient response model: unknown fields kept, bad known fields dropped to their default."""

    model_config = ConfigDict(extra="allow", protected_namespaces=(), coerce_numbers_to_str=True)

    @model_validator(mode="wrap")
    @classmethod
    def _lenient(cls, data: Any, handler: ValidatorFunctionWrapHandler) -> Any:
        try:
            return handler(data)
        except ValidationError as exc:
            if not isinstance(data, dict):
                raise
            bad = {err["loc"][0] for err in exc.errors() if err["loc"]}
            if not bad:
                raise
            logger.debug("%s: ignoring unparseable fields %s", cls.__name__, sorted(map(str, bad)))
            return handler({key: value for key, value in data.items() if key not in bad})


class RequestModel(BaseModel):
    """A strict request body: unknown fields are rejected before anything is sent."""

    model_config = ConfigDict(extra="forbid", strict=True, frozen=True)


def _to_decimal(value: Any) -> Decimal | None:
    """Parse a money value: v2 sends 4-decimal strings, v3 sends JSON numbers; blank means absent."""
    if value is None or isinstance(value, bool):
        return None
    if isinstance(value, Decimal):
        result = value
    elif isinstance(value, int):
        result = Decimal(value)
    elif isinstance(value, float | str):
        text = str(value).strip()
        if not text:
            return None
        try:
            result = Decimal(text)
        except InvalidOperation:
            return None
    else:
        return None
    return result if result.is_finite() else None


def _to_datetime(value: Any) -> datetime | None:
    """Parse an ISO-8601 (v3) or RFC-2822 (v2) timestamp; blank or unparseable means absent."""
    if isinstance(value, datetime):
        return value
    if not isinstance(value, str) or not value.strip():
        return None
    text = value.strip()
    try:
        return datetime.fromisoformat(text)
    except ValueError:
        pass
    try:
        return parsedate_to_datetime(text)
    except (TypeError, ValueError, IndexError):
        return None


def _from_unix(value: Any) -> datetime | None:
    """Parse a unix timestamp sent as a number or digit string; ``0`` and blank mean "none"."""
    if isinstance(value, datetime):
        return value
    if isinstance(value, bool):
        return None
    if isinstance(value, str):
        value = value.strip()
        if not value.isdigit():
            return _to_datetime(value)
        value = int(value)
    if isinstance(value, int | float) and value > 0:
        try:
            return datetime.fromtimestamp(value, tz=UTC)
        except (OverflowError, OSError, ValueError):
            return None
    return None


Money = Annotated[Decimal | None, BeforeValidator(_to_decimal)]
"""A money amount as :class:`~decimal.Decimal` (from a v2 string or a v3 number), or None."""

DateTime = Annotated[datetime | None, BeforeValidator(_to_datetime)]
"""A timestamp from an ISO-8601 or RFC-2822 string; ``""`` (e.g. v2 ``date_shipped``) becomes None."""

UnixTime = Annotated[datetime | None, BeforeValidator(_from_unix)]
"""A timestamp sent as unix seconds (v2 gift certificates); ``"0"`` becomes None."""
