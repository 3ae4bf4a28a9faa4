"""Every link the product builds or passes on is parsed and kept only when it is safe to show a shopper:
scheme ``https``, no user name or password in it, and a host that is the store's own (its storefront
URL's host or its domain) or, for a tracking link, a known carrier's tracking site.

Merchant text decides paths (a product's ``custom_url``) and sometimes whole URLs (a shipment's
``tracking_link``); joining ``f"{secure_url}{path}"`` with a path of ``@evil.example/x`` or
``.evil.example/x`` gives a link whose real host is ``evil.example``. ``store_link`` builds a store link
from a path and checks what it built; ``checked_link`` checks a whole URL. Both answer None for anything
else, so a refused link is simply left out.

Used by the product tools (the links they return) and by the API's ``links`` (``agent/server/links.py``);
reply blocks that carry links should call these too.
"""

from __future__ import annotations

from collections.abc import Iterable
from urllib.parse import urlsplit

# The tracking sites of the carriers BigCommerce generates tracking links for, and common others.
CARRIER_TRACKING_HOSTS = frozenset(
    {
        "ups.com",
        "usps.com",
        "fedex.com",
        "dhl.com",
        "dhl.de",
        "canadapost-postescanada.ca",
        "canadapost.ca",
        "royalmail.com",
        "auspost.com.au",
        "ontrac.com",
        "purolator.com",
        "dpd.com",
        "dpd.co.uk",
        "parcelforce.com",
        "gls-group.eu",
        "postnl.nl",
        "laposte.fr",
        "aftership.com",
    }
)


def host_of(url: str) -> str | None:
    """The lower-cased host of an absolute URL (None when there is none, or it cannot be parsed)."""
    try:
        parts = urlsplit(url.strip())
        host = parts.hostname
    except ValueError:
        return None
    return host.rstrip(".").lower() if host else None


def store_hosts(secure_url: str | None, domain: str | None = None) -> frozenset[str]:
    """The store's own hosts: its storefront URL's host and its primary domain."""
    hosts = {host_of(secure_url or "")}
    if domain:
        hosts.add(host_of(f"https://{domain.strip().strip('/')}"))
    return frozenset(h for h in hosts if h)


def _within(host: str, allowed: Iterable[str]) -> bool:
    return any(host == a or host.endswith("." + a) for a in allowed)


def checked_link(url: object, allowed_hosts: Iterable[str], subdomains: bool = False) -> str | None:
    """``url`` when it is an ``https`` URL without credentials whose host is one of ``allowed_hosts``
    (``subdomains``: or a subdomain of one), else None."""
    if not isinstance(url, str) or not url.strip() or any(c in url for c in "\\\r\n\t "):
        return None
    try:
        parts = urlsplit(url.strip())
        port = parts.port
    except ValueError:
        return None
    if parts.scheme.lower() != "https" or parts.username is not None or parts.password is not None:
        return None
    host = (parts.hostname or "").rstrip(".").lower()
    allowed = frozenset(a.lower() for a in allowed_hosts)
    if not host or not (host in allowed or (subdomains and _within(host, allowed))):
        return None
    if port not in (None, 443):
        return None
    return url.strip()


def store_link(secure_url: str | None, path: object, domain: str | None = None) -> str | None:
    """The store's page at ``path`` (a product's ``custom_url``), or None when the result would not be
    an https link on the store's own host."""
    if not secure_url or not isinstance(path, str) or not path.startswith("/") or path.startswith("//"):
        return None
    return checked_link(f"{secure_url.rstrip('/')}{path}", store_hosts(secure_url, domain))


def tracking_link(url: object) -> str | None:
    """A shipment's tracking link when it is an https page of a known carrier, else None."""
    return checked_link(url, CARRIER_TRACKING_HOSTS, subdomains=True)


__all__ = [
    "CARRIER_TRACKING_HOSTS",
    "checked_link",
    "host_of",
    "store_hosts",
    "store_link",
    "tracking_link",
]
