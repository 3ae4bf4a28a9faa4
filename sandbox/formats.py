"""Wire formats of the BigCommerce API: v2 and v3 value types, envelopes, errors and pagination.

v2 answers bare JSON arrays, money as 4-decimal strings, RFC-2822 dates and errors as
``[{"status", "message"}]``; v3 answers ``{"data", "meta"}``, numbers, ISO-8601 dates and errors as
``{"status", "title", "type", "errors"}``, except where an API's own spec documents another error body:
promotions answer ``{"errors": [{"status", "title"}]}``, category trees answer a 422 as
``{"errors": {"status", "title", "type", "errors"}}`` and content pages answer a 422 with ``errors`` a list of
the bad values.
"""

from __future__ import annotations

import json
from datetime import UTC, datetime
from decimal import ROUND_HALF_UP, Decimal, InvalidOperation
from email.utils import format_datetime, parsedate_to_datetime
from typing import Any, Literal

from starlette.responses import Response

ApiVersion = Literal["v2", "v3"]
ErrorStyle = Literal["v2", "v3", "v3-list", "v3-nested", "v3-itemized"]

STATUS_CODES_URL = "https://developer.bigcommerce.com/api-docs/getting-started/api-status-codes"
SCOPE_MESSAGE = "You don't have a required scope to access the endpoint"

V2_MESSAGES = {
    400: "The request was malformed or a field is invalid.",
    404: "The requested resource was not found.",
    405: "The requested method is not supported by this resource.",
    413: "The request exceeds the maximum number of items.",
    415: "The Content-Type header is missing or not supported.",
    500: "An internal server error occurred.",
    503: "The store is temporarily unavailable.",
}


class SandboxError(Exception):
    """An expected API error, rendered in the wire format of the API version that raised it."""

    def __init__(
        self, status: int, message: str, version: ApiVersion = "v3", errors: dict[str, str] | None = None
    ) -> None:
        super().__init__(message)
        self.status = status
        self.message = message
        self.version = version
        self.errors = errors or {}


def money_v2(value: Any) -> str:
    """Format an amount as v2 does: a string with exactly 4 decimals."""
    try:
        amount = Decimal(str(value))
    except InvalidOperation as exc:
        raise ValueError(f"not an amount: {value!r}") from exc
    return str(amount.quantize(Decimal("0.0001"), rounding=ROUND_HALF_UP))


def rfc2822(moment: datetime) -> str:
    """A v2 date: ``Tue, 05 Mar 2019 21:40:11 +0000``."""
    return format_datetime(moment.astimezone(UTC).replace(microsecond=0))


def iso8601(moment: datetime) -> str:
    """A v3 date: ``2019-03-05T21:40:11+00:00``."""
    return moment.astimezone(UTC).replace(microsecond=0).isoformat()


def now_utc() -> datetime:
    return datetime.now(UTC)


def parse_v2_date(text: str) -> datetime:
    return parsedate_to_datetime(text)


def parse_any_date(text: str) -> datetime:
    """Parse a date given as a query value: ISO-8601 (date or date-time), RFC-2822 or a unix timestamp."""
    value = text.strip()
    if value.isdigit():
        return datetime.fromtimestamp(int(value), UTC)
    try:
        moment = datetime.fromisoformat(value.replace("Z", "+00:00"))
    except ValueError:
        try:
            moment = parsedate_to_datetime(value)
        except (TypeError, ValueError) as exc:
            raise ValueError(f"not a date: {text!r}") from exc
    if moment.tzinfo is None:
        moment = moment.replace(tzinfo=UTC)
    return moment


def json_response(body: Any, status: int = 200, headers: dict[str, str] | None = None) -> Response:
    payload = json.dumps(body, separators=(",", ":"), ensure_ascii=False).encode()
    return Response(payload, status_code=status, media_type="application/json", headers=headers)


def no_content() -> Response:
    """204 with an empty body: how v2 answers an empty list."""
    return Response(b"", status_code=204)


def error_body(status: int, message: str, style: ErrorStyle, errors: dict[str, str] | None = None) -> Any:
    """An error in one of BigCommerce's error bodies (``style``: the API version, or a variant of v3)."""
    if style == "v2":
        return [{"status": status, "message": message}]
    if style == "v3-list":
        return {"errors": [{"status": status, "title": message}]}
    if style == "v3-itemized":
        return {
            "status": status,
            "title": message,
            "type": STATUS_CODES_URL,
            "errors": list((errors or {}).values()),
        }
    envelope = {"status": status, "title": message, "type": STATUS_CODES_URL, "errors": errors or {}}
    return {"errors": envelope} if style == "v3-nested" else envelope


def error_style(path: str, error: SandboxError) -> ErrorStyle:
    """The error body an API route answers with: promotions.v3.yml, category-trees_catalog.v3.yml and
    pages.v3.yml (422) document their own; every other route uses its version's."""
    rest = path.partition("/v3/")[2]
    if error.version == "v3" and rest.startswith("promotions"):
        return "v3-list"
    if error.version == "v3" and rest.startswith("catalog/trees") and error.status == 422:
        return "v3-nested"
    if error.version == "v3" and rest.startswith("content/pages") and error.status == 422:
        return "v3-itemized"
    return error.version


def error_response(error: SandboxError, path: str = "") -> Response:
    body = error_body(error.status, error.message, error_style(path, error), error.errors)
    return json_response(body, error.status)


def v3_list(items: list[Any], total: int, page: int, limit: int) -> dict[str, Any]:
    """The v3 list envelope with ``meta.pagination`` as the spec shows it."""
    total_pages = max(1, -(-total // limit)) if total else 0
    links: dict[str, str] = {"current": f"?page={page}&limit={limit}"}
    if page > 1:
        links["previous"] = f"?page={page - 1}&limit={limit}"
    if page < total_pages:
        links["next"] = f"?page={page + 1}&limit={limit}"
    pagination = {
        "total": total,
        "count": len(items),
        "per_page": limit,
        "current_page": page,
        "total_pages": total_pages,
        "links": links,
    }
    return {"data": items, "meta": {"pagination": pagination}}


def v3_object(item: Any) -> dict[str, Any]:
    return {"data": item, "meta": {}}
