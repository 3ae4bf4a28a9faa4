"""Faults during chat, injected with the sandbox's ``PUT /__sandbox__/faults``, through ``Agent.send``
with the offline model: the shopper gets a graceful answer, the thread stays intact, the next turn
works, and no write is made twice."""

from __future__ import annotations

from typing import Any

import pytest

from agent.tools.results import UNAVAILABLE

ASK = "Where is order 12345? My email is jane.doe@example.com"
TRACKING = "1Z999AA10123456784"


def puts(rig: Any, order: int) -> int:
    return sum(1 for m, p in rig.recorder.requests if m == "PUT" and p.endswith(f"/v2/orders/{order}"))


@pytest.mark.parametrize(
    ("fault", "amount"),
    [
        ({"fail_next": 40}, "40 x 500"),
        ({"error_rate": 1.0, "error_status": 503}, "every request 503"),
        ({"drop_rate": 1.0}, "every connection dropped"),
        ({"timeout": True}, "every request times out"),
    ],
    ids=["5xx-burst", "503-outage", "dropped", "timeout"],
)
async def test_a_failing_store_gets_a_graceful_answer_and_the_thread_recovers(
    make_rig: Any, fault: dict[str, Any], amount: str, record_property: Any
) -> None:
    async with make_rig(retries=2) as rig:
        await rig.say("t", "Hi")
        if fault.pop("timeout", False):
            rig.recorder.time_out = True
        else:
            await rig.faults(**fault)
        failed = await rig.say("t", ASK)
        assert UNAVAILABLE in failed.text and TRACKING not in failed.text
        await rig.faults(fail_next=0, error_rate=0.0, drop_rate=0.0)
        rig.recorder.time_out = False
        recovered = await rig.say("t", ASK)
        assert TRACKING in recovered.text  # the next turn works on the same thread
        state = await rig.agent.graph.aget_state({"configurable": {"thread_id": "t"}})
        humans = [m for m in state.values["messages"] if m.type == "human"]
        assert len(humans) == 3  # nothing lost, nothing doubled
    record_property("tried", f"order lookup during {amount}")


async def test_a_429_storm_is_waited_out_as_told_and_the_answer_arrives(make_rig: Any) -> None:
    async with make_rig(retries=4) as rig:
        await rig.faults(burst_429=3)
        turn = await rig.say("t", ASK)
        assert TRACKING in turn.text
        assert len(rig.sleeps) >= 3 and all(s > 0 for s in rig.sleeps)  # waited X-Rate-Limit-Time-Reset-Ms


async def test_a_cancellation_whose_answer_is_lost_is_written_once(
    make_rig: Any, record_property: Any
) -> None:
    async with make_rig(retries=3) as rig:
        ask = await rig.say("t", "Please cancel order 12346, my email is jane.doe@example.com")
        assert ask.confirmation is not None
        path = "/stores/demostore/v2/orders/12346"
        rig.recorder.lose_answer_to.add(("PUT", path))  # BigCommerce cancels it, the answer never arrives
        done = await rig.say("t", "yes")
        assert "cancelled" in done.text.lower() and rig.store.orders[12346]["status_id"] == 5
        assert puts(rig, 12346) == 1  # not retried: the read-back showed it had landed
        again = await rig.say("t", "cancel order 12346 please")
        assert "already cancelled" in again.text.lower() and puts(rig, 12346) == 1
    record_property("tried", "cancellation whose PUT answer is lost, then asked again")


async def test_a_cancellation_during_an_outage_is_never_doubled(make_rig: Any) -> None:
    async with make_rig(retries=2) as rig:
        await rig.say("t", "Please cancel order 12346, my email is jane.doe@example.com")
        await rig.faults(fail_next=2)  # the first read and the PUT fail: nothing is written
        failed = await rig.say("t", "yes")
        assert rig.store.orders[12346]["status_id"] == 5 or "try again" in failed.text.lower()
        await rig.faults(fail_next=0)
        if rig.store.orders[12346]["status_id"] != 5:
            again = await rig.say("t", "cancel order 12346")
            assert again.confirmation is not None
            await rig.say("t", "yes")
        assert rig.store.orders[12346]["status_id"] == 5
        landed = [e for e in (await rig.records.audit_entries(12346)) if e.outcome == "cancelled"]
        assert len(landed) == 1 and puts(rig, 12346) <= 2
