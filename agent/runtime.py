"""Running the assistant's turns, and opening a store's checkpointer.

``Agent`` runs shopper turns against the compiled router graph (``agent.turns.stream_turn``) and, with a
recorder, records each one once, whatever the surface. ``Agent.send`` runs one shopper turn; a pending
cancellation waits for the shopper's next message, across restarts. The agent is put together in
``agent.assembly``. Checkpoints are SQLite by default, PostgreSQL for a ``postgresql://`` URL.
"""

from __future__ import annotations

import logging
import uuid
from typing import Any

from langchain_core.messages import HumanMessage
from langgraph.types import Command

from .context import AgentContext
from .counters import Counters
from .handoff import takeover
from .tools.email_code import code_in, without_code
from .transcripts.capture import capturing
from .transcripts.recorder import Recorder, TurnInProgress, TurnInput, store_settings
from .turns import EventSink, TurnResult, answer_kind, pending_confirmation, run_config, stream_turn

__all__ = ["Agent", "EventSink", "TurnResult", "answer_kind"]

log = logging.getLogger(__name__)


def masked_answer(answer: dict[str, Any]) -> dict[str, Any]:
    """A resume answer as its transcript keeps it: an emailed code masked."""
    if "code" not in answer and not isinstance(answer.get("value"), str):
        return answer
    masked = dict(answer)
    if "code" in masked:
        masked["code"] = "******"
    if isinstance(masked.get("value"), str):
        masked["value"] = without_code(masked["value"])
    return masked


class Agent:
    """Runs turns against the compiled graph. With a ``recorder``, every turn is recorded once, in
    ``_run``, whatever the surface (``chat``, ``serve``, ``eval``)."""

    def __init__(self, graph: Any, context: AgentContext, recorder: Recorder | None = None) -> None:
        self.graph = graph
        self.context = context
        self.recorder = recorder
        if recorder is not None and not recorder.store_info:
            recorder.store_info = store_settings(context)

    def _config(self, thread_id: str) -> dict[str, Any]:
        return run_config(thread_id)

    async def pending(self, thread_id: str) -> dict[str, Any] | None:
        """The confirmation a thread is waiting for, if any."""
        return await pending_confirmation(self.graph, thread_id)

    async def send(
        self,
        thread_id: str,
        text: str,
        *,
        verified_customer: dict[str, Any] | None = None,
        product_id: int | None = None,
        on_event: EventSink | None = None,
        surface: str = "chat",
        _request_id: str | None = None,
    ) -> TurnResult:
        """One shopper message. If a cancellation is waiting, the message answers it (only a clear yes, or
        for an emailed-code confirmation a message holding 6 digits, the code, confirms); a message that
        is a new question abandons it and is then answered as usual."""
        request_id = _request_id or uuid.uuid4().hex
        tools = getattr(self.context, "tools", None)
        if tools is not None and _request_id is None:
            held = await takeover.held_by_staff(tools.records, thread_id)
            if held is not None:  # staff have this conversation: the message is theirs, the assistant silent
                given = TurnInput("message", text, None, verified_customer, product_id, request_id)
                turn = self.recorder.begin(thread_id, surface, given) if self.recorder else None
                await takeover.shopper_wrote(tools.records, tools.handoff, held, text)
                silent = TurnResult(routes=["staff"], surface=surface)
                if turn is not None:  # the transcript shows the message, routed to staff
                    silent.turn_id = turn.turn_id
                    await self._record(turn, silent, [], 0, None)
                return silent
        pending = await self.pending(thread_id)
        if pending is not None:
            code = code_in(text) if pending.get("verify") == "email_code" else None
            kind = "code" if code is not None else answer_kind(text)
            answer: dict[str, Any] = {
                "confirm": kind in ("yes", "code"),
                "order_id": pending.get("order_id"),
                "proposal_id": pending.get("proposal_id"),
            }
            if code is not None:
                answer["code"] = code  # the emailed code; recorded masked, never as typed
            said = without_code(text) if code is not None else text  # the transcript keeps no code
            given = TurnInput(
                "confirmation", said, masked_answer(answer), verified_customer, product_id, request_id
            )
            answered = await self._run(thread_id, Command(resume=answer), on_event, surface, given)
            if kind != "other":
                return answered
            rest = await self.send(
                thread_id,
                text,
                verified_customer=verified_customer,
                product_id=product_id,
                on_event=on_event,
                surface=surface,
                _request_id=request_id,
            )
            rest.replies = answered.replies + rest.replies
            rest.evidence = answered.evidence + rest.evidence
            rest.message_ids = answered.message_ids + rest.message_ids
            return rest
        inputs: dict[str, Any] = {"messages": [HumanMessage(content=text)]}
        if verified_customer is not None:
            inputs["verified_customer"] = verified_customer
        if product_id is not None:
            inputs["product_id"] = product_id
        given = TurnInput("message", text, None, verified_customer, product_id, request_id)
        return await self._run(thread_id, inputs, on_event, surface, given)

    async def confirm(
        self, thread_id: str, answer: Any, on_event: EventSink | None = None, surface: str = "chat"
    ) -> TurnResult:
        """Answer a pending confirmation as the widget's buttons do, e.g. ``{"confirm": True, "order_id": N}``
        (with ``"code"`` for an emailed code)."""
        given = TurnInput(
            "confirmation", None, masked_answer(answer if isinstance(answer, dict) else {"value": answer})
        )
        return await self._run(thread_id, Command(resume=answer), on_event, surface, given)

    async def _run(
        self,
        thread_id: str,
        inputs: Any,
        on_event: EventSink | None,
        surface: str = "chat",
        given: TurnInput | None = None,
    ) -> TurnResult:
        """THE turn: every surface's turns run (and are recorded) here."""
        turn = self.recorder.begin(thread_id, surface, given or TurnInput()) if self.recorder else None
        counters = Counters()  # this turn's own: concurrent turns on the store count apart
        with capturing(turn.capture if turn else None):
            try:
                result, history = await stream_turn(
                    self.graph,
                    self.context,
                    thread_id,
                    inputs,
                    on_event=on_event,
                    surface=surface,
                    observe=turn.observe if turn else None,
                    counters=counters,
                )
            except BaseException as exc:
                if turn is not None:
                    await self._record(turn, None, [], counters.router_llm_calls, exc)
                raise
        if turn is not None:
            result.turn_id = turn.turn_id
            await self._record(turn, result, history, counters.router_llm_calls, None)
        return result

    async def _record(
        self,
        turn: TurnInProgress,
        result: TurnResult | None,
        history: list[Any],
        router_calls: int,
        error: BaseException | None,
    ) -> None:
        """Build and keep the turn's record; a failure here is logged and never fails the turn."""
        try:
            record = turn.finish(result, history, router_llm_calls=router_calls, error=error)
        except Exception:
            log.exception("Could not build the transcript of turn %s", turn.turn_id)
            return
        await turn.recorder.write(record)
