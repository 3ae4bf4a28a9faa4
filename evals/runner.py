"""Running scenarios: each trial gets a fresh copy of its store in the sandbox (reached in-process), the
assistant as `bcagent chat` builds it (``agent.assembly.open_agent``, offline model by default) with
fresh records and a fresh thread, and a transcript of what happened.

The product index is built once per store fixture and shared: the catalog does not change during a
conversation, and product facts are read live from the trial's own store anyway.
"""

from __future__ import annotations

import asyncio
import copy
import dataclasses
import json
import tempfile
import time
import uuid
from dataclasses import asdict, dataclass, field
from pathlib import Path
from typing import Any

import httpx

from agent.assembly import ClientOptions, StoreAccess, build_model, open_agent
from agent.models.intents import NLU
from agent.persistence.transcripts import TranscriptStore
from agent.runtime import Agent
from agent.settings import Settings
from agent.store.capabilities import FULL_ACCESS
from agent.store.connect import probe_scopes
from agent.store.connections import Connection, Secret
from agent.turns import TurnResult
from bigcommerce import AsyncBigCommerce
from bigcommerce.money import MoneyFormat
from ingest.documents import CatalogContext
from ingest.embeddings import MiniLMEmbedding
from ingest.sync import sync_catalog
from ingest.vectors import ProductIndex, chroma_client
from sandbox.app import Sandbox
from sandbox.demo import FULL_TOKEN, generate_demo_store
from sandbox.demo_electronics import generate_electronics_store
from sandbox.state import SandboxStore

from .scenario import Access, LoadedScenario

COLLECTIONS = ("orders", "products", "gift_certificates", "coupons", "promotions", "customers")


@dataclass
class TurnRecord:
    user: str
    replies: list[str]
    tool_calls: list[dict[str, Any]]
    tool_results: list[dict[str, Any]]
    routes: list[str]
    seconds: float
    llm_calls: int
    confirmation: dict[str, Any] | None = None
    confirm: str | None = None
    input_tokens: int = 0
    output_tokens: int = 0
    notes: list[dict[str, Any]] = field(default_factory=list)


@dataclass
class Transcript:
    scenario: str
    trial: int
    turns: list[TurnRecord] = field(default_factory=list)
    initial_store: dict[str, dict[str, Any]] = field(default_factory=dict)
    final_store: dict[str, dict[str, Any]] = field(default_factory=dict)
    error: str | None = None

    def to_json(self) -> dict[str, Any]:
        data = asdict(self)
        data.pop("initial_store")
        data.pop("final_store")
        return data


def keyed_store(store: SandboxStore) -> dict[str, dict[str, Any]]:
    """The store's objects by collection and id, as fixtures spell them (for subset matching)."""
    return {name: {str(k): copy.deepcopy(v) for k, v in getattr(store, name).items()} for name in COLLECTIONS}


class EvalEnvironment:
    """Shared, per-process pieces: the embedding model, the NLU, one product index per store, and
    where the trials' turns are recorded (``transcripts``; None records nothing)."""

    def __init__(
        self,
        settings: Settings,
        embedder: MiniLMEmbedding | None = None,
        shopper_llm: Any = None,
        transcripts: TranscriptStore | None = None,
    ) -> None:
        self.settings = settings
        self.transcripts = transcripts
        self.embedder = embedder or MiniLMEmbedding()
        self.nlu = NLU(self.embedder)
        self.shopper_llm = shopper_llm or build_model(settings, self.nlu)[1]  # None offline
        self._fixtures: dict[str, dict[str, Any]] = {}
        self._indexes: dict[str, ProductIndex] = {}
        self._locks: dict[str, asyncio.Lock] = {}
        self.folder = Path(tempfile.mkdtemp(prefix="bcagent-eval-"))

    def fixture(self, path: Path | None, generated: tuple[str, int] | None = None) -> dict[str, Any]:
        key = f"generated:{generated[0]}:{generated[1]}" if generated else str(path) if path else "demo"
        if key not in self._fixtures:
            if generated is not None:
                name, seed = generated
                builder = generate_electronics_store if name == "electronics" else generate_demo_store
                self._fixtures[key] = builder(seed=seed)
            elif path is None:
                self._fixtures[key] = generate_demo_store(300, seed=0)
            else:
                self._fixtures[key] = json.loads(path.read_text(encoding="utf-8"))
        return copy.deepcopy(self._fixtures[key])

    async def index(self, key: str, client: AsyncBigCommerce, context: CatalogContext) -> ProductIndex:
        lock = self._locks.setdefault(key, asyncio.Lock())
        async with lock:
            if key not in self._indexes:
                name = f"e{len(self._indexes)}"
                index = ProductIndex(chroma_client(path=self.folder / name), name, self.embedder)
                await sync_catalog(client, index, self.folder / f"{name}-state", context)
                self._indexes[key] = index
            return self._indexes[key]


