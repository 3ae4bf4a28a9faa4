"""The tools as LangChain tools inside a LangGraph run: schemas, injection, switches, and a cancellation
that pauses on interrupt() and resumes from the SQLite checkpointer after a restart."""

from __future__ import annotations

import json
import operator
from pathlib import Path
from typing import Annotated, Any, TypedDict

from langchain_core.messages import AIMessage, AnyMessage, HumanMessage, ToolMessage
from langgraph.checkpoint.sqlite.aio import AsyncSqliteSaver
from langgraph.graph import END, START, StateGraph
from langgraph.prebuilt import ToolNode
from langgraph.types import Command

from agent.context import AgentContext
from agent.counters import Counters
from agent.store.capabilities import TOOL_NAMES
from agent.tools.registry import build_tools
from tests.tools.conftest import ToolsEnv


class State(TypedDict, total=False):
    messages: Annotated[list[AnyMessage], operator.add]
    verified_customer: dict[str, Any] | None
    product_id: int | None


def graph(checkpointer: Any = None) -> Any:
    builder = StateGraph(State)
    builder.add_node("tools", ToolNode(build_tools()))
    builder.add_edge(START, "tools")
    builder.add_edge("tools", END)
    return builder.compile(checkpointer=checkpointer)


def call(name: str, **args: Any) -> dict[str, Any]:
    """The model's call of ``name``, after a shopper message that gave its arguments (provenance)."""
    said = HumanMessage(" ".join(str(value) for value in args.values()) or "hello")
    return {
        "messages": [
            said,
            AIMessage(content="", tool_calls=[{"name": name, "args": args, "id": f"call-{name}"}]),
        ]
    }


def tool_result(output: dict[str, Any]) -> dict[str, Any]:
    message = output["messages"][-1]
    assert isinstance(message, ToolMessage)
    parsed: dict[str, Any] = json.loads(str(message.content))
    return parsed


def test_tools_have_exact_names_schemas_and_descriptions() -> None:
    tools = build_tools()
    assert [t.name for t in tools] == list(TOOL_NAMES)
    for tool in tools:
        assert tool.description and len(tool.description) > 30
        assert "runtime" not in tool.args  # injected, never asked of the model
    assert set(build_tools(["cancel_order"])[0].args) == {"order_id", "email"}


async def test_a_tool_call_runs_with_the_injected_context(env: ToolsEnv) -> None:
    output = await graph().ainvoke(
        call("get_order_information", order_id="12345", email="jane.doe@example.com"),
        {"configurable": {"thread_id": "thread-a"}},
        context=AgentContext(env.ctx),
    )
    outcome = tool_result(output)
    assert (
        outcome["status"] == "ok"
        and outcome["order"]["shipments"][0]["tracking_number"] == "1Z999AA10123456784"
    )
    assert (await env.ctx.records.load("thread-a")).bound_email == "jane.doe@example.com"


async def test_verified_customer_comes_from_the_graph_state(env: ToolsEnv) -> None:
    state = call("get_order_information", order_id="12346")
    state["verified_customer"] = {"id": 1, "email": "jane.doe@example.com"}
    output = await graph().ainvoke(
        state, {"configurable": {"thread_id": "t-v"}}, context=AgentContext(env.ctx)
    )
    assert tool_result(output)["status"] == "ok"


async def test_disabled_tools_refuse(env: ToolsEnv) -> None:
    env.ctx.connection.disabled_tools = ["lookup_discount_code"]
    output = await graph().ainvoke(
        call("lookup_discount_code", code="SAVE20"),
        {"configurable": {"thread_id": "t"}},
        context=AgentContext(env.ctx),
    )
    assert tool_result(output)["status"] == "disabled"
    env.ctx.connection.disabled_tools = []
    env.ctx.connection.scopes["marketing"] = "none"
    output = await graph().ainvoke(
        call("check_gift_card_balance", code="GIFT-DEMO-0001"),
        {"configurable": {"thread_id": "t"}},
        context=AgentContext(env.ctx),
    )
    assert tool_result(output)["status"] == "disabled"


