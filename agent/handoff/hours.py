"""The merchant's business hours (``BCAGENT_BUSINESS_HOURS``) and the honest sentence about when the
team replies.

The format is days, hours and an IANA time zone: ``Mon-Fri 09:00-17:00 America/Chicago``; several
spans are separated by ``;`` (``Mon-Fri 09:00-17:00; Sat 10:00-14:00 Europe/London``; the zone, once, at
the end). Inside the hours the sentence says "usually within N hours" (``reply_hours``, default 4);
outside them it names when the team is next in ("outside our hours: we'll reply from 9:00 Monday").
"""

from __future__ import annotations

import re
from dataclasses import dataclass
from datetime import UTC, datetime, time, timedelta
from zoneinfo import ZoneInfo, ZoneInfoNotFoundError

DAYS = ("mon", "tue", "wed", "thu", "fri", "sat", "sun")
DAY_NAMES = ("Monday", "Tuesday", "Wednesday", "Thursday", "Friday", "Saturday", "Sunday")
SPAN = re.compile(
    r"^(?P<days>[A-Za-z]{3}(?:\s*-\s*[A-Za-z]{3})?(?:\s*,\s*[A-Za-z]{3}(?:\s*-\s*[A-Za-z]{3})?)*)\s+"
    r"(?P<start>\d{1,2}:\d{2})\s*-\s*(?P<end>\d{1,2}:\d{2})$"
)
EXAMPLE = "Mon-Fri 09:00-17:00 America/Chicago"


class BusinessHoursError(ValueError):
    """``BCAGENT_BUSINESS_HOURS`` cannot be read; the message shows the expected form."""


@dataclass(frozen=True)
class Span:
    days: frozenset[int]  # 0 = Monday
    start: time
    end: time


@dataclass(frozen=True)
class BusinessHours:
    spans: tuple[Span, ...]
    zone: ZoneInfo
    text: str
    reply_hours: int = 4

    def is_open(self, moment: datetime) -> bool:
        local = moment.astimezone(self.zone)
        return any(local.weekday() in s.days and s.start <= local.time() < s.end for s in self.spans)

    def next_opening(self, moment: datetime) -> datetime:
        """When the team is next in, at or after ``moment`` (local time of the zone)."""
        local = moment.astimezone(self.zone)
        for offset in range(8):
            day = (local + timedelta(days=offset)).date()
            starts = sorted(s.start for s in self.spans if day.weekday() in s.days)
            for start in starts:
                opening = datetime.combine(day, start, tzinfo=self.zone)
                if opening >= local:
                    return opening
        raise BusinessHoursError(f"BCAGENT_BUSINESS_HOURS={self.text!r} names no opening hours")

    def reply_sentence(self, moment: datetime | None = None) -> str:
        moment = moment or datetime.now(UTC)
        if self.is_open(moment):
            return f"Our team usually replies within {self.reply_hours} hours."
        opening = self.next_opening(moment)
        local = moment.astimezone(self.zone)
        when = f"{opening.hour}:{opening.minute:02d}"
        if opening.date() == local.date():
            day = "today"
        elif opening.date() == (local + timedelta(days=1)).date():
            day = "tomorrow"
        else:
            day = DAY_NAMES[opening.weekday()]
        return f"We're outside our hours right now: our team will reply from {when} {day} ({self.zone.key} time)."


def _days(text: str) -> frozenset[int]:
    found: set[int] = set()
    for part in text.lower().split(","):
        ends = [p.strip()[:3] for p in part.split("-")]
        if any(e not in DAYS for e in ends):
            raise BusinessHoursError(
                f"unknown day in {part.strip()!r}: use Mon, Tue, Wed, Thu, Fri, Sat, Sun"
            )
        first, last = DAYS.index(ends[0]), DAYS.index(ends[-1])
        index = first
        while True:
            found.add(index)
            if index == last:
                break
            index = (index + 1) % 7
    return frozenset(found)


def _clock(text: str) -> time:
    hours, minutes = (int(x) for x in text.split(":"))
    if hours == 24 and minutes == 0:
        return time(23, 59, 59)
    if not (0 <= hours < 24 and 0 <= minutes < 60):
        raise BusinessHoursError(f"{text!r} is not a time of day (HH:MM)")
    return time(hours, minutes)


def parse_hours(text: str, reply_hours: int = 4) -> BusinessHours:
    """``Mon-Fri 09:00-17:00 America/Chicago`` (and ``;``-separated spans) as ``BusinessHours``."""
    raw = " ".join(text.split())
    if not raw:
        raise BusinessHoursError(f"BCAGENT_BUSINESS_HOURS is empty; use e.g. {EXAMPLE!r}")
    body, _, zone_name = raw.rpartition(" ")
    try:
        zone = ZoneInfo(zone_name)
    except (ZoneInfoNotFoundError, ValueError):
        raise BusinessHoursError(
            f"BCAGENT_BUSINESS_HOURS must end with a time zone such as America/Chicago (got {zone_name!r}); "
            f"e.g. {EXAMPLE!r}"
        ) from None
    spans: list[Span] = []
    for piece in body.split(";"):
        match = SPAN.match(piece.strip())
        if not match:
            raise BusinessHoursError(
                f"BCAGENT_BUSINESS_HOURS: cannot read {piece.strip()!r}; use e.g. {EXAMPLE!r}"
            )
        start, end = _clock(match["start"]), _clock(match["end"])
        if end <= start:
            raise BusinessHoursError(f"BCAGENT_BUSINESS_HOURS: {piece.strip()!r} ends before it starts")
        spans.append(Span(_days(match["days"]), start, end))
    return BusinessHours(tuple(spans), zone, raw, reply_hours)


def reply_sentence(hours: BusinessHours | None, moment: datetime | None = None) -> str:
    """What the shopper is told about when the team replies (no hours configured: one business day)."""
    if hours is None:
        return "Our team usually replies within one business day."
    return hours.reply_sentence(moment)
