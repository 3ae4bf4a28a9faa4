"""Contact details in merchant free text are shown only when they are the store's own.

A page body is text anyone with access to the control panel (or an app, or a compromised account) may
have written. A phone number, email address or link in it reaches the shopper only when it belongs to
the store: its published email and phone (``GET /v2/store``), or an address on the store's own domain.
Anything else is replaced by "[removed]" and counted, so a planted "call 555-0199 for refunds" never
reaches a shopper.
"""

from __future__ import annotations

import re
from dataclasses import dataclass
from urllib.parse import urlsplit

from bigcommerce.types.store import Store

REMOVED = "[removed]"
_EMAIL = re.compile(r"\b[\w.+-]+@([\w-]+(?:\.[\w-]+)+)\b")
_URL = re.compile(r"\b(?:https?://|www\.)[^\s<>()\"']+", re.IGNORECASE)
_PHONE = re.compile(r"(?<![\w$])\+?\(?\d[\d ().-]{6,}\d(?![\w%])")


def _digits(text: str) -> str:
    return re.sub(r"\D", "", text)


def _host(url: str) -> str:
    host = urlsplit(url if "://" in url else f"https://{url}").hostname or ""
    return host.lower().removeprefix("www.")


@dataclass(frozen=True)
class OwnFacts:
    """What the store publishes about itself: domains, email addresses and phone numbers."""

    domains: frozenset[str]
    emails: frozenset[str]
    phones: frozenset[str]  # digits only

    @classmethod
    def of(cls, store: Store | None, *urls: str) -> OwnFacts:
        domains = {_host(u) for u in urls if u}
        emails: set[str] = set()
        phones: set[str] = set()
        if store is not None:
            domains |= {_host(u) for u in (store.secure_url, store.domain) if u}
            emails |= {e.lower() for e in (store.order_email,) if e}
            if store.phone and len(_digits(store.phone)) >= 7:
                phones.add(_digits(store.phone))
        return cls(frozenset(d for d in domains if d), frozenset(emails), frozenset(phones))

    def owns_host(self, host: str) -> bool:
        host = host.lower().removeprefix("www.")
        return any(host == d or host.endswith("." + d) for d in self.domains)

    def owns_email(self, email: str) -> bool:
        return email.lower() in self.emails or self.owns_host(email.rsplit("@", 1)[-1])

    def owns_phone(self, phone: str) -> bool:
        digits = _digits(phone)
        return any(digits.endswith(p) or p.endswith(digits) for p in self.phones if len(digits) >= 7)


def keep_own(text: str, own: OwnFacts) -> tuple[str, int]:
    """``text`` with every email, link and phone number that is not the store's replaced; how many were."""
    removed = 0

    def email(match: re.Match[str]) -> str:
        nonlocal removed
        if own.owns_email(match.group(0)):
            return match.group(0)
        removed += 1
        return REMOVED

    def url(match: re.Match[str]) -> str:
        nonlocal removed
        if own.owns_host(_host(match.group(0))):
            return match.group(0)
        removed += 1
        return REMOVED

    def phone(match: re.Match[str]) -> str:
        nonlocal removed
        value = match.group(0)
        if len(_digits(value)) < 7 or re.fullmatch(r"[\d.]+", value) or own.owns_phone(value):
            return value  # an amount, a range or a date-like number, or the store's phone
        if re.fullmatch(r"\d{1,2}[-.]\d{1,2}", value.strip()):
            return value
        removed += 1
        return REMOVED

    text = _EMAIL.sub(email, text)
    text = _URL.sub(url, text)
    text = _PHONE.sub(phone, text)
    return text, removed