def _connection(store: SandboxStore) -> Connection:
    info = store.info
    money = MoneyFormat(
        currency=info["currency"],
        symbol=info["currency_symbol"],
        symbol_location=info["currency_symbol_location"],
        decimal_places=info["decimal_places"],
        decimal_separator=info["decimal_separator"],
        thousands_separator=info["thousands_separator"],
    )
    timezone = (info.get("timezone") or {}).get("name", "Etc/UTC")
    return Connection(
        store_hash=store.store_hash,
        api_url="http://sandbox.eval",
        name=info["name"],
        secure_url=info["secure_url"],
        money=money,
        timezone=timezone,
        scopes=dict(FULL_ACCESS),
    )


async def _noop_sleep(seconds: float) -> None:
    return None


def _token(store: SandboxStore) -> str:
    for token, scopes in store.tokens.items():
        if "store_v2_orders" in scopes and "store_v2_products_read_only" in scopes | {"store_v2_products"}:
            return token
    return next(iter(store.tokens), FULL_TOKEN)


def _limited_token(store: SandboxStore) -> str:
    """The store's token that cannot change orders (the README's limited token)."""
    for token, scopes in store.tokens.items():
        if "store_v2_orders" not in scopes:
            return token
    raise ValueError(
        "access: limited needs a store with a limited token (every token here can change orders)"
    )


async def _access(
    store: SandboxStore, sandbox: Sandbox, access: Access, connection: Connection
) -> tuple[Connection, str]:
    """The connection and token of the scenario's ``access``: the limited token's scopes probed as
    `bcagent connect` probes them, the merchant's switches applied."""
    token = _token(store) if access.token == "full" else _limited_token(store)
    if access.token == "limited":
        async with AsyncBigCommerce(
            store.store_hash,
            token,
            base_url="http://sandbox.eval",
            transport=httpx.ASGITransport(app=sandbox),
        ) as client:
            information = any(s.startswith("store_v2_information") for s in store.tokens[token])
            connection = dataclasses.replace(connection, scopes=await probe_scopes(client, information))
    return dataclasses.replace(connection, disabled_tools=list(access.disabled_tools)), token


def _record(text: str, result: TurnResult, confirm: str | None = None) -> TurnRecord:
    parsed = []
    for item in result.tool_results:
        try:
            parsed.append({"name": item["name"], "result": json.loads(item["content"])})
        except (json.JSONDecodeError, TypeError):
            parsed.append({"name": item["name"], "result": {"raw": item["content"]}})
    return TurnRecord(
        text,
        result.replies,
        result.tool_calls,
        parsed,
        result.routes,
        result.seconds,
        result.llm_calls,
        result.confirmation,
        confirm,
        result.input_tokens,
        result.output_tokens,
        result.notes,
    )


async def run_trial(
    env: EvalEnvironment, item: LoadedScenario, trial: int, timeout: float = 120
) -> Transcript:
    scenario = item.scenario
    transcript = Transcript(scenario.id, trial)
    try:
        data = env.fixture(item.store_path, item.generated_store)
        store = SandboxStore.from_data(data, item.store_key if item.store_key != "demo" else "demo store")
    except Exception as exc:  # a fixture that does not load fails this scenario, not the run
        transcript.error = f"the store fixture does not load: {exc}"
        return transcript
    transcript.initial_store = keyed_store(store)
    sandbox = Sandbox([store], quota=10**9)
    try:
        connection, token = await _access(store, sandbox, scenario.access, _connection(store))
    except ValueError as exc:
        transcript.error = str(exc)
        return transcript
    connection.scopes.update(scenario.scopes)  # a scenario without a scope: its tools off
    catalog = CatalogContext(storefront_url=connection.secure_url, money=connection.money)

    async def index(client: AsyncBigCommerce, given: Connection) -> ProductIndex:
        return await env.index(item.store_key, client, catalog)

    try:
        async with open_agent(
            env.settings,
            StoreAccess(connection, Secret(token)),  # no folder: this trial's records only
            transport=httpx.ASGITransport(app=sandbox),
            nlu=env.nlu,
            index=index,
            client=ClientOptions(sleep=_noop_sleep, max_retries=1),
            record=env.transcripts is not None,
            transcripts=env.transcripts,
        ) as agent:
            if agent.context.llm is not None:  # each turn may take its whole budget
                budget = env.settings.llm.turn_budget_seconds
                timeout = max(timeout, (len(scenario.turns) + 1) * (budget + 15))
            verified = _verified(store, scenario.context.customer_email)
            await asyncio.wait_for(
                _converse(env, agent, item, transcript, verified, scenario.context.product_id),
                timeout=timeout,
            )
    except TimeoutError:
        transcript.error = f"the conversation took longer than {timeout:.0f} s"
    except Exception as exc:
        transcript.error = f"{type(exc).__name__}: {exc}"
    transcript.final_store = keyed_store(store)
    return transcript


