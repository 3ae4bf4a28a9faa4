"""A Chroma server of a test's own (`chroma run` from the venv, on a free loopback port)."""

from __future__ import annotations

import shutil
import subprocess
import sys
import time
from collections.abc import Iterator
from contextlib import contextmanager
from pathlib import Path

import httpx

from agent.ports import free_port


@contextmanager
def chroma_server(folder: Path, timeout: float = 60) -> Iterator[tuple[str, subprocess.Popen[bytes]]]:
    """(base URL, process) of a running `chroma run` keeping its data in ``folder``; stopped on exit."""
    executable = shutil.which("chroma") or str(Path(sys.executable).with_name("chroma"))
    port = free_port()
    command = [executable, "run", "--path", str(folder), "--host", "127.0.0.1", "--port", str(port)]
    server = subprocess.Popen(command, stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL)
    url = f"http://127.0.0.1:{port}"
    try:
        deadline = time.monotonic() + timeout
        while True:
            try:
                if httpx.get(f"{url}/api/v2/heartbeat", timeout=1).status_code == 200:
                    break
            except httpx.TransportError:
                pass
            assert server.poll() is None, "chroma run exited at start"
            assert time.monotonic() < deadline, "chroma run did not start"
            time.sleep(0.2)
        yield url, server
    finally:
        if server.poll() is None:
            server.terminate()
        server.wait(timeout=10)
