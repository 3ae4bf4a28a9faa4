"""Eval trials record their turns too (surface ``eval``), into the store the eval environment is given."""

from __future__ import annotations

from pathlib import Path

from agent.persistence.transcripts import Query, open_transcript_file
from agent.settings import Settings
from evals.runner import EvalEnvironment, run_trial
from evals.scenario import load_file
from ingest.embeddings import MiniLMEmbedding
from tests.conftest import SMALL_FULL_TOKEN, SMALL_STORE


async def test_an_eval_trial_is_recorded(embedder: MiniLMEmbedding, tmp_path: Path) -> None:
    scenario = tmp_path / "s.yaml"
    scenario.write_text(
        f"""- id: small-cancel
  store: {SMALL_STORE}
  turns:
    - user: "please cancel order 100, ann@example.com"
    - confirm: yes
  expect:
    reply_contains: ["cancelled"]
"""
    )
    (item,), _ = load_file(scenario)
    transcripts = await open_transcript_file(tmp_path / "eval.sqlite")
    env = EvalEnvironment(Settings(home=tmp_path / "home"), embedder, transcripts=transcripts)
    try:
        transcript = await run_trial(env, item, 0)
        assert transcript.error is None
        turns = await transcripts.turns(Query())
    finally:
        await transcripts.aclose()
    assert [t.surface for t in turns] == ["eval", "eval"] and turns[0].thread_id.startswith(
        "eval-small-cancel-0-"
    )
    assert [t.kind for t in turns] == ["message", "confirmation"]
    assert turns[0].confirmation_asked is not None and turns[1].answer is not None
    put = [r for r in turns[1].requests if r.method == "PUT"]
    assert put and put[0].path == "/v2/orders/100" and put[0].status == 200
    assert SMALL_FULL_TOKEN.encode() not in (tmp_path / "eval.sqlite").read_bytes()