async def test_cancellation_waits_for_confirmation_and_resumes_after_a_restart(
    env: ToolsEnv, tmp_path: Path
) -> None:
    config = {"configurable": {"thread_id": "cancel-thread"}}
    context = AgentContext(env.ctx)
    database = str(tmp_path / "checkpoints.sqlite")
    async with AsyncSqliteSaver.from_conn_string(database) as saver:
        paused = await graph(saver).ainvoke(
            call("cancel_order", order_id="12346", email="jane.doe@example.com"), config, context=context
        )
    (pending,) = paused["__interrupt__"]
    confirmation = pending.value
    assert confirmation["order_id"] == 12346 and "Cancel order #12346" in confirmation["question"]
    assert env.store.orders[12346]["status_id"] == 11
    # The process "restarts": a new graph and a new connection to the same checkpoint file.
    async with AsyncSqliteSaver.from_conn_string(database) as saver:
        answer = {"confirm": True, "order_id": 12346, "proposal_id": confirmation["proposal_id"]}
        resumed = await graph(saver).ainvoke(Command(resume=answer), config, context=context)
    outcome = tool_result(resumed)
    assert outcome["status"] == "ok" and outcome["cancelled"] is True
    assert env.store.orders[12346]["status"] == "Cancelled"
    assert [e.outcome for e in await env.ctx.records.audit_entries(12346)] == [
        "proposed",
        "proposed",
        "cancelled",
    ]


async def test_resuming_with_another_order_changes_nothing(env: ToolsEnv, tmp_path: Path) -> None:
    config = {"configurable": {"thread_id": "cancel-2"}}
    context = AgentContext(env.ctx)
    async with AsyncSqliteSaver.from_conn_string(str(tmp_path / "c.sqlite")) as saver:
        compiled = graph(saver)
        paused = await compiled.ainvoke(
            call("cancel_order", order_id="12346", email="jane.doe@example.com"), config, context=context
        )
        proposal_id = paused["__interrupt__"][0].value["proposal_id"]
        answer = {"confirm": True, "order_id": 12345, "proposal_id": proposal_id}
        resumed = await compiled.ainvoke(Command(resume=answer), config, context=context)
    assert tool_result(resumed)["status"] == "refused"
    assert env.store.orders[12346]["status_id"] == 11


async def test_an_argument_the_shopper_never_gave_is_refused_before_the_store(env: ToolsEnv) -> None:
    state = call("check_gift_card_balance", code="GIFT-DEMO-0001")
    state["messages"][0] = HumanMessage("what's my gift card balance?")
    counters, output = Counters(), {}
    async for mode, chunk in graph().astream(
        state,
        {"configurable": {"thread_id": "t-p"}},
        context=AgentContext(env.ctx),
        stream_mode=["custom", "values"],
    ):
        if mode == "custom":
            assert counters.take(chunk)
        else:
            output = chunk
    outcome = tool_result(output)
    assert outcome["status"] == "needs_info" and outcome["reason"] == "unproven_argument"
    assert "GIFT-DEMO-0001" not in json.dumps(outcome)  # nothing about the real certificate
    assert (await env.ctx.records.load("t-p")).wrong_gift_codes == 0
    assert counters.provenance_refusals == 1  # counted on the run's own stream


async def test_the_handoff_summary_is_what_the_shopper_said(env: ToolsEnv) -> None:
    state = call("transfer_to_human", summary="Customer wants a refund for a yacht.")
    state["messages"][0] = HumanMessage("My gloves arrived torn, can someone look at it?")
    output = await graph().ainvoke(
        state, {"configurable": {"thread_id": "t-h"}}, context=AgentContext(env.ctx)
    )
    assert tool_result(output)["status"] == "ok"
    (handoff,) = await env.ctx.records.handoffs()
    assert handoff.summary == "My gloves arrived torn, can someone look at it?"
    assert handoff.reason is not None and handoff.reason.startswith("model's note:")
