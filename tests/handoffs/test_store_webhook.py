"""A store's own handoff webhook (issue 30): its URL checked, its secret made by the server, kept in the
settings rows on both engines (never in a repr or a log), and a handoff of that store delivered to its
URL signed with its secret while another store's goes to the server's webhook."""

from __future__ import annotations

import base64
import logging
from dataclasses import replace
from pathlib import Path

import pytest

from agent.handoff.delivery import Deliverer, StoreLabel, enqueue_handoff
from agent.persistence.records import AgentRecords, open_private_records
from agent.persistence.store_settings import open_store_settings
from agent.settings import HandoffSettings, Settings
from agent.store.connections import Connection, ConnectionProblem
from agent.store.handoff_webhook import check_webhook_url, with_webhook
from agent.store.live import change, live_from
from agent.store.merchant_settings import MerchantSettings, TeamSettings
from tests.handoffs.receivers import webhook_receiver

SERVER_SECRET = "whsec_" + base64.b64encode(b"the-servers-own-secret-32-bytes!").decode()
PLACEHOLDER = "whsec_" + base64.b64encode(b"not-known-until-the-store-saves!").decode()


def _verbose(caplog: pytest.LogCaptureFixture) -> None:
    """What `bcagent -v` logs (INFO), and every debug line of our own. (aiosqlite's DEBUG lines carry the
    SQL parameters, every stored value with them; the product never turns them on.)"""
    caplog.set_level(logging.INFO)
    caplog.set_level(logging.DEBUG, logger="agent")


def _connection(store_hash: str = "abc123") -> Connection:
    return Connection(store_hash=store_hash, api_url="http://sandbox.test", name="Shop",
                      connected_at="2026-01-01T00:00:00+00:00")  # fmt: skip


async def _handoff(records: AgentRecords, store_hash: str) -> int:
    made = await records.handoff_requests.add(
        store_hash, "thread-1", "my parcel never came", "delivery problem",
        contact_email="jane@example.com", contact_state="verified", facts={},
        transcript=[{"role": "shopper", "text": "my parcel never came"}],
    )  # fmt: skip
    return made.id


@pytest.mark.parametrize(
    "url",
    [
        "http://hooks.example.com/x",  # http off this machine
        "ftp://hooks.example.com/x",
        "hooks.example.com/x",
        "https:///no-host",
        "https://user:pass@hooks.example.com/x",
        "https://hooks.example.com/a b",
        "https://hooks.example.com:99999/x",
    ],
)
def test_bad_webhook_urls_are_refused(url: str) -> None:
    with pytest.raises(ConnectionProblem):
        check_webhook_url(url)


def test_https_or_http_to_this_machine_is_taken_and_empty_means_the_servers() -> None:
    assert check_webhook_url(" https://hooks.example.com/x ") == "https://hooks.example.com/x"
    assert check_webhook_url("http://127.0.0.1:8080/h") == "http://127.0.0.1:8080/h"
    assert check_webhook_url("http://localhost/h") == "http://localhost/h"
    assert check_webhook_url("   ") == ""


def test_a_secret_is_made_when_the_url_is_set_or_changed_kept_otherwise_dropped_when_cleared() -> None:
    first = with_webhook(TeamSettings(), "https://a.example/h")
    assert first.handoff_webhook_secret.startswith("whsec_")
    assert len(base64.b64decode(first.handoff_webhook_secret.removeprefix("whsec_"))) == 32
    same = with_webhook(first, "https://a.example/h")
    assert same.handoff_webhook_secret == first.handoff_webhook_secret
    moved = with_webhook(first, "https://b.example/h")
    rotated = with_webhook(first, "https://a.example/h", new_secret=True)
    assert (
        len({first.handoff_webhook_secret, moved.handoff_webhook_secret, rotated.handoff_webhook_secret}) == 3
    )
    cleared = with_webhook(rotated, "")
    assert cleared.handoff_webhook_url == "" and cleared.handoff_webhook_secret == ""
    server = HandoffSettings(webhook_url="https://server.example/h", webhook_secret=SERVER_SECRET)
    assert cleared.handoff(server).webhook_url == "https://server.example/h"
    assert first.handoff(server).webhook_url == "https://a.example/h"
    assert first.handoff(server).webhook_secret == first.handoff_webhook_secret


