"""How often a person-related request ends with a handoff made or offered, from an eval run's results.

Run the realistic phrasing set's person-related scenarios (asking for a person, complaints, damaged or
wrong items, payment problems, fraud), then read their per-trial results:

    .venv/bin/bcagent eval run evals/scenarios/realistic/handoff.yaml --results /tmp/handoff.jsonl
    .venv/bin/python benchmarks/handoff_offer_rate.py /tmp/handoff.jsonl

A trial counts when a turn called ``transfer_to_human`` or a reply asked "Would you like me to pass this
to our team?". The goal is at least 95%.
"""

from __future__ import annotations

import argparse
import json
from pathlib import Path

from agent.handoff.offer import OFFER_QUESTION


def main() -> None:
    parser = argparse.ArgumentParser(description="handoff made or offered, from `bcagent eval run --results`")
    parser.add_argument("results", type=Path)
    args = parser.parse_args()
    rows = [json.loads(line) for line in args.results.read_text().splitlines() if line.strip()]
    good = 0
    for row in rows:
        turns = row["transcript"]["turns"]
        made = any(c["name"] == "transfer_to_human" for t in turns for c in t["tool_calls"])
        offered = any(OFFER_QUESTION in reply for t in turns for reply in t["replies"])
        good += made or offered
        if not (made or offered):
            last = turns[-1]
            print(
                f"neither: {row['scenario']}: {last['user'][:80]!r} -> {(last['replies'] or [''])[-1][:120]!r}"
            )
    rate = good / len(rows) if rows else 0.0
    print(f"handoff made or offered: {good}/{len(rows)} = {rate:.1%} (goal >= 95%)")


if __name__ == "__main__":
    main()
