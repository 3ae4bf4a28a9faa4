"""What uvicorn is told (``agent.server.run``): X-Forwarded-For only from ``BCAGENT_TRUSTED_PROXIES``
(none by default, where uvicorn's own default trusts 127.0.0.1), and a bound on the request head."""

from __future__ import annotations

import socket
from collections.abc import Iterator
from contextlib import contextmanager
from pathlib import Path
from types import SimpleNamespace

import httpx
import pytest
from fastapi import FastAPI, Request

from agent.server.deps import client_address
from agent.server.run import BackgroundServer
from agent.settings import ServeSettings, Settings, SettingsError


@contextmanager
def echo_server(serve: ServeSettings) -> Iterator[str]:
    """A tiny app answering the client address the API would count, served as `bcagent serve` is."""
    app = FastAPI()
    app.state.server = SimpleNamespace(settings=Settings(home=Path("unused"), serve=serve))

    @app.get("/peer")
    async def peer(request: Request) -> dict[str, str]:
        return {"client": client_address(request)}

    with BackgroundServer(app) as server:
        yield server.base_url


def peer(base: str, forwarded: str | None) -> str:
    headers = {"X-Forwarded-For": forwarded} if forwarded else {}
    return str(httpx.get(f"{base}/peer", headers=headers).json()["client"])


def test_forwarded_for_is_ignored_without_trusted_proxies() -> None:
    with echo_server(ServeSettings()) as base:
        assert peer(base, None) == "127.0.0.1"
        assert peer(base, "203.0.113.9") == "127.0.0.1"  # loopback is not trusted by default


def test_forwarded_for_from_a_trusted_proxy_names_the_shopper() -> None:
    with echo_server(ServeSettings(trusted_proxies=("127.0.0.0/8",))) as base:
        assert peer(base, "203.0.113.9") == "203.0.113.9"
        # a shopper's own spoofed entry comes first; the proxy appends the real peer: that one counts
        assert peer(base, "198.51.100.1, 203.0.113.9") == "203.0.113.9"
        assert peer(base, None) == "127.0.0.1"


def test_a_proxy_not_in_the_list_is_not_believed() -> None:
    with echo_server(ServeSettings(trusted_proxies=("10.0.0.0/8",))) as base:
        assert peer(base, "203.0.113.9") == "127.0.0.1"


def test_an_oversized_request_head_is_refused() -> None:
    with echo_server(ServeSettings(max_header_bytes=16_384)) as base:
        assert httpx.get(f"{base}/peer", headers={"X-Big": "a" * 8_000}).status_code == 200
        host, port = base.removeprefix("http://").split(":")
        with socket.create_connection((host, int(port)), timeout=10) as raw:
            raw.sendall(b"GET /peer HTTP/1.1\r\nHost: x\r\nX-Big: " + b"a" * 200_000 + b"\r\n\r\n")
            head = raw.recv(200)
        assert head.startswith(b"HTTP/1.1 4"), head


def test_trusted_proxies_are_checked() -> None:
    settings = Settings.from_env({"BCAGENT_TRUSTED_PROXIES": "127.0.0.1, 10.0.0.0/8,::1"})
    assert settings.serve.trusted_proxies == ("127.0.0.1", "10.0.0.0/8", "::1")
    with pytest.raises(SettingsError, match="not an address or a CIDR"):
        Settings.from_env({"BCAGENT_TRUSTED_PROXIES": "*"})
    with pytest.raises(SettingsError, match="not an address or a CIDR"):
        Settings.from_env({"BCAGENT_TRUSTED_PROXIES": "proxy.internal"})
