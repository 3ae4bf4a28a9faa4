from __future__ import annotations

from datetime import datetime
from zoneinfo import ZoneInfo

import pytest

from agent.handoff.hours import BusinessHoursError, parse_hours, reply_sentence

CHICAGO = ZoneInfo("America/Chicago")


def test_inside_hours_says_within_n_hours() -> None:
    hours = parse_hours("Mon-Fri 09:00-17:00 America/Chicago")
    wednesday_noon = datetime(2026, 12, 9, 12, 0, tzinfo=CHICAGO)
    assert reply_sentence(hours, wednesday_noon) == "Our team usually replies within 4 hours."


def test_outside_hours_names_the_next_opening() -> None:
    hours = parse_hours("Mon-Fri 09:00-17:00 America/Chicago")
    saturday = datetime(2026, 12, 12, 15, 0, tzinfo=CHICAGO)
    assert "from 9:00 Monday" in reply_sentence(hours, saturday)
    friday_evening = datetime(2026, 12, 11, 18, 0, tzinfo=CHICAGO)
    assert "from 9:00 Monday" in reply_sentence(hours, friday_evening)
    tuesday_early = datetime(2026, 12, 8, 7, 30, tzinfo=CHICAGO)
    assert "from 9:00 today" in reply_sentence(hours, tuesday_early)
    monday_late = datetime(2026, 12, 7, 20, 0, tzinfo=CHICAGO)
    assert "from 9:00 tomorrow" in reply_sentence(hours, monday_late)


def test_several_spans_and_utc_moment() -> None:
    hours = parse_hours("Mon-Fri 09:00-17:00; Sat 10:00-14:00 Europe/London")
    saturday_utc = datetime.fromisoformat("2026-12-12T11:00:00+00:00")
    assert hours.is_open(saturday_utc)
    assert not hours.is_open(datetime.fromisoformat("2026-12-13T11:00:00+00:00"))


def test_no_hours_is_one_business_day() -> None:
    assert reply_sentence(None) == "Our team usually replies within one business day."


@pytest.mark.parametrize(
    "text",
    ["", "Mon-Fri 9-5 America/Chicago", "Mon-Fri 09:00-17:00", "Xyz 09:00-17:00 UTC", "Mon 17:00-09:00 UTC"],
)
def test_bad_hours_are_refused_with_an_example(text: str) -> None:
    with pytest.raises(BusinessHoursError) as caught:
        parse_hours(text)
    assert "BCAGENT_BUSINESS_HOURS" in str(caught.value) or "day" in str(caught.value)
