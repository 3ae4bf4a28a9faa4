"""Choosing the ``email_code`` policy (issue 27): `bcagent policy set` and the console's form accept it
only when the server can send email (BCAGENT_SMTP_URL), and a store connected now starts with it when
SMTP is configured, else with ``order_and_email``; reconnecting keeps the merchant's choice."""

from __future__ import annotations

import asyncio
from dataclasses import replace
from pathlib import Path

import pytest

from agent.cli import main
from agent.console.setup_forms import policy_from_form
from agent.settings import HandoffSettings, Settings
from agent.store.capabilities import FULL_ACCESS
from agent.store.connections import Connection, ConnectionProblem, ConnectionStore, Secret
from agent.store.live import change, effective_connection, record_connected
from agent.store.merchant_settings import NEEDS_SMTP, MerchantSettings
from bigcommerce.money import MoneyFormat

SMTP = HandoffSettings(smtp_url="smtp://127.0.0.1:2525", email_to="desk@shop.example")
STORE = Connection(
    store_hash="codeshop",
    api_url="http://sandbox.test",
    name="Code Shop",
    secure_url="https://code-shop.example",
    money=MoneyFormat(),
    scopes=dict(FULL_ACCESS),
)


def _home(tmp_path: Path) -> Path:
    home = tmp_path / "home"
    ConnectionStore(home).save(STORE, Secret("codeshoptoken000000000000000001"))
    return home


def _who(settings: Settings) -> str:
    return asyncio.run(effective_connection(settings, STORE))[1].settings.policy.who_may_cancel


def test_policy_set_takes_email_code_only_with_smtp(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch, capsys: pytest.CaptureFixture[str]
) -> None:
    home = _home(tmp_path)
    monkeypatch.setenv("BCAGENT_HOME", str(home))
    for name in ("BCAGENT_DATABASE_URL", "BCAGENT_SMTP_URL", "BCAGENT_HANDOFF_EMAIL_TO"):
        monkeypatch.delenv(name, raising=False)
    assert main(["policy", "set", "--who-may-cancel", "email_code"]) == 1
    assert NEEDS_SMTP in capsys.readouterr().err
    assert _who(Settings(home=home)) == "order_and_email"
    monkeypatch.setenv("BCAGENT_SMTP_URL", SMTP.smtp_url or "")
    monkeypatch.setenv("BCAGENT_HANDOFF_EMAIL_TO", SMTP.email_to or "")
    assert main(["policy", "set", "--who-may-cancel", "email_code"]) == 0
    assert "Who may cancel:         email_code" in capsys.readouterr().out
    assert _who(Settings(home=home)) == "email_code"
    monkeypatch.delenv("BCAGENT_SMTP_URL")  # SMTP gone since: `policy show` says what shoppers get
    monkeypatch.delenv("BCAGENT_HANDOFF_EMAIL_TO")
    assert main(["policy", "show"]) == 0
    assert "refused and offered a person" in capsys.readouterr().out


def test_the_console_form_takes_email_code_only_with_smtp() -> None:
    form = {"who_may_cancel": "email_code", "max_order_age_days": "", "private_codes": ""}
    with pytest.raises(ConnectionProblem, match="BCAGENT_SMTP_URL"):
        policy_from_form(form, ["11"], smtp_configured=False)
    assert policy_from_form(form, ["11"], smtp_configured=True).who_may_cancel == "email_code"


@pytest.mark.parametrize(
    ("handoff", "expected"), [(SMTP, "email_code"), (HandoffSettings(), "order_and_email")]
)
def test_a_new_connection_starts_with_email_code_when_smtp_is_configured(
    tmp_path: Path, handoff: HandoffSettings, expected: str
) -> None:
    settings = Settings(home=_home(tmp_path), handoff=handoff)
    assert asyncio.run(record_connected(settings, STORE)).policy.who_may_cancel == expected
    chosen = "verified_only"

    def edit(current: MerchantSettings) -> MerchantSettings:
        return replace(current, policy=replace(current.policy, who_may_cancel="verified_only"))

    asyncio.run(change(settings, STORE, edit))
    again = asyncio.run(record_connected(settings, STORE))  # reconnecting keeps the merchant's choice
    assert again.policy.who_may_cancel == chosen
