"""Serving the app with uvicorn: in the foreground (``bcagent serve``, Ctrl-C stops it after the turns in
flight) or from a background thread on a free loopback port (tests, benchmarks, the demo).

What uvicorn is told, from the app's ``ServeSettings``:

- ``X-Forwarded-For`` / ``-Proto`` are believed only from ``BCAGENT_TRUSTED_PROXIES`` (default none;
  uvicorn's own default trusts 127.0.0.1, so any loopback client, or a proxy that passes the shopper's
  header on unchanged, could name any address and get a fresh rate-limit bucket each time). From a
  trusted proxy the client is the right-most address of the header the proxy does not itself appear as.
- Request line and headers at most ``BCAGENT_MAX_HEADER_BYTES`` (64 KiB) on the h11 parser (the
  httptools parser has no such bound): a larger head is refused with 431/400 before the app sees it.
"""

from __future__ import annotations

import socket
import threading
import time
from types import TracebackType
from typing import Any

import uvicorn

from ..settings import ServeSettings


def serve_settings(app: Any) -> ServeSettings:
    """The app's serve settings (``app.state.server``), or the defaults for an app without them."""
    server = getattr(getattr(app, "state", None), "server", None)
    settings = getattr(server, "settings", None)
    found = getattr(settings, "serve", None)
    return found if isinstance(found, ServeSettings) else ServeSettings()


def uvicorn_config(app: Any, host: str, port: int) -> uvicorn.Config:
    serve = serve_settings(app)
    return uvicorn.Config(
        app,
        host=host,
        port=port,
        lifespan="on",
        log_level="warning",
        access_log=False,
        timeout_graceful_shutdown=30,
        http="h11",
        h11_max_incomplete_event_size=serve.max_header_bytes,
        proxy_headers=bool(serve.trusted_proxies),
        forwarded_allow_ips=list(serve.trusted_proxies),
    )


async def serve(app: Any, host: str, port: int) -> None:
    """Serve until SIGINT/SIGTERM (uvicorn's own handlers), then shut down cleanly."""
    await uvicorn.Server(uvicorn_config(app, host, port)).serve()


class BackgroundServer:
    """``with BackgroundServer(app) as server: server.base_url`` with the app's lifespan run."""

    def __init__(self, app: Any, host: str = "127.0.0.1", port: int = 0, start_timeout: float = 180) -> None:
        self.host = host
        self._socket = socket.socket(socket.AF_INET, socket.SOCK_STREAM)
        self._socket.setsockopt(socket.SOL_SOCKET, socket.SO_REUSEADDR, 1)
        self._socket.bind((host, port))
        self.port: int = self._socket.getsockname()[1]
        self._server = uvicorn.Server(uvicorn_config(app, host, self.port))
        self._thread = threading.Thread(
            target=self._server.run, kwargs={"sockets": [self._socket]}, daemon=True
        )
        self._start_timeout = start_timeout

    @property
    def base_url(self) -> str:
        return f"http://{self.host}:{self.port}"

    def start(self) -> BackgroundServer:
        self._thread.start()
        deadline = time.monotonic() + self._start_timeout
        while not self._server.started:
            if not self._thread.is_alive() or time.monotonic() > deadline:
                self.stop()
                raise RuntimeError(f"bcagent serve on {self.base_url} did not start (see the log above)")
            time.sleep(0.02)
        return self

    def stop(self) -> None:
        self._server.should_exit = True
        self._thread.join(timeout=60)
        self._socket.close()

    def __enter__(self) -> BackgroundServer:
        return self.start()

    def __exit__(
        self, exc_type: type[BaseException] | None, exc: BaseException | None, tb: TracebackType | None
    ) -> None:
        self.stop()
