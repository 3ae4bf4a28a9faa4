"""The router graph: send each shopper message to Order Management, Product Expert, or a direct reply.

    START -> route -> order_management -> ... -> ground -> END
                   -> product_expert   -> ... -> ground
                   -> respond          -> ... -> ground

Routing first asks the semantic router (embedding nearest neighbours over labelled utterances); only
when it is unsure, and a real LLM is configured, does it ask the LLM. A follow-up ("12345", "yes")
stays in the active subgraph. A message with two requests runs both subgraphs, each on its part. The
grounding guard checks every reply of the turn before it leaves.
"""

from __future__ import annotations

import logging
import re
from collections.abc import Hashable, Sequence
from typing import Any, Literal
from urllib.parse import urlsplit

from langchain_core.messages import AIMessage, BaseMessage, HumanMessage
from langchain_core.runnables import RunnableConfig
from langgraph.config import get_config
from langgraph.graph import END, START, StateGraph
from langgraph.graph.state import CompiledStateGraph
from langgraph.runtime import Runtime

from ..context import AgentContext
from ..counters import count, count_failure
from ..handoff.offer import complaint_kind
from ..models.browse import about_products, on_the_page
from ..models.entities import extract_entities
from ..models.intents import ROUTE_OF_INTENT, Understanding
from ..models.llm_call import time_left
from ..models.offer import OFFER_PERSON
from ..models.offline import CONTINUATIONS, about_its_code, guess_intent, split_codes, text_of
from ..models.pending import SHORT_ANSWER, PendingRequest, left_open
from ..transcripts.capture import timed
from . import claims, order_management, person, product_expert
from .grounding import check_reply, evidence_of, fallback_reply
from .reading import read
from .respond import direct_reply, handoff_messages
from .state import AgentState
from .store_codes import mark_store_codes

log = logging.getLogger(__name__)
CONFIDENT = 0.4
ASKS_FOR_A_PERSON = re.compile(
    r"\b(?:connect|talk|speak|transfer|put|hand)\b.{0,20}\b(?:human|person|someone|agent|staff|"
    r"representative|member of (?:your|the) team|your team)\b",
    re.IGNORECASE,
)
ALWAYS_DIRECT = frozenset({"greeting", "thanks", "goodbye", "prompt_attack"})  # whatever the confidence
SUBGRAPHS = ("order_management", "product_expert")
OFFERED_HANDOFF = "transfer_to_human"  # a pending offer of a person (``respond``'s cannot-help replies)
Next = Literal["order_management", "product_expert", "respond", "ground"]


def _turn_start(messages: Sequence[BaseMessage]) -> int:
    return max((i for i, m in enumerate(messages) if isinstance(m, HumanMessage)), default=0)


def _supported(understanding: Understanding) -> bool:
    """A task intent backed by the detail it needs (an order number, a code) is trusted as is."""
    entities = understanding.entities
    if understanding.intent in ("order_status", "order_cancel"):
        return bool(entities.order_ids)
    if understanding.intent in ("gift_card_balance", "discount_code"):
        return bool(entities.codes)
    return False


