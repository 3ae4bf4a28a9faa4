"""How long the console's insights take on the 100,000-conversation transcripts (SQLite): the figures of a
30-day and a 7-day period, best of 3 warm runs, against the issue's budget of 1 s.

    python benchmarks/console_insights.py [--threads 100000]

The database is filled as benchmarks/replay.py fills it (its ``fill``: two turns per conversation, spread
over 60 days, with handoffs, errors, lockouts and slow turns)."""

from __future__ import annotations

import argparse
import asyncio
import sys
import tempfile
import time
from datetime import UTC, datetime, timedelta
from pathlib import Path

sys.path[:] = [p for p in sys.path if Path(p or ".").resolve() != Path(__file__).resolve().parent]
sys.path.insert(0, str(Path(__file__).resolve().parent))

from replay import fill  # noqa: E402  (benchmarks/replay.py)

from agent.console.insights import insights_of  # noqa: E402
from agent.persistence.transcripts import open_transcript_file  # noqa: E402

BUDGET_S = 1.0


async def main(threads: int) -> None:
    with tempfile.TemporaryDirectory(prefix="bcagent-bench-insights-") as folder:
        path = Path(folder) / "transcripts.sqlite"
        await fill(path, threads)
        store = await open_transcript_file(path)
        try:
            print(f"{threads:,} conversations; seconds are the best of 3 warm runs (budget {BUDGET_S:.0f} s)")
            for days in (30, 7):
                since = datetime.now(UTC) - timedelta(days=days)
                await insights_of(store, "benchstore", since)  # warm
                best = float("inf")
                for _ in range(3):
                    started = time.perf_counter()
                    view = await insights_of(store, "benchstore", since)
                    best = min(best, time.perf_counter() - started)
                figures = view["figures"]
                print(
                    f"last {days:2} days: {best:.3f} s ({best / BUDGET_S:.2f} of the budget)  "
                    f"conversations {figures['conversations']:,}, resolved {figures['resolution_rate']}%, "
                    f"handoffs {figures['handoff_rate']}%"
                )
        finally:
            await store.aclose()


if __name__ == "__main__":
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--threads", type=int, default=100_000)
    asyncio.run(main(parser.parse_args().threads))
