"""A peer's answer read as JSON (``shared.peers.answer_of``): JSON nested past what the
interpreter parses is no answer, a 503 the caller fails closed on, never a 500 (found by
the outside tester: a hostile ROI's ``[[[...]]]`` made a decision a 500)."""

from __future__ import annotations

import httpx
import pytest

from shared.errors import Unavailable
from shared.peers import answer_of

DEEP = b"[" * 100_000 + b"]" * 100_000


def test_an_answer_nested_past_parsing_is_no_answer() -> None:
    response = httpx.Response(200, content=DEEP, headers={"content-type": "application/json"})
    with pytest.raises(Unavailable, match="not JSON"):
        answer_of(response, service="roi", what="whether K100 is bound")


def test_a_refusal_nested_past_parsing_is_no_refusal_passed_on() -> None:
    deep_problem = b'{"type": "/problems/x", "violations": ' + DEEP + b"}"
    response = httpx.Response(
        422, content=deep_problem, headers={"content-type": "application/problem+json"}
    )
    with pytest.raises(Unavailable, match="answered 422"):
        answer_of(response, service="roi", what="whether K100 is bound")