async def _route_one(state: AgentState, context: AgentContext, text: str) -> tuple[str, str]:
    """(route, intent) for one request."""
    if context.nlu is None:
        return "respond", "unknown"
    if ASKS_FOR_A_PERSON.search(text):
        return "respond", "handoff"
    understanding = context.nlu.understand(text)
    if person.trouble_not_a_cancel(text, understanding.intent):
        return "respond", "trouble"  # "charged twice for 12345, pls fix": an apology and the offer, no cancel
    pending = PendingRequest.from_state(state.get("pending"))
    waiting = (state.get("pending") or {}).get("route")
    if pending is not None and pending.tool == OFFERED_HANDOFF and understanding.intent in ("affirm", "deny"):
        return "respond", (
            "handoff" if understanding.intent == "affirm" else "declined"
        )  # the offer answered
    if (
        pending is not None
        and waiting in SUBGRAPHS
        and pending.details(understanding.entities)
        and (
            understanding.intent in CONTINUATIONS
            or (ROUTE_OF_INTENT.get(understanding.intent) == "respond" and len(text.split()) <= SHORT_ANSWER)
        )
    ):
        return waiting, understanding.intent  # the detail the assistant asked for: the question stays asked
    if about_products(text, understanding.intent, understanding.entities):
        return "product_expert", "product_info"  # "do you sell kettlebells", "X vs Y": a shortlist
    if state.get("product_id") and on_the_page(text, understanding):
        return "product_expert", "product_info"  # "what scents does this come in" on the perfume's page
    route = ROUTE_OF_INTENT.get(understanding.intent, "respond")
    active = state.get("active")
    if route == "follow_up":
        if active:
            return active, understanding.intent
        guessed = guess_intent(understanding)
        return (ROUTE_OF_INTENT[guessed] if guessed else "respond"), understanding.intent
    if understanding.intent in ALWAYS_DIRECT:
        return "respond", understanding.intent
    guessed = guess_intent(understanding) if route == "respond" else None
    if guessed is not None:  # "can I use SHIP5": out of scope by its words, about a code by its content
        return ROUTE_OF_INTENT[guessed], understanding.intent
    if understanding.confidence >= CONFIDENT or _supported(understanding):
        return route, understanding.intent
    if about_its_code(understanding):  # "also is TAKE15 still valid?" read, unsure, as about an order
        guessed = guess_intent(understanding)
        if guessed is not None:
            return ROUTE_OF_INTENT[guessed], guessed
    if context.llm is not None:
        from ..models import openai_model

        left = time_left()
        if left is None or left > 2:
            count("router_llm_calls", "llm_calls")
            timeout = context.llm_settings.timeout_seconds
            try:
                decision = await openai_model.llm_route(
                    context.llm,
                    text,
                    state.get("messages", []),
                    store_name=context.store_name,
                    memory=context.routing,
                    timeout=timeout if left is None else min(timeout, left),
                )
                return decision.route, understanding.intent
            except openai_model.ModelError as exc:
                count_failure(f"router_{openai_model.failure_kind(exc)}")
                log.warning(
                    "LLM routing failed, using the semantic route: %s", openai_model.describe_model_error(exc)
                )
    if active in SUBGRAPHS:
        return active, understanding.intent
    return route, understanding.intent


async def route(state: AgentState, runtime: Runtime[AgentContext]) -> dict[str, Any]:
    messages = state["messages"]
    start = _turn_start(messages)
    reading = read(runtime.context, text_of(messages[start]) if messages else "")
    text = reading.text  # text-speak expanded, misspellings corrected: what every route reads
    text = await mark_store_codes(runtime.context, text)  # "is summer-sale still valid?": the store's code
    decided = await person.before_routing(state, runtime.context, text) if text.strip() else None
    if decided is not None:  # the answer to the handoff's question (contact, or the offer of a person)
        requests = {
            "respond": text,
            "respond_intent": decided[0],
            "respond_reply": decided[1],
            "respond_reason": str(state.get("offer_reason") or "") if decided[0] == "handoff" else "",
        }
        return _respond_only(start, requests, reading.note())
    nlu = runtime.context.nlu
    # read whole, before the split: "i got charged twice for order 12345!! pls fix" is one complaint,
    # whose parts would each read as something else (a refund question, an address change)
    if (
        nlu is not None
        and complaint_kind(text) is not None
        and person.trouble_not_a_cancel(text, nlu.understand(text).intent)
    ):
        # a payment problem, a damaged or wrong item or fraud: an apology and the offer of a person
        trouble = _respond_only(start, {"respond": text, "respond_intent": "trouble"}, reading.note())
        return {**trouble, "pending": None}
    parts = nlu.split_requests(text) if nlu is not None and text.strip() else [text]
    plan: dict[str, str] = {}
    intents: dict[str, str] = {}
    for part in parts:
        if not part.strip():  # nothing of the shopper's own (only pasted material or invisible characters)
            plan["respond"], intents["respond"] = "", "unknown"
            continue
        target, intent = await _route_one(state, runtime.context, part)
        plan[target] = f"{plan[target]} {part}".strip() if target in plan else part
        intents.setdefault(target, intent)
    if len(plan) > 1 and intents.get("respond") != "handoff":
        plan.pop("respond", None)  # "hi, where is my order?" is a question about an order
    if nlu is not None and text.strip():
        _share_details(plan, text, extract_entities(text))  # regular expressions only: no second embedding
    if len(plan) == 1:
        plan = {next(iter(plan)): text}
    offered = PendingRequest.from_state(state.get("pending"))
    if intents.get("respond") == "handoff" and offered is not None and offered.tool == OFFERED_HANDOFF:
        plan["respond"] = f"{offered.question} ({text})"  # "yes" to the offer: the team reads the question
    routes = [r for r in ("order_management", "product_expert", "respond") if r in plan]
    requests = dict(plan)
    requests["respond_intent"] = intents.get("respond", "unknown")
    update: dict[str, Any] = {
        "routes": routes,
        "requests": requests,
        "turn_start": start,
        "last_routes": routes,
        "read_as": reading.note(),
        "person_offered": False,
    }
    if routes != ["respond"] or intents.get("respond") in ("handoff", "declined"):
        update["pending"] = None  # set again by the subgraph that asks for a detail this turn
    return update


