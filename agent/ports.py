"""Local TCP ports: one free for a test or benchmark to use, and a clear error when one is taken.

Generic helpers used by the CLI (``bcagent sandbox``, ``serve``, ``demo``), the tests and the benchmarks;
they belong to no one package's domain, so they live here rather than in the sandbox.
"""

from __future__ import annotations

import socket


def free_port() -> int:
    """A port on 127.0.0.1 that nothing listens on right now."""
    with socket.socket() as probe:
        probe.bind(("127.0.0.1", 0))
        return int(probe.getsockname()[1])


def check_port(host: str, port: int) -> None:
    """Raise OSError with a clear message when the address cannot be listened on."""
    with socket.socket(socket.AF_INET, socket.SOCK_STREAM) as probe:
        probe.setsockopt(socket.SOL_SOCKET, socket.SO_REUSEADDR, 1)
        try:
            probe.bind((host, port))
        except OSError as exc:
            raise OSError(
                f"cannot listen on {host}:{port} ({exc.strerror}); choose another port with --port"
            ) from None
