"""Signed-in shoppers: BigCommerce's Current Customer JWT (bigcommerce-api.md section 16), verified.

The storefront hands the browser a JWT, HS256-signed with the client secret of the store's app API
account. Anyone can read its payload, so nothing in it counts until the signature checks out. The checks:
algorithm pinned to HS256 (``none`` and every other algorithm refused), signature, ``exp`` (with a small
leeway), ``operation == "current_customer"``, ``store_hash`` equal to the conversation's store and
``customer.id`` a positive integer. Any failure means an anonymous shopper and one log line naming the
reason; the token itself is never logged.
"""

from __future__ import annotations

import logging
from dataclasses import dataclass
from typing import Any

import jwt

from bigcommerce import AsyncBigCommerce, BigCommerceError

from ..store.connections import StorefrontApp

log = logging.getLogger(__name__)

MAX_TOKEN_CHARS = 4096


@dataclass(frozen=True)
class Shopper:
    """Who the token proves the shopper to be. ``email`` is empty when the token carries none."""

    customer_id: int
    email: str
    group_id: int | None


class TokenRefused(Exception):
    """Why a token does not count (a reason for the log, never shown to the shopper)."""


MAX_ID = 2_147_483_647  # BigCommerce ids are 32-bit


def _group(value: Any) -> int | None:
    if isinstance(value, bool):
        return None
    if isinstance(value, int):
        return value if 0 <= value <= MAX_ID else None
    if isinstance(value, str) and value.strip().isdigit() and int(value) <= MAX_ID:
        return int(value)
    return None


def verify(token: str, store_hash: str, app: StorefrontApp, leeway_seconds: int = 30) -> Shopper:
    """The shopper a token proves, or ``TokenRefused`` with the reason."""
    if not token or len(token) > MAX_TOKEN_CHARS:
        raise TokenRefused("empty or oversized token")
    try:
        header = jwt.get_unverified_header(token)
    except jwt.PyJWTError:
        raise TokenRefused("not a JWT") from None
    if header.get("alg") != "HS256":
        raise TokenRefused(f"algorithm {str(header.get('alg'))[:20]!r} is not HS256")
    try:
        claims = jwt.decode(
            token,
            app.client_secret.reveal(),
            algorithms=["HS256"],
            leeway=leeway_seconds,
            options={"require": ["exp"], "verify_aud": False},
        )
    except jwt.ExpiredSignatureError:
        raise TokenRefused("expired") from None
    except jwt.InvalidSignatureError:
        raise TokenRefused("bad signature (another app's secret, or forged)") from None
    except jwt.PyJWTError as exc:
        raise TokenRefused(f"invalid token ({type(exc).__name__})") from None
    if claims.get("operation") != "current_customer":
        raise TokenRefused("operation is not current_customer")
    if claims.get("store_hash") != store_hash:
        raise TokenRefused("issued for another store")
    customer = claims.get("customer")
    if not isinstance(customer, dict):
        raise TokenRefused("no customer claim")
    customer_id = customer.get("id")
    if isinstance(customer_id, bool) or not isinstance(customer_id, int) or not 0 < customer_id <= MAX_ID:
        raise TokenRefused("customer id is not a positive integer (of 32 bits)")
    email = customer.get("email")
    return Shopper(
        customer_id=customer_id,
        email=email.strip() if isinstance(email, str) else "",
        group_id=_group(customer.get("group_id")),
    )


def shopper_from(
    token: str | None, store_hash: str, app: StorefrontApp | None, leeway: int
) -> Shopper | None:
    """The verified shopper, or None (no token, no app configured, or a refused token: logged)."""
    if not token:
        return None
    if app is None:
        log.warning(
            "store %s: a customer token was sent but no storefront app is set; shopper is anonymous",
            store_hash,
        )
        return None
    try:
        return verify(token, store_hash, app, leeway)
    except TokenRefused as refused:
        log.warning("store %s: customer token refused (%s); shopper is anonymous", store_hash, refused)
        return None


async def identity(shopper: Shopper | None, client: AsyncBigCommerce) -> dict[str, Any]:
    """The turn's ``verified_customer``: ``{id, email, group_id}``, or ``{}`` (anonymous: this turn carries
    no proven identity, so none from an earlier turn applies either). A token without an email gets it
    from a Customers lookup of the id; if that fails the shopper is anonymous."""
    if shopper is None:
        return {}
    email, group_id = shopper.email, shopper.group_id
    if not email:
        try:
            found = await client.customers.iter(filters={"id:in": [shopper.customer_id]}).collect(max_items=1)
        except BigCommerceError as exc:
            log.warning("customer %d: lookup failed (%s); shopper is anonymous", shopper.customer_id, exc)
            return {}
        if not found or not found[0].email:
            log.warning("customer %d: not found in the store; shopper is anonymous", shopper.customer_id)
            return {}
        email = found[0].email
        group_id = group_id if group_id is not None else found[0].customer_group_id
    return {"id": shopper.customer_id, "email": email, "group_id": group_id}
