"""The vocabulary of structured replies (``blocks``), version 1.

A reply keeps its plain ``text``; its ``blocks`` say the same thing in parts a client can lay out:
``paragraph``, ``list``, ``product``, ``order``, ``actions`` (quick replies) and ``notice``. Every fact in
a block is copied from a tool result of the turn, and every URL in one has passed ``agent.blocks.urls``
(https, on the store's own host or a known carrier's tracking host). Clients must ignore a block type they
do not know (later versions may add types; fields may be added to a type). Documented in
``agent/server/API-CONTRACT.md``.
"""

from __future__ import annotations

from typing import Annotated, Literal

from pydantic import BaseModel, ConfigDict, Field

BLOCKS_VERSION = 1


class _Block(BaseModel):
    model_config = ConfigDict(extra="forbid", frozen=True)


class Paragraph(_Block):
    type: Literal["paragraph"] = "paragraph"
    text: str


class ListItem(_Block):
    text: str
    detail: str | None = Field(None, description="a second line: price and stock, how to use an offer")
    link: str | None = Field(None, description="https URL on the store's host")


class ListBlock(_Block):
    type: Literal["list"] = "list"
    title: str | None = None
    items: list[ListItem]


class ProductBlock(_Block):
    type: Literal["product"] = "product"
    name: str
    image: str | None = Field(None, description="https URL on the store's host")
    price: str | None = Field(None, description="the regular price, formatted in the store's currency")
    sale_price: str | None = Field(None, description="the price now, when the product is on sale")
    stock: str | None = Field(None, description='"in stock", "out of stock", "pre-order", ...')
    options: str | None = Field(None, description='a summary, e.g. "Size: 10oz, 12oz; Colour: Red, Black"')
    link: str | None = Field(None, description="the product's page (https, the store's host)")


class OrderLine(_Block):
    name: str
    quantity: int | None = None
    options: str | None = None


class OrderBlock(_Block):
    type: Literal["order"] = "order"
    number: int
    status: str
    carrier: str | None = None
    tracking_number: str | None = None
    tracking_link: str | None = Field(None, description="https URL on a known carrier's tracking host")
    items: list[OrderLine] = Field(default_factory=list)
    total: str | None = None


class Action(_Block):
    label: str = Field(description="what the chip says")
    message: str = Field(description="the message sent, as if the shopper typed it")


class ActionsBlock(_Block):
    type: Literal["actions"] = "actions"
    actions: list[Action]


class Notice(_Block):
    type: Literal["notice"] = "notice"
    text: str
    tone: Literal["info", "warning"] = "info"


Block = Annotated[
    Paragraph | ListBlock | ProductBlock | OrderBlock | ActionsBlock | Notice, Field(discriminator="type")
]
