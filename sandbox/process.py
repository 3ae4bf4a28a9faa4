"""Running the sandbox in a separate process (benchmarks keep its CPU and memory out of their figures)."""

from __future__ import annotations

import subprocess
import sys
import time

import httpx


def start_sandbox_process(
    products: int,
    seed: int,
    port: int,
    timeout: float = 180,
    *,
    quota: int = 10**9,
    window_ms: int = 30_000,
) -> subprocess.Popen[bytes]:
    """`bcagent sandbox` with the demo store on 127.0.0.1:port; ready when returned. The quota is
    ``quota`` requests per ``window_ms`` (by default so many that it never bites)."""
    command = [sys.executable, "-m", "agent.cli", "sandbox", "--products", str(products), "--seed", str(seed)]
    command += ["--port", str(port), "--quota", str(quota), "--window-ms", str(window_ms)]
    process = subprocess.Popen(command, stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL)
    deadline = time.monotonic() + timeout
    while time.monotonic() < deadline:
        if process.poll() is not None:
            raise RuntimeError(f"the sandbox exited with status {process.returncode}")
        try:
            if httpx.get(f"http://127.0.0.1:{port}/__sandbox__/health", timeout=1).status_code == 200:
                return process
        except httpx.TransportError:
            time.sleep(0.3)
    process.kill()
    raise RuntimeError("the sandbox did not start in time")
