"""Sandbox test set-up: a fresh in-process sandbox per test, reached through httpx's ASGI transport."""

from __future__ import annotations

from collections.abc import AsyncIterator
from typing import Any

import httpx
import pytest

from sandbox.app import Sandbox
from sandbox.state import SandboxStore
from tests.conftest import SMALL_FULL_TOKEN


@pytest.fixture
def sandbox(small_data: dict[str, Any]) -> Sandbox:
    return Sandbox([SandboxStore.from_data(small_data, "small-store.json")])


def client_for(
    sandbox: Sandbox, token: str | None = SMALL_FULL_TOKEN, store: str = "smallshop"
) -> httpx.AsyncClient:
    headers = {"X-Auth-Token": token} if token else {}
    return httpx.AsyncClient(
        transport=httpx.ASGITransport(app=sandbox), base_url=f"http://sandbox/stores/{store}", headers=headers
    )


@pytest.fixture
async def api(sandbox: Sandbox) -> AsyncIterator[httpx.AsyncClient]:
    async with client_for(sandbox) as client:
        yield client
