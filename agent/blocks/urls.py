"""Which URLs a block may carry: https only, and only on the store's own storefront host, the store's
images on BigCommerce's CDN (``cdnN.bigcommerce.com/s-<store hash>/``), or a known carrier's tracking
host. Anything else (another host, ``http:``, ``javascript:``, credentials in the URL, a non-default
port) is dropped where the block is built, so a hostile product field cannot put a link in a reply."""

from __future__ import annotations

import re
from dataclasses import dataclass
from urllib.parse import urlsplit

CARRIER_TRACKING_HOSTS = frozenset(
    {
        "www.ups.com",
        "ups.com",
        "www.fedex.com",
        "fedex.com",
        "tools.usps.com",
        "www.usps.com",
        "www.dhl.com",
        "dhl.com",
        "www.dhl.de",
        "track.aftership.com",
        "www.royalmail.com",
        "www.canadapost-postescanada.ca",
        "www.canadapost.ca",
        "auspost.com.au",
        "www.auspost.com.au",
        "www.purolator.com",
        "www.ontrac.com",
        "www.lasership.com",
        "www.dpd.co.uk",
        "www.dpd.com",
        "www.gls-group.eu",
        "www.postnl.nl",
        "parcelsapp.com",
    }
)
_CDN = re.compile(r"^cdn\d*\.bigcommerce\.com$")


def _host_of(url: object) -> str | None:
    """The lower-cased host of a plain https URL, else None."""
    if not isinstance(url, str) or len(url) > 2048 or any(c.isspace() for c in url):
        return None
    try:
        parts = urlsplit(url)
        port = parts.port
    except ValueError:
        return None
    if parts.scheme != "https" or not parts.hostname or parts.username or parts.password:
        return None
    if port not in (None, 443):
        return None
    return parts.hostname.lower()


@dataclass(frozen=True)
class UrlPolicy:
    """The hosts one store's blocks may point at."""

    store_hash: str
    store_hosts: frozenset[str]

    @classmethod
    def for_store(cls, store_hash: str, storefront_url: str | None) -> UrlPolicy:
        hosts: set[str] = set()
        host = _host_of(storefront_url)
        if host:
            hosts.add(host)
            hosts.add(host[4:] if host.startswith("www.") else f"www.{host}")
        return cls(store_hash=store_hash.lower(), store_hosts=frozenset(hosts))

    def page(self, url: object) -> str | None:
        """``url`` if it is a page of the storefront (product pages, the store's own links)."""
        return url if isinstance(url, str) and _host_of(url) in self.store_hosts else None

    def image(self, url: object) -> str | None:
        """``url`` if it is the store's image: its storefront host or its folder on BigCommerce's CDN."""
        host = _host_of(url)
        if host is None or not isinstance(url, str):
            return None
        if host in self.store_hosts:
            return url
        if _CDN.match(host) and urlsplit(url).path.lower().startswith(f"/s-{self.store_hash}/"):
            return url
        return None

    def tracking(self, url: object) -> str | None:
        """``url`` if it is on a known carrier's tracking host (or the store's own tracking page)."""
        host = _host_of(url)
        if host is not None and (host in CARRIER_TRACKING_HOSTS or host in self.store_hosts):
            return str(url)
        return None
