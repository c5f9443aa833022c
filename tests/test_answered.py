"""An answer that is exactly its route's response model is sent as that model's JSON at
once (shared.api.routes.answered); anything else still goes through FastAPI, which keeps
to the documented fields, so a subclass's extra field never reaches the caller."""

from __future__ import annotations

import json
from datetime import UTC, datetime

from fastapi import FastAPI
from fastapi.responses import Response
from fastapi.testclient import TestClient
from pydantic import BaseModel

from shared.api.routes import answered


class Entry(BaseModel):
    at: datetime
    note: str | None


class Answer(BaseModel):
    entries: list[Entry]
    total: int


class WithSecret(Answer):
    secret: str


AT = datetime(2026, 12, 5, 9, 30, tzinfo=UTC)


def _served(result: object) -> bytes:
    app = FastAPI()

    @app.get("/x", response_model=Answer)
    def read() -> object:
        return result

    with TestClient(app) as client:
        response = client.get("/x")
        assert response.status_code == 200
        return response.content


def test_the_exact_model_is_sent_as_fastapi_would_send_it() -> None:
    answer = Answer(entries=[Entry(at=AT, note="é"), Entry(at=AT, note=None)], total=2)
    sent = answered(answer, Answer, 201)
    assert isinstance(sent, Response)
    assert sent.status_code == 201
    assert sent.media_type == "application/json"
    assert json.loads(bytes(sent.body)) == json.loads(_served(answer))


def test_a_subclass_goes_through_fastapi_and_loses_what_is_not_documented() -> None:
    leaky = WithSecret(entries=[], total=0, secret="psd reason")
    assert answered(leaky, Answer) is leaky
    assert "secret" not in json.loads(_served(leaky))


def test_an_answer_without_a_model_is_left_alone() -> None:
    assert answered({"a": 1}, None) == {"a": 1}
