"""The catalog mirror a replay reads: the copies the recording's turns read from the store's mirror
(``mirror_reads``), answered for the same turn with the same product and age, so the product tool
takes the same path (no store request) and quotes the same facts. A product the turn read live is not
answered here: it is read from the recorded requests as it was then."""

from __future__ import annotations

from collections.abc import Iterable

from bigcommerce.types.catalog import Product

from ..tools.mirror import MirroredFact
from .recording import Recording


class RecordedMirror:
    """Duck-types :class:`agent.tools.mirror.ProductMirror` over a recording; ``begin_turn`` as the
    replay's transport does (the indexes of the recorded turns the next action replays)."""

    def __init__(self, recording: Recording) -> None:
        self._by_turn: list[dict[int, MirroredFact]] = []
        for turn in recording.turns:
            copies: dict[int, MirroredFact] = {}
            for read in turn.mirror_reads:
                if read.product is not None:
                    copies[read.product_id] = MirroredFact(
                        Product.model_validate(read.product), read.age_seconds
                    )
            self._by_turn.append(copies)
        self._current: dict[int, MirroredFact] = {}

    @property
    def used(self) -> bool:
        """Whether any recorded turn read the mirror."""
        return any(self._by_turn)

    def begin_turn(self, indexes: list[int]) -> None:
        self._current = {}
        for index in indexes:
            if index < len(self._by_turn):
                self._current.update(self._by_turn[index])

    async def products(self, product_ids: Iterable[int]) -> dict[int, MirroredFact]:
        return {i: self._current[i] for i in product_ids if i in self._current}
