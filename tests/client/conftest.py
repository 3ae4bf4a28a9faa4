"""Fixtures for the BigCommerce client tests: fake time and clients on ``httpx.MockTransport``."""

from __future__ import annotations

from collections.abc import Callable
from typing import Any

import httpx
import pytest

from bigcommerce import AsyncBigCommerce

from .helpers import STORE_HASH, TOKEN, FakeTime, Handler

MakeClient = Callable[..., AsyncBigCommerce]


@pytest.fixture
def fake_time() -> FakeTime:
    return FakeTime()


@pytest.fixture
def make_client(fake_time: FakeTime) -> MakeClient:
    """Build a client whose transport is ``handler`` and whose sleeps are fake (and recorded)."""

    def make(handler: Handler, **options: Any) -> AsyncBigCommerce:
        options.setdefault("sleep", fake_time.sleep)
        options.setdefault("clock", fake_time.clock)
        options.setdefault("rand", lambda: 0.0)
        return AsyncBigCommerce(STORE_HASH, TOKEN, transport=httpx.MockTransport(handler), **options)

    return make
