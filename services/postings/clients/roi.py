"""Postings' client of the ROI service: the question asked before every move (L1800 3.9).
It fails closed: when ROI cannot answer, the decision cannot be taken."""

from __future__ import annotations

from collections.abc import Callable
from datetime import date
from typing import Any, Protocol

import httpx
from pydantic import BaseModel, StrictBool

from shared.errors import Unavailable
from shared.feed_client import service_token_provider
from shared.kept_gets import Gets, KeptGets
from shared.peers import answer_of
from shared.settings import PostingsSettings


class RoiCommitment(BaseModel):
    """What postings keeps of one commitment as a fact of its decision."""

    id: str
    course_code: str
    binds: StrictBool
    period_ends_on: date | None
    released_for: str | None


class RoiAnswer(BaseModel):
    """The part of ROI's answer a decision relies on; anything else ROI says is ignored,
    and an answer without these is no answer."""

    bound: StrictBool
    reason: str
    commitments: list[RoiCommitment] = []


class RoiQuestion(Protocol):
    def status(self, *, officer_id: str, on: date, to_location: str) -> dict[str, Any]:
        """Is the officer bound by an ROI on ``on`` for a move to ``to_location``, and why."""
        ...


class RoiClient:
    def __init__(self, http: Gets, token: Callable[[], str]) -> None:
        self._http = http
        self._token = token

    def status(self, *, officer_id: str, on: date, to_location: str) -> dict[str, Any]:
        try:
            response = self._http.get(
                f"/officers/{officer_id}/roi-status",
                params={"on": on.isoformat(), "to_location": to_location},
                headers={"Authorization": f"Bearer {self._token()}"},
            )
        except httpx.HTTPError as exc:
            raise Unavailable(
                f"the ROI service cannot answer whether {officer_id} is bound: {exc}",
                service="roi",
            ) from exc
        answer: dict[str, Any] = answer_of(
            response, service="roi", what=f"whether {officer_id} is bound"
        )
        return answer

    def close(self) -> None:
        self._http.close()


class RoiNotConfigured:
    """Stands where no ROI service was given: every question fails closed."""

    def status(self, *, officer_id: str, on: date, to_location: str) -> dict[str, Any]:
        raise Unavailable("no ROI service is configured for postings", service="roi")


def roi_question(settings: PostingsSettings) -> RoiQuestion:
    """The ROI service as the settings name it, asked before every decision over a kept
    connection per thread (shared.kept_gets, ADRs 0026 and 0037); none named, every decision that
    needs it is refused as unavailable (503), and postings still starts."""
    if not settings.roi_url:
        return RoiNotConfigured()
    return RoiClient(
        KeptGets(settings.roi_url, timeout=settings.roi_timeout_seconds),
        service_token_provider(settings),
    )
