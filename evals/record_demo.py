"""Record the committed replay recordings (``evals/recordings/*.jsonl``) through the real product path.

The sandbox demo store (as ``bcagent demo`` serves it) runs on loopback; it is connected and its catalog
synced into a private home; each conversation goes through ``open_agent`` (the offline model, turns
recorded in the store's transcripts) and is exported with ``bcagent replay export``'s code::

    python -m evals.record_demo [--out evals/recordings]

Run it again only to re-record from scratch (the recordings' turn ids and times change).
"""

from __future__ import annotations

import argparse
import asyncio
import logging
import tempfile
from pathlib import Path

from agent.assembly import open_agent
from agent.persistence.transcripts import Query, open_transcripts
from agent.replay.recording import write
from agent.replay.runner import recording_of_thread
from agent.settings import Settings
from agent.store.catalog import run_ingest
from agent.store.connect import connect_store
from agent.store.connections import ConnectionStore, Secret
from sandbox.app import Sandbox
from sandbox.demo import DEMO_STORE_HASH, FULL_TOKEN
from sandbox.run import SandboxOptions, load_store
from sandbox.server import SandboxServer

log = logging.getLogger(__name__)

CONVERSATIONS: dict[str, list[str | dict[str, object]]] = {
    "order-lookup": ["Where is my order #12345?", "jane.doe@example.com", "thanks!"],
    "product-question": [
        {"text": "What sizes do the Premium Boxing Gloves come in?", "product_id": 1},
        "Are the Premium Boxing Gloves in stock in 16oz blue?",
        "Is the code SAVE20 still valid?",
    ],
    "cancellation": ["Cancel my order 12346", "jane.doe@example.com", "yes"],
}


async def record(
    out: Path, conversations: dict[str, list[str | dict[str, object]]] = CONVERSATIONS
) -> list[Path]:
    written = []
    with tempfile.TemporaryDirectory(prefix="bcagent-record-") as home:
        settings = Settings(home=Path(home))
        sandbox = Sandbox([load_store(SandboxOptions())], quota=10**6)
        with SandboxServer(sandbox, port=0) as server:
            connections = ConnectionStore(settings.home)
            await connect_store(DEMO_STORE_HASH, Secret(FULL_TOKEN), server.base_url, connections)
            await run_ingest(settings, DEMO_STORE_HASH, full=False)
            async with open_agent(settings, DEMO_STORE_HASH, record=True) as agent:
                for name, messages in conversations.items():
                    for message in messages:
                        if isinstance(message, dict):
                            product = message.get("product_id")
                            await agent.send(
                                f"demo-{name}",
                                str(message["text"]),
                                product_id=product if isinstance(product, int) else None,
                                surface="serve",
                            )
                        else:
                            await agent.send(f"demo-{name}", message, surface="serve")
            async with open_transcripts(settings, connections.folder(DEMO_STORE_HASH)) as transcripts:
                for name in conversations:
                    turns = await transcripts.turns(
                        Query(store_hash=DEMO_STORE_HASH, thread_id=f"demo-{name}")
                    )
                    path = out / f"{name}.jsonl"
                    write(recording_of_thread(turns, settings), path)
                    written.append(path)
    return written


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--out", type=Path, default=Path(__file__).parent / "recordings")
    args = parser.parse_args()
    logging.basicConfig(level=logging.WARNING)
    for path in asyncio.run(record(args.out)):
        print(f"wrote {path}")


if __name__ == "__main__":
    main()
