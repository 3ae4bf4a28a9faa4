"""A turn answered from the catalog mirror is recorded with its mirror reads (the product, the copy's
age) and no store request for them; the replay answers the same reads from the recording, so the
conversation replays clean without sending anything."""

from __future__ import annotations

from collections.abc import Iterable
from pathlib import Path

from agent.models.intents import NLU
from agent.persistence.transcripts import Query
from agent.replay.recording import from_turns
from agent.replay.runner import ReplayOptions, replay
from agent.replay.timeline import render
from agent.settings import Settings
from agent.tools.mirror import MirroredFact
from bigcommerce.types.catalog import Product
from sandbox.demo import DEMO_STORE_HASH
from tests.transcripts.conftest import Recorded

THREAD = "mirror-thread"


class StaticMirror:
    """A fake mirror: the copies it was given, each ``age`` seconds old (the freshness rules are
    tested in tests/tools/test_mirror.py)."""

    def __init__(self, products: list[Product], age: float) -> None:
        self.copies = {p.id: MirroredFact(p, age) for p in products if p.id is not None}

    async def products(self, product_ids: Iterable[int]) -> dict[int, MirroredFact]:
        return {i: self.copies[i] for i in product_ids if i in self.copies}


async def test_a_mirrored_answer_is_recorded_and_replays_clean(
    recorded: Recorded, nlu: NLU, tmp_path: Path
) -> None:
    ctx = recorded.env.ctx
    gloves = await ctx.client.products.get(1, include=["variants", "images", "custom_fields", "videos"])
    ctx.mirror = StaticMirror([gloves], age=42.0)
    await ctx.open_category_ids()
    await recorded.agent.send(THREAD, "How much are the Premium Boxing Gloves?")
    turns = await recorded.transcripts.turns(Query(store_hash=DEMO_STORE_HASH, thread_id=THREAD))
    [turn] = turns
    assert [(m.product_id, m.age_seconds) for m in turn.mirror_reads] == [(1, 42.0)]
    assert not [e for e in turn.requests if e.path.startswith("/v3/catalog/products")]
    assert any("79.99" in reply for reply in turn.replies)
    assert "mirror: product 1, 42 s old" in render(turns)

    recording = from_turns(turns, scopes=ctx.connection.scopes)
    result = await replay(recording, Settings(home=tmp_path / "nohome"), ReplayOptions(), nlu=nlu)
    assert [(d.line(), d.detail) for d in result.divergences] == []
    assert result.sent == 0
