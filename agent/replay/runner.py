"""Re-running a recording's shopper messages through the current build, and comparing.

The assistant is put together by ``agent.assembly.open_agent``, as for every other surface (the store's
client with the capturing transport, the agent's records, the NLU, the chat model with the configured
LLM settings, the run context, a checkpointer, the router graph and a recorder), around the recording:
the store's settings and policy come from the recording, the records and the checkpointer are fresh and
private to the replay, the clock of each turn is the
recorded turn's time, the conversation keeps its thread id (confirmations are bound to it), and the
client's transport is the one ``--against`` names (see transport.py).
"""

from __future__ import annotations

import contextlib
import time
from collections.abc import Iterator
from dataclasses import dataclass, field, replace
from datetime import datetime
from email.message import EmailMessage
from pathlib import Path
from typing import Any

import httpx

from bigcommerce import AsyncBigCommerce
from bigcommerce.money import MoneyFormat
from ingest.embeddings import MiniLMEmbedding

from ..assembly import ClientOptions, StoreAccess, open_agent
from ..models.intents import NLU
from ..persistence import timestamps
from ..persistence.transcripts import ALL, Query, TranscriptStore
from ..settings import Settings
from ..store.capabilities import FULL_ACCESS, TOOL_NAMES
from ..store.connections import Connection, ConnectionProblem, ConnectionStore, Secret
from ..tools.context import StorePolicy
from ..transcripts.capture import default_transport
from ..transcripts.records import ThreadSummary, TurnRecord
from .compare import Divergence, compare
from .expectations import failures
from .explain import TurnExplanation, explain
from .index import RecordedIndex
from .mirror import RecordedMirror
from .modes import MODES
from .recording import Recording, RecordingError, check_tools, from_turns

REPLAY_TOKEN = "replay-has-no-token"  # recorded mode: nothing is sent, so no credential is needed
RECORDED_URL = "http://recording.invalid"


async def _no_sleep(seconds: float) -> None:
    return None


class MemoryTranscripts(TranscriptStore):
    """Where the replayed turns are recorded: a list, for comparing and ``--update``."""

    def __init__(self) -> None:
        self.records: list[TurnRecord] = []

    async def add(self, turn: TurnRecord) -> None:
        self.records.append(turn)

    async def turns(self, query: Query = ALL) -> list[TurnRecord]:
        return list(self.records)

    async def threads(self, query: Query = ALL) -> list[ThreadSummary]:
        return []

    async def stale_threads(self, before: datetime, store_hash: str | None = None) -> list[tuple[str, str]]:
        return []

    async def delete_threads(self, threads: list[tuple[str, str]]) -> int:
        return 0

    async def aclose(self) -> None:
        return None


@dataclass(frozen=True)
class ReplayOptions:
    against: str = "recorded"
    model: str = "offline"
    tolerate_wording: bool = False


@dataclass
class ReplayResult:
    recording: Recording
    groups: list[list[TurnRecord]]  # the replayed turns, one list per shopper action
    divergences: list[Divergence]
    options: ReplayOptions
    sent: int = 0  # requests that reached a store (recorded: always 0)
    answered: int = 0  # requests answered from the recording
    seconds: float = 0.0
    backup: Path | None = None
    notes: list[str] = field(default_factory=list)
    explanations: list[TurnExplanation] = field(default_factory=list)  # why each diverged turn did

    @property
    def counted(self) -> list[Divergence]:
        return [d for d in self.divergences if not (self.options.tolerate_wording and d.tolerable)]

    @property
    def diverged(self) -> bool:
        return bool(self.counted)

    def updated(self) -> Recording:
        """The recording of what the build does now (the recorded ids and times kept, so it is stable)."""
        turns: list[TurnRecord] = []
        recorded = list(self.recording.turns)
        for group, was_group in zip(self.groups, _groups(recorded), strict=True):
            for index, turn in enumerate(group):
                was = was_group[index] if index < len(was_group) else was_group[-1]
                turns.append(
                    replace(
                        turn,
                        turn_id=was.turn_id if index < len(was_group) else f"{was.turn_id}-{index}",
                        request_id=was.request_id,
                        started_at=was.started_at,
                    )
                )
        updated = from_turns(turns, scopes=self.recording.scopes, path=self.recording.path)
        updated.store = self.recording.store or updated.store
        updated.expectations = list(self.recording.expectations)
        updated.redacted = self.recording.redacted
        return updated

    @property
    def unmet(self) -> list[Divergence]:
        """The header's expectations this replay did not meet (they fail even after ``--update``)."""
        return [d for d in self.divergences if d.expected]


