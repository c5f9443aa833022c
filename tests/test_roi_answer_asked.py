"""The ROI answer a decision relies on (L1800 3.9) must be about the question asked: the
officer, the day and the move. An answer about another is another question's, and the
decision fails closed (503) rather than rest on it (found by the outside tester: a peer's
stray answer was read as the next officer's)."""

from __future__ import annotations

from datetime import date
from typing import Any

import pytest

from services.postings.handlers.decision_path import ask_roi
from shared.errors import Unavailable

ON = date(2027, 1, 22)


class Answering:
    """An ROI that answers every question with ``answer``."""

    def __init__(self, answer: Any) -> None:
        self._answer = answer

    def status(self, *, officer_id: str, on: date, to_location: str) -> dict[str, Any]:
        answer: dict[str, Any] = self._answer
        return answer


def _about(officer_id: str, on: str, to_location: str | None) -> dict[str, Any]:
    return {
        "officer_id": officer_id,
        "on": on,
        "to_location": to_location,
        "bound": False,
        "reason": "no commitment binds the officer",
        "commitments": [],
    }


def test_an_answer_about_the_question_asked_is_relied_on() -> None:
    asked = ask_roi(
        Answering(_about("K100", ON.isoformat(), "dover")),
        officer_id="K100",
        on=ON,
        to_location="dover",
    )
    assert asked.answer["bound"] is False


@pytest.mark.parametrize(
    "answer",
    [
        _about("K101", ON.isoformat(), "dover"),
        _about("K100", "2027-01-23", "dover"),
        _about("K100", ON.isoformat(), "ashford"),
        _about("K100", ON.isoformat(), None),
        {"bound": False, "reason": "names no question", "commitments": []},
        ["not", "an", "object"],
    ],
)
def test_an_answer_about_another_question_is_no_answer(answer: Any) -> None:
    with pytest.raises(Unavailable, match="not about K100's move"):
        ask_roi(Answering(answer), officer_id="K100", on=ON, to_location="dover")
