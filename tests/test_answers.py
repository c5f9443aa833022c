"""An answer that is exactly the route's response model is sent as that model's JSON at once
(``shared.api.routes.answered``): the same bytes FastAPI would send after validating it
again, and anything not exactly the model still goes through FastAPI."""

from __future__ import annotations

import json
from typing import Any

from fastapi import FastAPI
from fastapi.responses import Response
from fastapi.testclient import TestClient
from pydantic import BaseModel, Field

from shared.api.pagination import Page
from shared.api.routes import answered


class Item(BaseModel):
    name: str
    born: int = Field(alias="bornIn")


class Wider(Item):
    secret: str


def _fastapi_would_send(model: Any, result: BaseModel) -> bytes:
    """What FastAPI itself sends for a route of this response model returning ``result``."""
    app = FastAPI()

    @app.get("/", response_model=model)
    def answer() -> Any:
        return result

    with TestClient(app) as client:
        return client.get("/").content


def test_a_plain_page_of_exactly_the_listed_items_is_sent_as_the_routes_page() -> None:
    page: Page[Item] = Page(
        items=[Item(name="a", bornIn=1), Item(name="b", bornIn=2)], limit=2, offset=0, total=5
    )
    sent = answered(page, Page[Item])
    assert isinstance(sent, Response)
    assert sent.body == _fastapi_would_send(Page[Item], page)
    assert json.loads(bytes(sent.body))["items"][1] == {"name": "b", "bornIn": 2}


def test_an_empty_page_is_sent_at_once() -> None:
    page: Page[Item] = Page(items=[], limit=50, offset=0, total=0)
    sent = answered(page, Page[Item])
    assert isinstance(sent, Response)
    assert json.loads(bytes(sent.body)) == {"items": [], "limit": 50, "offset": 0, "total": 0}


def test_a_page_holding_anything_but_exactly_the_listed_item_goes_through_fastapi() -> None:
    """A subclass's own fields (here a secret) must not ride out on an item the route
    documents without them: FastAPI keeps to the documented fields."""
    wider: Page[Item] = Page(
        items=[Item(name="a", bornIn=1), Wider(name="b", bornIn=2, secret="s")],
        limit=2,
        offset=0,
        total=2,
    )
    assert answered(wider, Page[Item]) is wider
    as_dicts: Page[dict[str, object]] = Page(
        items=[{"name": "a", "bornIn": 1}], limit=1, offset=0, total=1
    )
    assert answered(as_dicts, Page[Item]) is as_dicts
    other: Page[Item] = Page(items=[Item(name="a", bornIn=1)], limit=1, offset=0, total=1)
    assert answered(other, Page[Wider]) is other
    assert answered(other, list[Item]) is other


def test_an_instance_of_exactly_the_model_is_sent_at_once_and_a_subclass_is_not() -> None:
    item = Item(name="a", bornIn=1)
    sent = answered(item, Item, 201)
    assert isinstance(sent, Response)
    assert (sent.status_code, sent.body) == (201, b'{"name":"a","bornIn":1}')
    assert sent.body == _fastapi_would_send(Item, item)
    wider = Wider(name="b", bornIn=2, secret="s")
    assert answered(wider, Item) is wider