def _groups(turns: list[TurnRecord]) -> list[list[TurnRecord]]:
    """Turns made by one ``Agent.send`` / ``confirm`` call share a request id."""
    groups: list[list[TurnRecord]] = []
    for turn in turns:
        if groups and groups[-1][-1].request_id == turn.request_id:
            groups[-1].append(turn)
        else:
            groups.append([turn])
    return groups


def connection_of(recording: Recording, api_url: str) -> Connection:
    store = recording.store
    scopes = dict(recording.scopes or FULL_ACCESS)
    if not recording.scopes and not any("/customer" in e.path for t in recording.turns for e in t.requests):
        scopes["customers"] = "none"  # no customer read was recorded: none is replayed
    enabled = store.get("enabled_tools")
    disabled = [name for name in TOOL_NAMES if isinstance(enabled, list) and name not in enabled]
    money: dict[str, Any] = store["money"] if isinstance(store.get("money"), dict) else {}
    return Connection(
        store_hash=recording.store_hash,
        api_url=api_url,
        name=str(store.get("name") or ""),
        secure_url=str(store.get("secure_url") or ""),
        money=MoneyFormat(**money),
        timezone=str(store.get("timezone") or "Etc/UTC"),
        scopes=scopes,
        disabled_tools=disabled,
    )


def policy_of(recording: Recording) -> StorePolicy:
    values = dict(recording.store.get("policy") or {})
    known = StorePolicy.__dataclass_fields__
    given: dict[str, Any] = {
        key: frozenset(value) if isinstance(value, list) else value
        for key, value in values.items()
        if key in known
    }
    try:
        return StorePolicy(**given)
    except TypeError as exc:
        raise RecordingError(f"{recording.name}: the recorded store policy is malformed ({exc})") from None


def _transport(
    recording: Recording, settings: Settings, against: str, inner: httpx.AsyncBaseTransport | None = None
) -> tuple[Any, str, str, Connection | None]:
    """(transport, base URL, token, the live connection) for the mode (``inner``: what reaches the
    sandbox or the live store, for tests; default the in-process sandbox or httpx's own)."""
    from .transport import CountingTransport, ReadOnlyTransport, RecordedTransport

    if against == "recorded":
        return RecordedTransport(recording), RECORDED_URL, REPLAY_TOKEN, None
    if against == "sandbox":
        from sandbox.demo import DEMO_STORE_HASH, FULL_TOKEN
        from sandbox.run import SandboxOptions, build_sandbox

        if recording.store_hash != DEMO_STORE_HASH:
            raise RecordingError(
                f"{recording.name}: a recording of store {recording.store_hash}; --against sandbox replays "
                f"recordings of the sandbox demo store ({DEMO_STORE_HASH}) only; use --against recorded"
            )
        if inner is None:
            inner = httpx.ASGITransport(app=build_sandbox(SandboxOptions(quota=10**6)))
        return CountingTransport(inner, recording), "http://sandbox.replay", FULL_TOKEN, None
    if against == "live":
        connections = ConnectionStore(settings.home)
        if recording.store_hash not in connections.hashes():
            raise RecordingError(
                f"{recording.name}: a recording from store {recording.store_hash}, which is not connected here "
                f"(connected: {', '.join(connections.hashes()) or 'none'}); use --against recorded"
            )
        connection = connections.load(recording.store_hash)
        token = connections.token(recording.store_hash).reveal()
        return (
            ReadOnlyTransport(inner or default_transport(), recording),
            connection.api_url,
            token,
            connection,
        )
    raise RecordingError(f"--against must be one of {', '.join(MODES)}, not {against!r}")


class Clock:
    """The recorded time of the turn being replayed (policies that read the clock see the same day)."""

    def __init__(self) -> None:
        self.now = datetime.now().astimezone()

    def __call__(self) -> datetime:
        return self.now


async def _no_email(message: EmailMessage) -> None:
    return None


def _recorded_confirm(answer: dict[str, Any] | None) -> Any:
    if isinstance(answer, dict) and set(answer) == {"value"}:
        return answer["value"]
    return answer


