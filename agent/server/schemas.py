"""The request and answer bodies of the chat API (API-CONTRACT.md), as pydantic models for validation
and for the OpenAPI document. Unknown request fields are ignored, so older servers accept newer widgets."""

from __future__ import annotations

from collections.abc import Mapping
from typing import Annotated, Any, NotRequired, TypedDict

from pydantic import AfterValidator, BaseModel, ConfigDict, Field, StrictBool

from ..blocks import BLOCKS_VERSION, Block

MAX_ID = 2_147_483_647  # BigCommerce ids are 32-bit; a larger one is refused (422), not passed on


def no_lone_surrogates(text: str) -> str:
    """Text must be valid Unicode: JSON may spell a lone surrogate (``"\\ud800"``), UTF-8 cannot."""
    try:
        text.encode("utf-8")
    except UnicodeEncodeError:
        raise ValueError("the text is not valid Unicode (it holds a lone surrogate)") from None
    return text


Text = Annotated[str, AfterValidator(no_lone_surrogates)]


class _In(BaseModel):
    model_config = ConfigDict(extra="ignore")


class ThreadIn(_In):
    """Creating a thread takes no fields yet (send ``{}`` or nothing)."""


class Page(_In):
    product_id: int | None = Field(None, ge=1, le=MAX_ID, description="the product page the shopper is on")
    url: Text | None = Field(None, max_length=2048, description="the storefront page's URL")


class MessageIn(_In):
    text: Text = Field(description="what the shopper typed (at most 2,000 characters by default)")
    page: Page | None = None
    customer_token: Text | None = Field(
        None, description="the storefront's Current Customer JWT for a signed-in shopper; omit for a guest"
    )


class ConfirmationIn(_In):
    proposal_id: Text = Field(min_length=1, max_length=200)
    confirm: StrictBool
    code: Text | None = Field(
        None,
        max_length=20,
        description="the 6-digit code emailed to the order's billing address, when the confirmation asks for "
        'one (``verify: "email_code"``)',
    )


class ThreadCreated(BaseModel):
    thread_id: str
    secret: str


class Confirmation(BaseModel):
    question: str
    order_id: int | None = None
    proposal_id: str | None = None
    verify: str | None = None  # "email_code": answer with the emailed code (a code field, not yes/no)


class TrackingLink(BaseModel):
    number: str
    url: str | None = None
    carrier: str | None = None


class ProductLink(BaseModel):
    name: str
    url: str


class Links(BaseModel):
    tracking: list[TrackingLink] = Field(default_factory=list)
    products: list[ProductLink] = Field(default_factory=list)


class TurnAnswer(BaseModel):
    replies: list[str] = Field(description="each reply's plain text (clients that only show text read this)")
    blocks: list[list[Block]] = Field(
        default_factory=list,
        description="each reply (same order as replies) as structured blocks; see API-CONTRACT.md",
    )
    blocks_version: int = BLOCKS_VERSION
    confirmation: Confirmation | None = None
    tools: list[str]
    routes: list[str]
    timings: dict[str, float]
    links: Links
    quick_replies: list[str] = Field(
        default_factory=list,
        description="suggested answers to the reply's question (e.g. the offer of a person)",
    )
    retryable: bool = Field(
        default=False,
        description="a tool could not reach the store (the reply says so): the same message may be sent again later",
    )


class ThreadMessage(BaseModel):
    role: str = Field(description='"shopper", "assistant" or "staff" (a member of the store\'s team)')
    text: str
    time: str
    author: str | None = Field(None, description="a staff message's author (display name)")
    blocks: list[Block] = Field(default_factory=list, description="an assistant reply's blocks")


class HandoffState(BaseModel):
    id: int
    status: str = Field(description='"open", "claimed" (staff answer; the assistant is silent) or "closed"')


class ThreadView(BaseModel):
    thread_id: str
    messages: list[ThreadMessage]
    confirmation: Confirmation | None = None
    turn_in_progress: bool = Field(
        False,
        description="a turn of this thread is running: its reply is not in messages yet; read the thread "
        "again (about once a second) until this is false",
    )
    blocks_version: int = BLOCKS_VERSION
    handoff: HandoffState | None = Field(
        None,
        description="the conversation's latest handoff to the team; poll this view while it is open or claimed",
    )


class StoreConfig(BaseModel):
    store_name: str
    storefront_url: str
    greeting: str
    currency: str
    app_client_id: str | None = Field(
        None, description="client id for /customer/current.jwt, when the store has a storefront app set"
    )
    thread_ttl_hours: int = Field(
        24, description="the widget forgets a conversation after this many hours without a message"
    )
    max_message_chars: int = Field(2000, description="the longest message the server accepts")


class ErrorDetail(BaseModel):
    code: str
    message: str


class ErrorBody(BaseModel):
    error: ErrorDetail


class StoreReadiness(TypedDict):
    """One served store in ``/readyz``'s ``stores``."""

    ready: bool
    reachable: bool
    index: str  # "loaded", "empty", "missing" or "not_needed"
    problems: list[str]
    error: NotRequired[str]
    degraded: NotRequired[str]  # scopes lost (or the token revoked) since connecting, and what to do


def confirmation_view(pending: Mapping[str, Any] | None) -> Confirmation | None:
    """The shopper-facing fields of a pending confirmation (question, order id, proposal id)."""
    if pending is None:
        return None
    order_id = pending.get("order_id")
    return Confirmation(
        question=str(pending.get("question", "Please confirm.")),
        order_id=int(order_id) if isinstance(order_id, int | str) and str(order_id).isdigit() else None,
        proposal_id=str(pending["proposal_id"]) if pending.get("proposal_id") else None,
        verify=str(pending["verify"]) if pending.get("verify") else None,
    )