def _respond_only(start: int, requests: dict[str, str], read_as: list[dict[str, str]]) -> dict[str, Any]:
    """A turn decided before the split: only the respond node answers it, with ``requests``."""
    return {
        "routes": ["respond"],
        "requests": requests,
        "turn_start": start,
        "last_routes": ["respond"],
        "read_as": read_as,
        "person_offered": False,
    }


def _share_details(plan: dict[str, str], text: str, entities: Any) -> None:
    """Details the parts of one message share: the email goes to every request that needs it ("what did
    I buy in order 12345 and how much was it? jane@x.com"), and a message with a gift code and a
    discount code asks both subgraphs."""
    gift, other = split_codes(text, entities.codes)
    if gift and other:
        for target in ("order_management", "product_expert"):
            plan.setdefault(target, text)
    if len(entities.emails) == 1:
        email = entities.emails[0]
        for target in ("order_management",):
            if target in plan and email not in plan[target].lower():
                plan[target] = f"{plan[target]} {email}"


def first_route(state: AgentState) -> Next:
    return _next(state.get("routes", []), None)


def _next(routes: list[str], done: str | None) -> Next:
    remaining = routes[routes.index(done) + 1 :] if done in routes else routes
    return remaining[0] if remaining else "ground"  # type: ignore[return-value]


def _subgraph_input(state: AgentState, target: str, context: AgentContext | None = None) -> dict[str, Any]:
    messages = state["messages"]
    start = state.get("turn_start", _turn_start(messages))
    request = state.get("requests", {}).get(target)
    human = messages[start]
    if request and request != text_of(human):
        human = HumanMessage(content=request)
    earlier: list[BaseMessage] = list(messages[:start])
    if context is not None:  # earlier messages read as this one is ("the premum gloves" then "16oz?")
        earlier = [_as_read(context, m) for m in earlier]
    return {
        "messages": [*earlier, human],
        "verified_customer": state.get("verified_customer"),
        "product_id": state.get("product_id"),
    }


def _as_read(context: AgentContext, message: BaseMessage) -> BaseMessage:
    if not isinstance(message, HumanMessage):
        return message
    reading = read(context, text_of(message))
    if reading.text == reading.original:
        return message
    return HumanMessage(content=reading.text, id=message.id)


def subgraph_node(target: str) -> Any:
    graph = order_management.graph if target == "order_management" else product_expert.graph

    async def run(
        state: AgentState, config: RunnableConfig, runtime: Runtime[AgentContext]
    ) -> dict[str, Any]:
        given = _subgraph_input(state, target, runtime.context)
        output = await graph.ainvoke(given, config)
        new = output["messages"][len(given["messages"]) :]
        update: dict[str, Any] = {"messages": new, "active": target}
        asked = left_open(output["messages"])
        if asked is not None:
            update["pending"] = {**asked.as_state(), "route": target}
        return update

    return run


async def respond(state: AgentState, runtime: Runtime[AgentContext]) -> dict[str, Any]:
    config = get_config()
    requests = state.get("requests", {})
    text = (
        requests["respond"]
        if "respond" in requests
        else text_of(state["messages"][state.get("turn_start", 0)])
    )
    conversation = person.conversation_of(
        state, str(config.get("configurable", {}).get("thread_id", "default"))
    )
    intent = requests.get("respond_intent", "unknown")
    if intent == "trouble":
        return {"messages": [AIMessage(content=person.SORRY)]}
    if intent == "handoff_said":
        return {"messages": [AIMessage(content=requests.get("respond_reply") or person.NOT_NOW)]}
    if intent == "handoff" and text.strip():
        messages = state["messages"]
        reason = requests.get("respond_reason") or None  # the offer's reason, when this accepts it
        return {"messages": await handoff_messages(runtime.context, conversation, text, messages, reason)}
    reply = await direct_reply(runtime.context, conversation, intent, text)
    update: dict[str, Any] = {"messages": [AIMessage(content=reply)]}
    if reply.endswith(OFFER_PERSON):  # the offer of a person is a question: a "yes" next turn hands off
        update["pending"] = PendingRequest(OFFERED_HANDOFF, question=text).as_state() | {"route": "respond"}
    return update


