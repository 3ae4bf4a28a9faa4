"""Database URLs: which engine a URL names (the only such check in the product), and how to name a
server in an error or a log without its user or password."""

from __future__ import annotations

from urllib.parse import urlsplit


def is_postgres_url(url: str | None) -> bool:
    """Whether ``url`` names a PostgreSQL database (the only such check in the product)."""
    return bool(url) and str(url).startswith(("postgresql://", "postgres://"))


def describe_url(url: str) -> str:
    """host:port/database of a server URL, without the user or password (for errors and logs)."""
    parts = urlsplit(url)
    host = parts.hostname or "localhost"
    port = f":{parts.port}" if parts.port else ""
    return f"{host}{port}{parts.path or ''}"
