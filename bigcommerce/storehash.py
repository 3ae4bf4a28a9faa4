"""Turn what a merchant pastes (a store hash, an API URL or a control-panel URL) into a store hash.

The input is never echoed back in full in an error message: people sometimes paste the access token
into the store-hash field, and error messages end up in logs.
"""

from __future__ import annotations

import re
from urllib.parse import urlsplit

__all__ = ["InvalidStoreHashError", "parse_store_hash"]

MIN_LENGTH = 5
MAX_LENGTH = 20
_HASH = re.compile(rf"[a-z0-9]{{{MIN_LENGTH},{MAX_LENGTH}}}")
_DASHBOARD_HOST = re.compile(r"store-([a-z0-9]+)\.mybigcommerce\.com")
API_HOST = "api.bigcommerce.com"

EXPECTED = (
    "expected a store hash such as 'abc1d2ef', an API URL such as "
    "'https://api.bigcommerce.com/stores/abc1d2ef/v3/', or a control panel URL such as "
    "'https://store-abc1d2ef.mybigcommerce.com/manage/dashboard'"
)


class InvalidStoreHashError(ValueError):
    """The text is not a store hash and no store hash could be found in it."""

    def __init__(self, problem: str) -> None:
        self.problem = problem
        super().__init__(f"Invalid store hash: {problem}; {EXPECTED}.")


def _check_hash(candidate: str, where: str) -> str:
    candidate = candidate.lower()
    if _HASH.fullmatch(candidate):
        return candidate
    bad = sorted({ch for ch in candidate if not ("a" <= ch <= "z" or "0" <= ch <= "9")})
    if bad:
        shown = " ".join(repr(ch) for ch in bad[:5])
        raise InvalidStoreHashError(f"{where} contains characters other than letters and digits ({shown})")
    raise InvalidStoreHashError(
        f"{where} is {len(candidate)} characters long, but a store hash has {MIN_LENGTH} to {MAX_LENGTH}"
    )


def _from_url(text: str) -> str:
    parts = urlsplit(text if "://" in text else f"https://{text}")
    host = (parts.hostname or "").lower()
    if host == API_HOST:
        segments = [segment for segment in parts.path.split("/") if segment]
        if len(segments) < 2 or segments[0] != "stores":
            raise InvalidStoreHashError(f"the {API_HOST} URL has no '/stores/<hash>/' part")
        return _check_hash(segments[1], "the hash in the API URL")
    match = _DASHBOARD_HOST.fullmatch(host)
    if match:
        return _check_hash(match.group(1), "the hash in the control panel URL")
    if host.endswith(".mybigcommerce.com"):
        raise InvalidStoreHashError(f"the address {host!r} does not start with 'store-<hash>'")
    raise InvalidStoreHashError(
        f"the address {host or '(none)'!r} is not a BigCommerce API or control panel URL"
    )


def parse_store_hash(text: str) -> str:
    """Return the lowercase store hash in ``text``; raise :class:`InvalidStoreHashError` if there is none."""
    if not isinstance(text, str):
        raise InvalidStoreHashError(f"got {type(text).__name__}, not text")
    text = text.strip()
    if not text:
        raise InvalidStoreHashError("the value is empty")
    lowered = text.lower()
    if "://" in lowered or "/" in lowered or lowered.startswith((API_HOST, "store-")) or "." in lowered:
        return _from_url(text)
    return _check_hash(text, "the value")
