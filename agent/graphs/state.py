"""Graph states. The router graph carries the whole conversation; each subgraph has its own narrow
state with only what its model and tools read (the tools read ``verified_customer`` and ``product_id``)."""

from __future__ import annotations

from typing import Annotated, Any, TypedDict

from langchain_core.messages import AnyMessage
from langgraph.graph.message import add_messages

Route = str  # "order_management" | "product_expert" | "respond"


class AgentState(TypedDict, total=False):
    messages: Annotated[list[AnyMessage], add_messages]
    verified_customer: dict[str, Any] | None
    product_id: int | None
    active: str | None  # the subgraph a follow-up stays in
    routes: list[str]  # this turn's plan, in order
    requests: dict[str, str]  # route -> the part of the message it answers (two requests in one message)
    last_routes: list[str]  # the routes the last turn took (for evals and the chat's activity line)
    turn_start: int  # index of this turn's human message in ``messages``
    grounding_violations: int
    grounding_replaced: list[dict[str, Any]]  # the last replacements: original, replacement, unsupported
    read_as: list[dict[str, str]]  # this turn's words read as others ("hw" -> "how"), for the transcript
    person_offered: bool  # the last reply offered a person (a "yes" now makes the handoff)
    offer_reason: str | None  # why it was offered ("payment problem", "lookup lockout", ...)
    unhelped_turns: int  # turns in a row the assistant could not help
    pending: (
        dict[str, Any] | None
    )  # the request waiting for a detail the assistant asked for (models/pending.py)


class OrderState(TypedDict, total=False):
    messages: Annotated[list[AnyMessage], add_messages]
    verified_customer: dict[str, Any] | None
    product_id: int | None


class ProductState(TypedDict, total=False):
    messages: Annotated[list[AnyMessage], add_messages]
    verified_customer: dict[str, Any] | None
    product_id: int | None