async def test_the_secret_is_kept_in_the_settings_rows_and_never_shown(
    settings: Settings, caplog: pytest.LogCaptureFixture
) -> None:
    _verbose(caplog)
    connection = _connection()
    saved = await change(
        settings, connection, lambda s: replace(s, team=with_webhook(s.team, "https://hooks.example.com/h"))
    )
    secret = saved.team.handoff_webhook_secret
    assert secret.startswith("whsec_")
    repo = await open_store_settings(settings)
    try:
        row = await repo.read("abc123")
        assert row is not None
        live = live_from(row, connection)
        assert live.settings.team.handoff_webhook_secret == secret  # what every replica reads
        assert live.settings.team.handoff_webhook_url == "https://hooks.example.com/h"
        store_handoff = live.settings.team.handoff(HandoffSettings())
        assert store_handoff.webhook_secret == secret
        shown = [repr(row), str(row), repr(live), repr(live.settings), repr(store_handoff)]
        assert all(secret not in text for text in shown)
        assert "https://hooks.example.com/h" in repr(row)  # the rest of the row is still there to read
        again = await change(settings, connection, lambda s: replace(s, team=with_webhook(s.team, "")))
        assert again.team == TeamSettings()
        cleared = await repo.read("abc123")
        assert cleared is not None and secret not in str(cleared.settings)
        assert MerchantSettings.from_json(cleared.settings).team.handoff_webhook_secret == ""
    finally:
        await repo.aclose()
    assert secret not in caplog.text


async def test_a_stores_handoff_goes_to_its_url_signed_with_its_secret_another_store_to_the_servers(
    tmp_path: Path, caplog: pytest.LogCaptureFixture
) -> None:
    _verbose(caplog)
    with (
        webhook_receiver(SERVER_SECRET) as (server_hooks, server_url),
        webhook_receiver(PLACEHOLDER) as (
            store_hooks,
            store_url,
        ),
    ):
        server = HandoffSettings(webhook_url=server_url, webhook_secret=SERVER_SECRET)
        team = {"now": with_webhook(TeamSettings(), store_url)}
        store_hooks.secret = team["now"].handoff_webhook_secret  # what the merchant copied from the page
        own = await open_private_records("ownhook")
        other = await open_private_records("plainshop")
        try:
            own_deliverer = Deliverer(
                own, server, StoreLabel("ownhook", "Own Hook"), current=lambda: team["now"].handoff(server)
            )
            other_deliverer = Deliverer(
                other,
                server,
                StoreLabel("plainshop", "Plain"),
                current=lambda: TeamSettings().handoff(server),
            )
            first = await own.handoff_requests.get(await _handoff(own, "ownhook"))
            plain = await other.handoff_requests.get(await _handoff(other, "plainshop"))
            assert first is not None and plain is not None
            await enqueue_handoff(own, own_deliverer.settings, first, wait_for_contact=False)
            await enqueue_handoff(other, other_deliverer.settings, plain, wait_for_contact=False)
            assert await own_deliverer.run_once() == 1 and await other_deliverer.run_once() == 1
            assert store_hooks.bad_signatures == 0 and server_hooks.bad_signatures == 0
            assert [p["data"]["store"]["hash"] for p in store_hooks.received] == ["ownhook"]
            assert [p["data"]["store"]["hash"] for p in server_hooks.received] == ["plainshop"]

            # "Make a new secret": the next delivery is signed with the new one, without a restart
            old = team["now"].handoff_webhook_secret
            team["now"] = with_webhook(team["now"], store_url, new_secret=True)
            store_hooks.secret = team["now"].handoff_webhook_secret
            second = await own.handoff_requests.get(await _handoff(own, "ownhook"))
            assert second is not None
            await enqueue_handoff(own, own_deliverer.settings, second, wait_for_contact=False)
            assert await own_deliverer.run_once() == 1
            assert len(store_hooks.received) == 2 and store_hooks.bad_signatures == 0

            # the URL cleared: the store's handoffs go to the server's webhook again
            team["now"] = with_webhook(team["now"], "")
            third = await own.handoff_requests.get(await _handoff(own, "ownhook"))
            assert third is not None
            await enqueue_handoff(own, own_deliverer.settings, third, wait_for_contact=False)
            assert await own_deliverer.run_once() == 1
            assert len(store_hooks.received) == 2
            assert [p["data"]["store"]["hash"] for p in server_hooks.received] == ["plainshop", "ownhook"]
        finally:
            await own.aclose()
            await other.aclose()
    assert old not in caplog.text and store_hooks.secret not in caplog.text
