"""A turn on an OpenAI-compatible model (the local fake server): the model's name, its tokens, and a
reply the grounding guard replaced, with the text it replaced."""

from __future__ import annotations

import uuid
from collections.abc import AsyncIterator, Iterator
from pathlib import Path

import pytest
from langgraph.checkpoint.sqlite.aio import AsyncSqliteSaver

from agent.models.intents import NLU
from agent.models.openai_model import make_openai_model
from agent.persistence.transcripts import Query, open_transcript_file
from agent.settings import Settings
from tests.fakes.openai_server import FakeOpenAIServer
from tests.tools.conftest import ToolsEnv
from tests.transcripts.conftest import Recorded, build_recorded, capturing_client


@pytest.fixture
def fake() -> Iterator[FakeOpenAIServer]:
    with FakeOpenAIServer() as server:
        yield server


@pytest.fixture
async def llm_recorded(
    indexed: ToolsEnv, nlu: NLU, fake: FakeOpenAIServer, tmp_path: Path
) -> AsyncIterator[Recorded]:
    settings = Settings(home=tmp_path, model="openai:fake-model", openai_base_url=fake.base_url)
    llm = make_openai_model("fake-model", settings, max_retries=0, timeout=10, streaming=False)
    client = await capturing_client(indexed)
    transcripts = await open_transcript_file(tmp_path / "t.sqlite")
    async with client, AsyncSqliteSaver.from_conn_string(str(tmp_path / "c.sqlite")) as saver:
        yield await build_recorded(
            indexed, llm, transcripts, saver, tmp_path, llm=llm, nlu=nlu, model_name=settings.model
        )
    await transcripts.aclose()


async def test_a_replaced_reply_is_recorded_with_what_it_said(
    llm_recorded: Recorded, fake: FakeOpenAIServer
) -> None:
    fake.reply_tool_call("get_product_information", {"product": "Premium Boxing Gloves"})
    fake.reply_text("The Premium Boxing Gloves cost $12.00 today only, with code FREEGLOVES.")
    thread = uuid.uuid4().hex
    result = await llm_recorded.agent.send(thread, "How much are the Premium Boxing Gloves?")
    (turn,) = await llm_recorded.transcripts.turns(Query(thread_id=thread))
    (replaced,) = turn.grounding
    assert replaced.original == "The Premium Boxing Gloves cost $12.00 today only, with code FREEGLOVES."
    assert "$12.00" in replaced.unsupported and "FREEGLOVES" in replaced.unsupported
    assert replaced.replacement == result.text and "$79.99" in turn.replies[0]
    assert turn.model.name == "openai:fake-model" and turn.model.llm_calls == 2
    assert turn.model.input_tokens == result.input_tokens > 0 and turn.model.output_tokens > 0
    assert [c.name for c in turn.tool_calls] == ["get_product_information"]
    assert turn.tool_calls[0].args == {"product": "Premium Boxing Gloves"}
    (summary,) = await llm_recorded.transcripts.threads(Query(thread_id=thread))
    assert summary.grounding_replacements == 1
    assert [s.thread_id for s in await llm_recorded.transcripts.threads(Query(grep="freegloves"))] == [thread]