def _verified(store: SandboxStore, email: str | None) -> dict[str, Any] | None:
    if not email:
        return None
    for customer in store.customers.values():
        if customer["email"].lower() == email.lower():
            return {
                "id": customer["id"],
                "email": customer["email"],
                "group_id": customer["customer_group_id"],
            }
    raise ValueError(f"context.customer_email {email!r} is not a customer of the store")


SHOPPER_PROMPT = """You are role-playing a shopper talking to an online store's support assistant.
Persona: {persona}
Your goal: {goal}
What you know: {facts}
Write only your next message to the assistant, short and natural, in English. Give details only when they
are asked for or needed. When your goal is met, or clearly cannot be met, reply with exactly DONE."""


async def _simulate(
    env: EvalEnvironment,
    agent: Agent,
    item: LoadedScenario,
    transcript: Transcript,
    thread: str,
    verified: dict[str, Any] | None,
    product: int | None,
) -> None:
    """An LLM plays the scenario's shopper until it says DONE (or runs out of turns)."""
    from langchain_core.messages import AIMessage, BaseMessage, HumanMessage, SystemMessage

    shopper = item.scenario.shopper
    if shopper is None or env.shopper_llm is None:
        raise ValueError("a simulated shopper needs an LLM (--model openai:MODEL)")
    prompt = SHOPPER_PROMPT.format(
        persona=shopper.persona, goal=shopper.goal, facts=json.dumps(shopper.facts)
    )
    history: list[BaseMessage] = [
        SystemMessage(content=prompt),
        HumanMessage(content="(The assistant greets you.)"),
    ]
    for _ in range(shopper.max_turns):
        said = str((await env.shopper_llm.ainvoke(history)).content).strip()
        if not said or said.upper().rstrip(".") == "DONE":
            return
        result = await agent.send(
            thread, said, verified_customer=verified, product_id=product, surface="eval"
        )
        transcript.turns.append(_record(said, result))
        history += [AIMessage(content=said), HumanMessage(content=result.text or "(no reply)")]


async def _converse(
    env: EvalEnvironment,
    agent: Agent,
    item: LoadedScenario,
    transcript: Transcript,
    verified: dict[str, Any] | None,
    product: int | None,
) -> None:
    thread = f"eval-{item.scenario.id}-{transcript.trial}-{uuid.uuid4().hex[:12]}"
    if item.scenario.shopper is not None:
        await _simulate(env, agent, item, transcript, thread, verified, product)
    for turn in item.scenario.turns:
        if turn.confirm is not None:
            pending = await agent.pending(thread)
            if pending is None:
                transcript.turns.append(
                    TurnRecord(f"(confirm: {turn.confirm})", [], [], [], [], 0.0, 0, None, turn.confirm)
                )
                continue
            answer = {
                "confirm": turn.confirm == "yes",
                "order_id": pending.get("order_id"),
                "proposal_id": pending.get("proposal_id"),
            }
            result = await agent.confirm(thread, answer, surface="eval")
            transcript.turns.append(_record(f"(confirm: {turn.confirm})", result, turn.confirm))
        else:
            text = turn.user or ""
            result = await agent.send(
                thread, text, verified_customer=verified, product_id=product, surface="eval"
            )
            transcript.turns.append(_record(text, result))


async def run_suite(
    env: EvalEnvironment,
    items: list[LoadedScenario],
    trials: int,
    concurrency: int,
    done: set[tuple[str, int]] | None = None,
    on_result: Any = None,
) -> list[Transcript]:
    """Every (scenario, trial) not in ``done``, ``concurrency`` at a time; ``on_result`` sees each as it ends."""
    semaphore = asyncio.Semaphore(max(1, concurrency))
    skip = done or set()
    await asyncio.to_thread(env.nlu.understand, "hello")  # load and embed the examples before any turn

    async def one(item: LoadedScenario, trial: int) -> Transcript:
        async with semaphore:
            started = time.perf_counter()
            transcript = await run_trial(env, item, trial)
            if on_result is not None:
                on_result(item, transcript, time.perf_counter() - started)
            return transcript

    jobs = [one(item, t) for item in items for t in range(trials) if (item.scenario.id, t) not in skip]
    return list(await asyncio.gather(*jobs))