async def replay(
    recording: Recording,
    settings: Settings,
    options: ReplayOptions = ReplayOptions(),
    *,
    embedder: MiniLMEmbedding | None = None,
    nlu: NLU | None = None,
    inner: httpx.AsyncBaseTransport | None = None,
) -> ReplayResult:
    """Run the recording's shopper actions again and compare (RecordingError: cannot be replayed)."""
    check_tools(recording)
    transport, base_url, token, live = _transport(recording, settings, options.against, inner)
    connection = connection_of(recording, base_url)
    if live is not None:
        connection = replace(connection, api_url=live.api_url, scopes=live.scopes)
    nlu = nlu or NLU(embedder or MiniLMEmbedding())
    settings = replace(settings, model=options.model)  # with every configured LLM setting
    clock = Clock()
    transcripts = MemoryTranscripts()
    started = time.perf_counter()
    groups = _groups(recording.turns)
    replayed: list[list[TurnRecord]] = []

    async def index(client: AsyncBigCommerce, given: Connection) -> RecordedIndex:
        return RecordedIndex(recording)

    async with open_agent(
        settings,
        StoreAccess(connection, Secret(token)),  # no folder: records and checkpoints private to the replay
        transport=transport,
        nlu=nlu,
        policy=policy_of(recording),
        index=index,
        clock=clock,
        client=ClientOptions(sleep=_no_sleep),
        record=True,
        transcripts=transcripts,
    ) as agent:
        tools = agent.context.tools
        tools.code_mailer = _no_email  # a replayed conversation never emails the shopper a code
        recorded_groups = any("/customer_groups" in e.path for t in recording.turns for e in t.requests)
        if not recorded_groups:  # the recording's process had them cached: all categories open
            tools._open_categories = (time.monotonic(), None)
            tools.groups_ttl_seconds = float("inf")
        mirror = RecordedMirror(recording)
        if mirror.used and options.against == "recorded":  # what the turns read from the catalog mirror
            tools.mirror = mirror
        flat = 0
        for group in groups:
            transport.begin_turn(list(range(flat, flat + len(group))))
            mirror.begin_turn(list(range(flat, flat + len(group))))
            flat += len(group)
            first = group[0]
            clock.now = timestamps.parse(first.started_at)
            before = len(transcripts.records)
            try:
                if first.text is not None:
                    await agent.send(
                        recording.thread_id,
                        first.text,
                        verified_customer=first.verified_customer,
                        product_id=first.product_id,
                        surface=first.surface,
                    )
                else:
                    await agent.confirm(
                        recording.thread_id, _recorded_confirm(first.answer), surface=first.surface
                    )
            except Exception:  # recorded as the turn's error; the comparison shows it
                pass
            replayed.append(transcripts.records[before:])
    divergences = compare(groups, replayed, list(transport.unanswered))
    divergences += expectation_divergences(recording, [t for g in replayed for t in g])
    divergences.sort(key=lambda d: d.turn)
    result = ReplayResult(
        recording,
        replayed,
        divergences,
        options,
        sent=transport.sent,
        answered=getattr(transport, "answered", 0),
        seconds=time.perf_counter() - started,
    )
    diverged_turns = {d.turn for d in result.counted if not d.expected}
    result.explanations = explain(groups, replayed, diverged_turns)
    return result


def expectation_divergences(recording: Recording, turns: list[TurnRecord]) -> list[Divergence]:
    """A divergence for each check of the header's expectations the replayed turns fail."""
    out: list[Divergence] = []
    for expectation in recording.expectations:
        number = int(expectation["turn"])
        turn = turns[number - 1] if 0 < number <= len(turns) else None
        for wanted, got in failures(expectation, turn):
            out.append(Divergence(number, "expectation", wanted, got, expected=True))
    return out


def iter_recordings(folder: Path) -> Iterator[Path]:
    yield from sorted(p for p in folder.rglob("*.jsonl") if p.is_file())


def recording_of_thread(turns: list[TurnRecord], settings: Settings) -> Recording:
    """A recording made in memory from the transcript of one thread (with the connection's scopes)."""
    scopes: dict[str, str] = {}
    with contextlib.suppress(ConnectionProblem):
        scopes = ConnectionStore(settings.home).load(turns[0].store_hash).scopes
    return from_turns(turns, scopes=scopes)
