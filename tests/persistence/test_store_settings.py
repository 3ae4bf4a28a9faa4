"""The stores' settings rows on both engines (issue 22): every write bumps the version in the same
transaction, concurrent writers lose nothing, a disconnect leaves a tombstone that outlives the store's
folder, and a connect made after it is not taken for disconnected."""

from __future__ import annotations

import asyncio
from dataclasses import replace

from agent.persistence.store_settings import open_store_settings
from agent.settings import Settings
from agent.store.connections import Connection
from agent.store.live import change, live_from, record_connected, record_disconnected
from agent.store.merchant_settings import MerchantSettings, StoreDetails, apply
from bigcommerce.money import MoneyFormat


def _connection(connected_at: str = "2026-01-01T00:00:00+00:00") -> Connection:
    return Connection(
        store_hash="abc123",
        api_url="http://sandbox.test",
        name="Detected",
        scopes={"orders": "modify", "marketing": "read", "information": "read"},
        disabled_tools=["cancel_order"],
        connected_at=connected_at,
    )


async def test_every_write_bumps_the_version_and_concurrent_writes_all_land(settings: Settings) -> None:
    connection = _connection()
    repo = await open_store_settings(settings)
    try:
        assert await repo.read("abc123") is None and await repo.versions(["abc123"]) == {}
        # the first write is seeded from the file's switches (a store connected before this table)
        kept = await change(settings, connection, lambda s: s.with_tool("lookup_discount_code", False))
        assert kept.disabled_tools == ("cancel_order", "lookup_discount_code")
        assert await repo.versions(["abc123", "other"]) == {"abc123": (1, "connected")}
        names = ["list_active_promotions", "check_gift_card_balance", "get_product_information"]
        await asyncio.gather(
            *(change(settings, connection, lambda s, n=n: s.with_tool(n, False)) for n in names)  # type: ignore[misc]
        )
        row = await repo.read("abc123")
        assert row is not None and row.version == 4
        assert set(MerchantSettings.from_json(row.settings).disabled_tools) == {
            "cancel_order",
            "lookup_discount_code",
            *names,
        }
    finally:
        await repo.aclose()


async def test_disconnect_tombstone_and_reconnect(settings: Settings) -> None:
    connection = _connection()
    await change(settings, connection, lambda s: s.with_tool("cancel_order", True))
    await record_disconnected(settings, "abc123")
    repo = await open_store_settings(settings)
    try:
        row = await repo.read("abc123")
        assert row is not None and row.state == "disconnected" and row.settings == {}
        assert live_from(row, connection).disconnected  # connected before the disconnect
        later = replace(connection, connected_at="2999-01-01T00:00:00+00:00")
        assert not live_from(row, later).disconnected  # a connect made after it (files rewritten)
        details = StoreDetails(name="Boxe Paris", money=MoneyFormat(currency="EUR", symbol="€"))
        kept = await record_connected(settings, later, details)
        assert kept.details == details and kept.disabled_tools == ("cancel_order",)  # seeded from the file
        again = await repo.read("abc123")
        assert again is not None and again.state == "connected" and again.version == row.version + 1
    finally:
        await repo.aclose()


def test_apply_lays_the_settings_over_the_detected_connection() -> None:
    connection = _connection()
    settings = MerchantSettings(
        disabled_tools=("list_active_promotions",),
        details=StoreDetails(
            name="Boxe Paris", storefront_url="https://boxe.example.fr/", money=MoneyFormat(currency="EUR")
        ),
    )
    effective = apply(connection, settings)
    assert effective.name == "Boxe Paris" and effective.secure_url == "https://boxe.example.fr"
    assert effective.money.currency == "EUR" and effective.disabled_tools == ["list_active_promotions"]
    assert connection.name == "Detected" and connection.disabled_tools == ["cancel_order"]  # untouched
    lost = replace(settings, lost=replace(settings.lost, scopes={"marketing": "none"}))
    assert apply(connection, lost).scopes["marketing"] == "none"
    assert MerchantSettings.from_json(lost.to_json()) == lost


def test_the_team_settings_round_trip_and_lay_over_the_servers() -> None:
    import pytest

    from agent.settings import HandoffSettings
    from agent.store.connections import ConnectionProblem
    from agent.store.merchant_settings import TeamSettings, parse_team

    team = parse_team("  Mon-Fri  09:00-17:00 Europe/London ", " desk@abc.example ", "0", reply_hours=4)
    assert team == TeamSettings("Mon-Fri 09:00-17:00 Europe/London", "desk@abc.example", 0)
    kept = MerchantSettings(team=team)
    assert MerchantSettings.from_json(kept.to_json()) == kept
    assert MerchantSettings.from_json({}).team == TeamSettings()  # rows written before: the server's
    server = HandoffSettings(smtp_url="smtp://mail.example:587", email_to="all@server.example",
                             business_hours="Mon-Sun 08:00-20:00 UTC", reply_hours=2)  # fmt: skip
    mine = team.handoff(server)
    assert (mine.business_hours, mine.email_to, mine.smtp_url, mine.reply_hours) == (
        "Mon-Fri 09:00-17:00 Europe/London", "desk@abc.example", "smtp://mail.example:587", 2)  # fmt: skip
    assert TeamSettings().handoff(server) == server
    assert team.sync_interval_seconds(60) == 0.0 and TeamSettings().sync_interval_seconds(60) == 3600.0
    assert parse_team("", "", "", reply_hours=4) == TeamSettings()
    for hours, email, minutes, message in (
        ("Mon-Fri 9 to 5", "", "", "^Business hours must end with a time zone"),
        ("", "not an address", "", "is not an email address"),
        ("", "a@b.example, c@d.example", "", "is not an email address"),
        ("", "", "soon", "whole number"),
        ("", "", "99999", "whole number"),
    ):
        with pytest.raises(ConnectionProblem, match=message):
            parse_team(hours, email, minutes, reply_hours=4)


async def test_connecting_again_keeps_the_team_settings(settings: Settings) -> None:
    from agent.store.merchant_settings import TeamSettings

    connection = _connection()
    await record_connected(settings, connection)
    team = TeamSettings(business_hours="Mon-Fri 09:00-17:00", handoff_email_to="team@example.com")
    await change(settings, connection, lambda s: replace(s, team=team))
    again = await record_connected(settings, connection)
    assert again.team.business_hours == "Mon-Fri 09:00-17:00"
    assert again.team.handoff_email_to == "team@example.com"
