"""`bcagent handoffs list|show|reply|close|retry|deliver` and the deliveries line of `bcagent status`, on a
connected store's own records, with a real SMTP server for `deliver`."""

from __future__ import annotations

import asyncio
import json
from collections.abc import Iterator
from pathlib import Path

import pytest

from agent.cli import main
from agent.persistence.records import open_records
from agent.settings import Settings
from agent.store.connect import connect_store
from agent.store.connections import ConnectionStore, Secret
from sandbox.app import Sandbox
from sandbox.server import SandboxServer
from sandbox.state import SandboxStore
from tests.conftest import SMALL_FULL_TOKEN, SMALL_STORE
from tests.handoffs.receivers import smtp_server

STORE = "smallshop"


@pytest.fixture
def home(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> Iterator[Path]:
    data = json.loads(SMALL_STORE.read_text())
    with SandboxServer(Sandbox([SandboxStore.from_data(data)])) as server:
        home = tmp_path / "home"
        connections = ConnectionStore(home)
        asyncio.run(connect_store(STORE, Secret(SMALL_FULL_TOKEN), server.base_url, connections))
        monkeypatch.setenv("BCAGENT_HOME", str(home))
        for name in ("BCAGENT_SMTP_URL", "BCAGENT_HANDOFF_WEBHOOK_URL", "BCAGENT_DATABASE_URL"):
            monkeypatch.delenv(name, raising=False)
        yield home


async def _add(home: Path) -> int:
    settings = Settings(home=home)
    records = await open_records(settings, STORE, ConnectionStore(home).folder(STORE))
    try:
        made = await records.handoff_requests.add(
            STORE,
            "thread-1",
            "my parcel never arrived",
            "complaint",
            contact_email="sam@example.com",
            contact_state="given",
            facts={"order_numbers": ["101"]},
            transcript=[{"role": "shopper", "text": "my parcel never arrived"}],
        )
        return made.id
    finally:
        await records.aclose()


def test_list_show_reply_close(home: Path, capsys: pytest.CaptureFixture[str]) -> None:
    handoff_id = asyncio.run(_add(home))
    assert main(["handoffs", "list"]) == 0
    listed = capsys.readouterr().out
    assert f"#{handoff_id}" in listed and "open" in listed and "sam@example.com" in listed
    assert main(["handoffs", "reply", str(handoff_id), "We're on it", "--as", "Ana"]) == 0
    assert "silent" in capsys.readouterr().out
    assert main(["handoffs", "show", str(handoff_id)]) == 0
    shown = capsys.readouterr().out
    assert (
        "claimed, Ana" in shown
        and "Staff (Ana): We're on it" in shown
        and "Shopper: my parcel never arrived" in shown
    )
    assert "Order numbers: ['101']" in shown
    assert main(["handoffs", "close", str(handoff_id)]) == 0
    assert main(["handoffs", "close", str(handoff_id)]) == 1
    assert main(["handoffs", "reply", str(handoff_id), "late", "--as", "Ana"]) == 1
    assert "no open request" in capsys.readouterr().err
    assert main(["handoffs", "list", "--status", "closed"]) == 0
    assert f"#{handoff_id}" in capsys.readouterr().out
    assert main(["handoffs", "show"]) == 1 and "say which request" in capsys.readouterr().err


def test_deliver_retry_and_status(
    home: Path, monkeypatch: pytest.MonkeyPatch, capsys: pytest.CaptureFixture[str]
) -> None:
    with smtp_server() as (box, port, _):
        monkeypatch.setenv("BCAGENT_SMTP_URL", f"smtp://127.0.0.1:{port}")
        monkeypatch.setenv("BCAGENT_HANDOFF_EMAIL_TO", "team@small.example")
        handoff_id = asyncio.run(_add(home))
        assert main(["handoffs", "reply", str(handoff_id), "Sorry! Re-shipping now.", "--as", "Ana"]) == 0
        box.refuse = True
        settings = Settings.from_env()
        asyncio.run(_queue_now(settings))
        assert main(["handoffs", "deliver"]) == 0
        out = capsys.readouterr().out
        assert "failing and retried" in out and "451" in out
        assert main(["status"]) == 0
        assert "Handoff deliveries: 0 sent, 1 waiting, 1 failing" in capsys.readouterr().out
        box.refuse = False
        asyncio.run(_queue_now(settings))
        assert main(["handoffs", "deliver"]) == 0
        (mail,) = box.messages
        assert mail["To"] == "sam@example.com" and "Sorry! Re-shipping now." in mail.get_content()
        assert main(["handoffs", "retry"]) == 0 and "0 delivery" in capsys.readouterr().out


async def _queue_now(settings: Settings) -> None:
    """Make every pending delivery due now (the test does not wait for the back-off)."""
    records = await open_records(settings, STORE, ConnectionStore(settings.home).folder(STORE))
    try:
        for item in await records.outbox.items(status="pending"):
            await records.outbox.retry(item.id, item.last_error or "", 0)
    finally:
        await records.aclose()
