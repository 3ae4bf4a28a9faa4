"""The handoff settings read from the environment: clear errors for what cannot work, no secret in a repr."""

from __future__ import annotations

import pytest

from agent.settings import HandoffSettings, Settings, SettingsError


def test_delivery_settings_and_no_secret_in_the_repr() -> None:
    env = {
        "BCAGENT_HOME": "/tmp/x",
        "BCAGENT_SMTP_URL": "smtp://bot:s3cretpass@mail.example:587",
        "BCAGENT_HANDOFF_EMAIL_TO": "help@shop.example",
        "BCAGENT_HANDOFF_WEBHOOK_URL": "https://hooks.example/h",
        "BCAGENT_HANDOFF_WEBHOOK_SECRET": "whsec_c2VjcmV0c2VjcmV0",
        "BCAGENT_ADMIN_TOKEN": "admintoken123",
        "BCAGENT_BUSINESS_HOURS": "Mon-Fri 09:00-17:00 America/Chicago",
    }
    settings = Settings.from_env(env)
    handoff = settings.handoff
    assert handoff.email and handoff.webhook and handoff.business_hours
    shown = repr(handoff) + repr(settings)
    assert "s3cretpass" not in shown and "whsec_" not in shown and "admintoken123" not in shown


@pytest.mark.parametrize(
    ("env", "named"),
    [
        ({"BCAGENT_SMTP_URL": "smtp://h:25"}, "BCAGENT_HANDOFF_EMAIL_TO"),
        ({"BCAGENT_SMTP_URL": "mail.example:25"}, "BCAGENT_SMTP_URL"),
        ({"BCAGENT_HANDOFF_WEBHOOK_URL": "https://h.example/x"}, "BCAGENT_HANDOFF_WEBHOOK_SECRET"),
        ({"BCAGENT_BUSINESS_HOURS": "weekdays 9 to 5"}, "BCAGENT_BUSINESS_HOURS"),
    ],
)
def test_settings_that_cannot_work_are_refused_by_name(env: dict[str, str], named: str) -> None:
    with pytest.raises(SettingsError) as caught:
        HandoffSettings.from_env(env)
    assert named in str(caught.value)
