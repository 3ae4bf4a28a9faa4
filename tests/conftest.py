"""Shared test set-up: offline environment, the small store fixture, and the one way a test builds a
store's run context (``open_store``)."""

from __future__ import annotations

import json
import os
from datetime import UTC, datetime
from pathlib import Path
from typing import Any

import pytest

os.environ.setdefault("ANONYMIZED_TELEMETRY", "False")
os.environ.setdefault("HF_HUB_OFFLINE", "1")
os.environ.setdefault("HF_HUB_DISABLE_PROGRESS_BARS", "1")
os.environ.setdefault("TRANSFORMERS_OFFLINE", "1")

FIXTURES = Path(__file__).parent / "fixtures"
SMALL_STORE = FIXTURES / "small-store.json"
SMALL_FULL_TOKEN = "smallfulltoken00000000000000001"
SMALL_READONLY_TOKEN = "smallreadonly000000000000000002"
SANDBOX_URL = "http://sandbox.test"
NOW = datetime(2026, 11, 25, 12, 0, tzinfo=UTC)  # the tools' clock in tests


@pytest.fixture(scope="session")
def embedder() -> Any:
    """One embedding model for the whole test session (loading it takes seconds and ~500 MB)."""
    from ingest.embeddings import MiniLMEmbedding

    return MiniLMEmbedding()


@pytest.fixture(scope="session")
def nlu(embedder: Any) -> Any:
    """One NLU (its examples embedded once) for the session."""
    from agent.models.intents import NLU

    return NLU(embedder)


@pytest.fixture
def small_data() -> dict[str, Any]:
    data: dict[str, Any] = json.loads(SMALL_STORE.read_text())
    return data


async def _no_sleep(seconds: float) -> None:
    return None


@pytest.fixture
def open_store(tmp_path: Path, nlu: Any) -> Any:
    """THE test set-up of a store's run context, built as every surface builds it
    (``agent.assembly.open_context``): ``async with open_store(app) as context`` gives the context of
    the demo store served in-process by the ASGI ``app`` (a ``Sandbox``, or a wrapper around one), its
    tools' clock at ``NOW``, the client told not to wait. Keywords: ``folder`` (records kept there;
    default none, in memory), ``settings`` (default offline, home ``tmp_path``), ``policy``, ``index``
    (an ``IndexOpener``; default no product index), ``client`` (``ClientOptions``), ``clock``, ``store``
    (another store: its ``(Connection, token)``)."""
    import httpx

    from agent.assembly import ClientOptions, StoreAccess, open_context
    from agent.settings import Settings
    from agent.store.capabilities import FULL_ACCESS
    from agent.store.connections import Connection, Secret
    from bigcommerce.money import MoneyFormat
    from sandbox.demo import DEMO_STORE_HASH, FULL_TOKEN

    connection = Connection(
        store_hash=DEMO_STORE_HASH,
        api_url=SANDBOX_URL,
        name="Knockout Fitness Supply",
        secure_url="https://knockout-fitness.example",
        money=MoneyFormat(),
        timezone="America/Chicago",
        scopes=dict(FULL_ACCESS),
    )

    async def no_index(client: Any, connection: Connection) -> None:
        return None

    def build(
        app: Any,
        *,
        folder: Path | None = None,
        settings: Settings | None = None,
        client: ClientOptions | None = None,
        clock: Any = None,
        store: tuple[Connection, str] | None = None,
        **options: Any,
    ) -> Any:
        options.setdefault("index", no_index)
        served, token = store or (connection, FULL_TOKEN)
        return open_context(
            settings or Settings(home=tmp_path),
            StoreAccess(served, Secret(token), folder),
            transport=httpx.ASGITransport(app=app),
            nlu=nlu,
            client=client or ClientOptions(sleep=_no_sleep, max_retries=1),
            clock=clock or (lambda: NOW),
            **options,
        )

    return build