def after(done: str) -> Any:
    def next_step(state: AgentState) -> Next:
        return _next(state.get("routes", []), done)

    return next_step


async def ground(state: AgentState, runtime: Runtime[AgentContext]) -> dict[str, Any]:
    messages = state["messages"]
    start = state.get("turn_start", 0)
    said = "\n".join(text_of(m) for m in messages if isinstance(m, HumanMessage))
    store_host = urlsplit(runtime.context.tools.connection.secure_url or "").hostname
    evidence = claims.Evidence.of(evidence_of(messages), said, [store_host] if store_host else [])
    question = text_of(messages[start]) if messages else ""
    replaced: list[AIMessage] = []
    notes: list[dict[str, Any]] = []  # what was replaced, for the transcript (read from this update)
    for message in messages[start:]:
        if not isinstance(message, AIMessage) or message.tool_calls or not text_of(message):
            continue
        check = check_reply(text_of(message), evidence)
        if check.grounded:
            continue
        log.warning("reply replaced: not backed by a tool result: %s", "; ".join(check.unsupported)[:300])
        replacement = fallback_reply(messages, question)
        note = dict((message.response_metadata or {}).get("bcagent", {}))
        note["grounding_replaced"] = list(check.unsupported)
        replaced.append(
            AIMessage(
                content=replacement,
                id=message.id,
                response_metadata={"bcagent": note},
                usage_metadata=message.usage_metadata,
            )
        )
        notes.append(
            {"original": text_of(message), "replacement": replacement, "unsupported": list(check.unsupported)}
        )
    read_as = state.get("read_as") or []
    if read_as:
        replaced = _with_reading(messages[start:], replaced, read_as)
    if not notes:
        return {"messages": replaced} if replaced else {}
    count("grounding_replacements", n=len(notes), writer=runtime.stream_writer)
    return {
        "messages": replaced,
        "grounding_violations": state.get("grounding_violations", 0) + len(notes),
        "grounding_replaced": notes,
    }


def _with_reading(
    turn: Sequence[BaseMessage], replaced: list[AIMessage], read_as: list[dict[str, str]]
) -> list[AIMessage]:
    """The turn's last reply noted with what was read as what (``response_metadata["bcagent"]["read_as"]``),
    so the transcript shows it."""
    last = next(
        (m for m in reversed(turn) if isinstance(m, AIMessage) and not m.tool_calls and text_of(m)), None
    )
    if last is None:
        return replaced
    target = next((m for m in replaced if m.id == last.id), last)
    note = dict((target.response_metadata or {}).get("bcagent", {}))
    note["read_as"] = read_as
    noted = AIMessage(
        content=target.content,
        id=target.id,
        response_metadata={**(target.response_metadata or {}), "bcagent": note},
        usage_metadata=target.usage_metadata,
    )
    return [m for m in replaced if m.id != last.id] + [noted]


def build(checkpointer: Any = None) -> CompiledStateGraph[Any, Any, Any, Any]:
    builder = StateGraph(AgentState, context_schema=AgentContext)
    builder.add_node("route", timed("route", "bcagent", route))
    for target in SUBGRAPHS:
        builder.add_node(target, timed(target, "bcagent", subgraph_node(target)))
    builder.add_node("respond", timed("respond", "bcagent", respond))
    builder.add_node("ground", timed("ground", "bcagent", ground))
    builder.add_node("offer", timed("offer", "bcagent", person.offer))
    builder.add_edge(START, "route")
    targets: dict[Hashable, str] = {
        "order_management": "order_management",
        "product_expert": "product_expert",
        "respond": "respond",
    }
    builder.add_conditional_edges("route", first_route, {**targets, "ground": "ground"})
    for done in ("order_management", "product_expert", "respond"):
        builder.add_conditional_edges(done, after(done), {**targets, "ground": "ground"})
    builder.add_edge("ground", "offer")
    builder.add_edge("offer", END)
    return builder.compile(checkpointer=checkpointer, name="bcagent")
