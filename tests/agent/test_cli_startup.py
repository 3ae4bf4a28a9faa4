"""`bcagent` starts without loading what a command does not use: building the parser, `--help` and every
sub-command's `--help` load none of torch, LangGraph, LangChain, Chroma; `replay list`, `replay show` and
`transcripts export` read the transcripts without the model or the graph.

Each check runs in a fresh interpreter (``sys.modules`` of this test process holds everything already).
"""

from __future__ import annotations

import asyncio
import json
import os
import subprocess
import sys
from pathlib import Path

from agent.persistence.transcripts import open_transcript_file
from agent.store.connections import Connection, ConnectionStore, Secret
from agent.transcripts.records import ToolCallRecord, TurnRecord

ROOT = Path(__file__).resolve().parents[2]
HEAVY = (
    "torch",
    "langgraph",
    "langchain_core",
    "chromadb",
    "sentence_transformers",
    "transformers",
    "openai",
    "psycopg",  # the PostgreSQL driver: about a second, and these run on SQLite
)

EVERY_HELP = """
import argparse, contextlib, io, json, sys
from agent.cli import build_parser, main

def walk(parser, prefix):
    found = [prefix]
    for action in parser._actions:
        if isinstance(action, argparse._SubParsersAction):
            for name, sub in action.choices.items():
                found += walk(sub, prefix + [name])
    return found

commands = walk(build_parser(), [])
for argv in commands:
    out = io.StringIO()
    with contextlib.redirect_stdout(out), contextlib.suppress(SystemExit):
        main([*argv, "--help"])
    assert "usage: bcagent" in out.getvalue(), argv
print(json.dumps({"commands": commands, "heavy": [m for m in HEAVY if m in sys.modules]}))
"""

COMMANDS = """
import contextlib, io, json, sys
from agent.cli import main

outputs = {}
for argv in json.loads(sys.argv[1]):
    out = io.StringIO()
    with contextlib.redirect_stdout(out):
        status = main(argv)
    outputs[" ".join(argv[:2])] = [status, out.getvalue()]
print(json.dumps({"outputs": outputs, "heavy": [m for m in HEAVY if m in sys.modules]}))
"""


def _python(code: str, *args: str, home: Path | None = None) -> dict[str, object]:
    env = {**os.environ, "PYTHONPATH": str(ROOT), "NO_COLOR": "1"}
    env.pop("BCAGENT_DATABASE_URL", None)
    if home is not None:
        env["BCAGENT_HOME"] = str(home)
    done = subprocess.run(
        [sys.executable, "-c", f"HEAVY = {HEAVY!r}\n{code}", *args],
        cwd=ROOT,
        env=env,
        capture_output=True,
        text=True,
        timeout=300,
        check=False,
    )
    assert done.returncode == 0, done.stderr
    result: dict[str, object] = json.loads(done.stdout.strip().splitlines()[-1])
    return result


def test_every_help_loads_nothing_heavy() -> None:
    result = _python(EVERY_HELP)
    commands = result["commands"]
    assert isinstance(commands, list)
    names = {" ".join(argv) for argv in commands}
    assert {"", "replay list", "transcripts export", "webhooks register", "eval", "serve"} <= names
    assert result["heavy"] == []


def _turn(thread: str, n: int) -> TurnRecord:
    return TurnRecord(
        turn_id=f"{thread}-{n}",
        request_id=f"request-{n}",
        store_hash="abc1d2ef",
        thread_id=thread,
        started_at=f"2026-01-0{n + 1}T10:00:00.000000Z",
        surface="serve",
        text=f"where is my order 1234{n}?",
        routes=["order_management"],
        tool_calls=[ToolCallRecord(id=f"call-{n}", name="get_order_information", args={"order_id": "12345"})],
        replies=[f"Order #1234{n} is Shipped."],
    )


def _home(tmp_path: Path) -> Path:
    home = tmp_path / "home"
    connections = ConnectionStore(home)
    connections.save(Connection(store_hash="abc1d2ef", api_url="http://127.0.0.1:9/"), Secret("t0ken"))

    async def fill() -> None:
        store = await open_transcript_file(connections.folder("abc1d2ef") / "transcripts.sqlite")
        try:
            for n in range(2):
                await store.add(_turn("thread-one", n))
        finally:
            await store.aclose()

    asyncio.run(fill())
    return home


def test_reading_transcripts_loads_neither_model_nor_graph(tmp_path: Path) -> None:
    exported = tmp_path / "out.jsonl"
    argv = [
        ["replay", "list"],
        ["replay", "show", "thread-one"],
        ["transcripts", "export", "--thread", "thread-one", "-o", str(exported)],
    ]
    result = _python(COMMANDS, json.dumps(argv), home=_home(tmp_path))
    outputs = result["outputs"]
    assert isinstance(outputs, dict)
    assert outputs["replay list"][0] == 0 and "thread-one" in outputs["replay list"][1]
    assert outputs["replay show"][0] == 0 and "Order #12341 is Shipped." in outputs["replay show"][1]
    assert outputs["transcripts export"][0] == 0
    assert [json.loads(line)["turn_id"] for line in exported.read_text().splitlines()] == [
        "thread-one-0",
        "thread-one-1",
    ]
    assert result["heavy"] == []
