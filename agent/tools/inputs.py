"""Normalising what shoppers type: order numbers, emails and codes. Absurd input is refused, never
passed on to the store."""

from __future__ import annotations

import re

MAX_ORDER_ID = 2_147_483_647
_ORDER = re.compile(r"^\s*(?:order\s*)?(?:no\.?|number|num|#)?\s*#?\s*(\d{1,10})\s*$", re.IGNORECASE)
_EMAIL = re.compile(r"^[^@\s]{1,64}@[^@\s]{1,255}\.[^@\s.]{2,63}$")
_CODE = re.compile(r"^[A-Za-z0-9 _\-]{1,50}$")


def order_number(value: object) -> int | None:
    """12345 from 12345, "12345", "#12345", "order #12345", " no. 12345 "; None for anything else."""
    if isinstance(value, bool):
        return None
    if isinstance(value, int):
        number = value
    elif isinstance(value, str) and len(value) <= 40:
        match = _ORDER.match(value)
        if match is None:
            return None
        number = int(match.group(1))
    else:
        return None
    return number if 0 < number <= MAX_ORDER_ID else None


def email_address(value: object) -> str | None:
    """An email, trimmed and lower-cased; None when it is not one."""
    if not isinstance(value, str) or len(value) > 320:
        return None
    text = value.strip().strip("<>").strip().lower()
    return text if _EMAIL.match(text) else None


def code(value: object) -> str | None:
    """A coupon or gift code, trimmed; None when it cannot be one (BigCommerce allows letters, digits,
    space, ``_`` and ``-``, up to 50 characters)."""
    if not isinstance(value, str):
        return None
    text = value.strip().strip("\"'`").strip()
    return text if _CODE.match(text) else None


def mask_email(email: str) -> str:
    """j***@example.com: enough for a shopper to recognise, not enough to leak."""
    local, _, domain = email.partition("@")
    return f"{local[:1]}***@{domain}"
