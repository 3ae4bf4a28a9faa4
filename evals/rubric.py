"""Rubric checks: statements about a conversation ("the assistant apologises for the delay") that an LLM
judges. They run only when an LLM is configured and are reported apart from pass/fail: a judge is
itself a model, so its verdicts are evidence, not a gate. With the offline model every statement is
listed as "not graded".
"""

from __future__ import annotations

import asyncio
from typing import Any

from .metrics import TrialResult
from .scenario import LoadedScenario

JUDGE_PROMPT = """You grade a conversation between a shopper and an online store's support assistant.
Statement about the assistant's behaviour: {statement}

Conversation:
{conversation}

Does the statement hold? Answer MET or NOT MET on the first line, then one short sentence saying why."""


def _conversation(transcript: dict[str, Any]) -> str:
    lines = []
    for turn in transcript.get("turns", []):
        lines.append(f"Shopper: {turn.get('user', '')}")
        for reply in turn.get("replies", []):
            lines.append(f"Assistant: {reply}")
    return "\n".join(lines)


def verdict_of(answer: str) -> tuple[str, str]:
    """("met" | "not met" | "not graded", reason) from the judge's answer."""
    first, _, rest = answer.strip().partition("\n")
    head = first.strip().upper()
    if head.startswith("NOT MET"):
        return "not met", rest.strip()
    if head.startswith("MET"):
        return "met", rest.strip()
    return "not graded", f"the judge answered {first.strip()[:80]!r}"


async def judge(llm: Any, statements: list[str], transcript: dict[str, Any]) -> list[dict[str, Any]]:
    """One verdict per statement; ``llm`` None (offline) grades nothing."""
    if llm is None:
        return [{"statement": s, "verdict": "not graded", "reason": "no LLM configured"} for s in statements]
    from langchain_core.messages import HumanMessage

    out = []
    conversation = _conversation(transcript)
    for statement in statements:
        prompt = JUDGE_PROMPT.format(statement=statement, conversation=conversation)
        try:
            answer = str((await llm.ainvoke([HumanMessage(content=prompt)])).content)
            verdict, reason = verdict_of(answer)
        except Exception as exc:  # a judge that fails grades nothing; the run goes on
            verdict, reason = "not graded", f"the judge failed: {type(exc).__name__}"
        out.append({"statement": statement, "verdict": verdict, "reason": reason})
    return out


async def judge_all(llm: Any, results: list[TrialResult], items: list[LoadedScenario]) -> None:
    """Fill in ``rubric`` on every result whose scenario has rubric statements."""
    statements = {i.scenario.id: i.scenario.expect.rubric for i in items if i.scenario.expect.rubric}
    pending = [r for r in results if r.scenario in statements and not r.rubric and not r.error]

    async def one(result: TrialResult) -> None:
        result.rubric = await judge(llm, statements[result.scenario], result.transcript)

    await asyncio.gather(*(one(r) for r in pending))
