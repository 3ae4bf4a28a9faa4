"""Finding a conversation again, on both engines: store failures count as errors, lockouts and the
slowest turn are kept, the first message and the customer are on the summary, and the keys a shopper
knows (customer, email, order number, code) find it; a thread-id prefix narrows to it."""

from __future__ import annotations

from datetime import UTC, datetime, timedelta
from pathlib import Path
from typing import Any

import pytest

from agent.persistence import schema_version, timestamps
from agent.persistence.transcripts import Query, open_transcripts
from agent.settings import Settings
from agent.transcripts import Exchange, Timings, ToolCallRecord, TurnRecord

START = datetime(2026, 12, 1, 10, 0, tzinfo=UTC)


def turn(
    thread: str,
    minute: int,
    *,
    text: str | None = "hello",
    calls: list[ToolCallRecord] | None = None,
    requests: list[Exchange] | None = None,
    customer: dict[str, Any] | None = None,
    total_ms: float = 40.0,
    surface: str = "serve",
) -> TurnRecord:
    return TurnRecord(
        turn_id=f"{thread}-{minute}",
        request_id=f"{thread}-{minute}",
        store_hash="abc",
        thread_id=thread,
        started_at=timestamps.precise(START + timedelta(minutes=minute)),
        surface=surface,
        text=text,
        verified_customer=customer,
        tool_calls=calls or [],
        requests=requests or [],
        timings=Timings(total_ms=total_ms),
    )


def call(name: str, status: str = "ok", **args: Any) -> ToolCallRecord:
    return ToolCallRecord(id=f"c-{name}", name=name, args=args, result={"status": status, "message": "m"})


def exchange(
    index: int, status: int | None, path: str = "/v2/orders/12345", error: str | None = None
) -> Exchange:
    return Exchange(index=index, method="GET", path=path, status=status, error=error)


async def _ids(transcripts: Any, **query: Any) -> list[str]:
    return [t.thread_id for t in await transcripts.threads(Query(store_hash="abc", **query))]


async def test_store_failures_lockouts_keys_and_prefixes(settings: Settings, tmp_path: Path) -> None:
    async with open_transcripts(settings, tmp_path) as transcripts:
        assert await schema_version(transcripts.db, "transcripts") == 3
        # a 503 the shopper saw as "I can't reach the store"
        await transcripts.add(
            turn(
                "outage-0001",
                1,
                text="Where is order #12345? My email is Jane.Doe@Example.com",
                calls=[
                    call(
                        "get_order_information", "unavailable", order_id="12345", email="jane.doe@example.com"
                    )
                ],
                requests=[exchange(0, 503), exchange(1, 503)],
            )
        )
        # a 500 retried into a 200, and a 429 retried into a 200: the 500 counts, the 429 does not
        await transcripts.add(turn("retried-002", 2, requests=[exchange(0, 500), exchange(1, 200)]))
        await transcripts.add(turn("ratelimit-3", 3, requests=[exchange(0, 429), exchange(1, 200)]))
        # a 429 after the retries were spent, a timeout, a dropped connection
        await transcripts.add(turn("burst-00004", 4, requests=[exchange(0, 429), exchange(1, 429)]))
        await transcripts.add(turn("timeout-005", 5, requests=[exchange(0, None, error="ReadTimeout")]))
        # a signed-in shopper whose email never appears in the text, a code, a slow turn
        signed_in = {"id": 7, "email": "sam@example.org", "group_id": 1}
        await transcripts.add(
            turn(
                "signedin-06", 6, text="show my orders", customer=signed_in, total_ms=70_000.0, surface="chat"
            )
        )
        await transcripts.add(
            turn(
                "signedin-06",
                7,
                text="is SAVE20 valid?",
                calls=[call("lookup_discount_code", code="save20")],
                surface="chat",
            )
        )
        # a lockout after failed lookups
        await transcripts.add(
            turn("locked-0008", 8, calls=[call("get_order_information", "locked", order_id="99")])
        )
        await transcripts.add(turn("calm-000009", 9, text="hi there"))

        assert await _ids(transcripts, errors=True) == [
            "timeout-005",
            "burst-00004",
            "retried-002",
            "outage-0001",
        ]
        assert await _ids(transcripts, status="error") == await _ids(transcripts, errors=True)
        assert await _ids(transcripts, status="lockout") == ["locked-0008"]
        assert await _ids(transcripts, status="ok") == ["calm-000009", "signedin-06", "ratelimit-3"]
        assert await _ids(transcripts, status="handoff") == []
        with pytest.raises(ValueError, match="--status must be one of"):
            await _ids(transcripts, status="broken")

        assert await _ids(transcripts, keys=(("email", "jane.doe@example.com"),)) == ["outage-0001"]
        assert await _ids(transcripts, keys=(("email", "sam@example.org"),)) == ["signedin-06"]
        assert await _ids(transcripts, keys=(("customer", "7"),)) == ["signedin-06"]
        assert await _ids(transcripts, keys=(("customer", "sam@example.org"),)) == ["signedin-06"]
        assert (
            await _ids(transcripts, keys=(("customer", "jane.doe@example.com"),)) == []
        )  # typed, not verified
        assert await _ids(transcripts, keys=(("order", "12345"),)) == ["outage-0001"]
        assert await _ids(transcripts, keys=(("code", "SAVE20"),)) == ["signedin-06"]
        assert await _ids(transcripts, keys=(("customer", "7"), ("code", "SAVE20"))) == ["signedin-06"]
        assert await _ids(transcripts, keys=(("customer", "7"), ("order", "12345"))) == []
        assert await _ids(transcripts, keys=(("order", "99"),), status="lockout") == ["locked-0008"]
        assert await _ids(transcripts, tool="lookup_discount_code", keys=(("customer", "7"),)) == [
            "signedin-06"
        ]
        assert await _ids(transcripts, slower_than_ms=60_000) == ["signedin-06"]
        assert await _ids(transcripts, surface="chat") == ["signedin-06"]
        assert await _ids(transcripts, thread_prefix="signed") == ["signedin-06"]
        assert await _ids(transcripts, thread_prefix="nothing") == []

        (outage,) = await transcripts.threads(Query(thread_id="outage-0001"))
        assert (
            outage.store_errors == 1 and outage.errors == 0 and outage.failed and outage.statuses == ["error"]
        )
        assert outage.first_message == "Where is order #12345? My email is Jane.Doe@Example.com"
        assert outage.customer_email == "jane.doe@example.com"
        (signed,) = await transcripts.threads(Query(thread_id="signedin-06"))
        assert signed.first_message == "show my orders" and signed.slowest_ms == 70_000.0
        assert signed.customer_id == 7 and signed.customer_email == "sam@example.org" and signed.turns == 2
        assert signed.statuses == ["ok"]

        await transcripts.delete_threads([("abc", "signedin-06")])
        assert await _ids(transcripts, keys=(("customer", "7"),)) == []


async def test_a_long_first_message_is_trimmed(settings: Settings, tmp_path: Path) -> None:
    async with open_transcripts(settings, tmp_path) as transcripts:
        await transcripts.add(turn("long", 1, text="word " * 100))
        (summary,) = await transcripts.threads()
        assert summary.first_message is not None and len(summary.first_message) == 80
        assert summary.first_message.endswith("...")
