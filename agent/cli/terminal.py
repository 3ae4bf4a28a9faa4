"""The terminal chat: streaming replies, tool activity shown discreetly, Yes/No prompts for
confirmations, /new and /quit, clean exit on Ctrl-C and end of input. Piped input (not a terminal) is
read one shopper message per line, with the replies printed in order, so scripts can drive it."""

from __future__ import annotations

import asyncio
import sys
import uuid
from typing import Any, TextIO

from ..runtime import Agent
from ..turns import TurnResult

HELP = "Type a message. /new starts a new conversation, /quit leaves."


class ChatSession:
    def __init__(
        self,
        agent: Agent,
        thread_id: str | None = None,
        verified_customer: dict[str, Any] | None = None,
        product_id: int | None = None,
        out: TextIO | None = None,
        interactive: bool | None = None,
    ) -> None:
        self.agent = agent
        self.thread_id = thread_id or f"chat-{uuid.uuid4().hex[:12]}"
        self.verified_customer = verified_customer
        self.product_id = product_id
        self.out = out or sys.stdout
        self.interactive = sys.stdin.isatty() if interactive is None else interactive
        self._streamed = ""

    def _write(self, text: str) -> None:
        self.out.write(text)
        self.out.flush()

    def _event(self, kind: str, payload: Any) -> None:
        if not self.interactive:
            return
        if kind == "token":
            if not self._streamed:
                self._write("assistant> ")
            self._streamed += str(payload)
            self._write(str(payload))
        elif kind == "tool":
            args = ", ".join(f"{k}={v!r}" for k, v in payload["args"].items() if k != "email")
            self._write(
                f"\n  \u00b7 {payload['name']}({args})\n"
                if self._streamed
                else f"  \u00b7 {payload['name']}({args})\n"
            )

    def _print_turn(self, result: TurnResult) -> None:
        streamed = self._streamed
        if streamed:
            self._write("\n")
        for reply in result.replies:
            if streamed and reply.strip() == streamed.strip():
                continue
            self._write(f"assistant> {reply}\n" if self.interactive else f"{reply}\n")
        self._streamed = ""

    async def turn(self, text: str) -> TurnResult:
        result = await self.agent.send(
            self.thread_id,
            text,
            verified_customer=self.verified_customer,
            product_id=self.product_id,
            on_event=self._event,
        )
        self._print_turn(result)
        return result

    async def _confirm(self, result: TurnResult, ask: Any) -> None:
        confirmation = result.confirmation
        while confirmation is not None and self.interactive:
            answer = (await ask("  Confirm? [y/N] ")).strip().lower()
            decision = {
                "confirm": answer in ("y", "yes"),
                "order_id": confirmation.get("order_id"),
                "proposal_id": confirmation.get("proposal_id"),
            }
            result = await self.agent.confirm(self.thread_id, decision, on_event=self._event)
            self._print_turn(result)
            confirmation = result.confirmation

    async def run(self, stdin: TextIO | None = None) -> int:
        source = stdin or sys.stdin
        loop = asyncio.get_running_loop()

        async def ask(prompt: str) -> str:
            if self.interactive:
                self._write(prompt)
            line = str(await loop.run_in_executor(None, source.readline))
            if not line:
                raise EOFError
            return line.rstrip("\n")

        if self.interactive:
            self._write(f"{HELP}\n")
        while True:
            try:
                text = await ask("you> ")
            except (EOFError, KeyboardInterrupt):
                if self.interactive:
                    self._write("\nBye.\n")
                return 0
            command = text.strip().lower()
            if command in ("/quit", "/exit"):
                return 0
            if command == "/new":
                self.thread_id = f"chat-{uuid.uuid4().hex[:12]}"
                self._write("(new conversation)\n")
                continue
            if not text.strip() and not self.interactive:
                continue
            try:
                result = await self.turn(text)
                await self._confirm(result, ask)
            except (EOFError, KeyboardInterrupt):
                self._write("\nBye.\n")
                return 0
