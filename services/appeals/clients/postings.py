"""Appeals' clients of the postings service: its feed, and the question asked when appeals'
own view of a decision has no notification yet."""

from __future__ import annotations

from collections.abc import Callable, Iterable
from datetime import datetime
from typing import Protocol
from uuid import UUID

import httpx
from pydantic import BaseModel, ValidationError

from shared.errors import Unavailable
from shared.feed_client import FeedClient, service_token_provider
from shared.peers import answer_of
from shared.settings import AppealsSettings


def postings_feed(
    settings: AppealsSettings,
    *,
    types: Iterable[str] | None = None,
    transport: httpx.BaseTransport | None = None,
) -> FeedClient:
    return FeedClient(
        settings.postings_url, service_token_provider(settings), types=types, transport=transport
    )


class AppealWindow(BaseModel):
    window_started_at: datetime | None


class AppealWindowQuestion(Protocol):
    def started_at(self, posting_id: UUID) -> datetime | None:
        """When the officer's 14 days to appeal started, as postings recorded it."""
        ...


class AppealWindowClient:
    """Asks postings, which records when each appeal window started (L1800 3.10.1). Fails
    closed: an appeal is not judged in time for want of an answer."""

    def __init__(self, http: httpx.Client, token: Callable[[], str]) -> None:
        self._http = http
        self._token = token

    @classmethod
    def from_settings(
        cls, settings: AppealsSettings, *, transport: httpx.BaseTransport | None = None
    ) -> AppealWindowClient:
        http = httpx.Client(base_url=settings.postings_url, timeout=5.0, transport=transport)
        return cls(http, service_token_provider(settings))

    def started_at(self, posting_id: UUID) -> datetime | None:
        try:
            response = self._http.get(
                f"/postings/{posting_id}/appeal-window",
                headers={"Authorization": f"Bearer {self._token()}"},
            )
        except httpx.HTTPError as exc:
            raise Unavailable(
                f"postings cannot say when the appeal window started: {exc}", service="postings"
            ) from exc
        answer = answer_of(response, service="postings", what=f"posting {posting_id}")
        try:
            return AppealWindow.model_validate(answer).window_started_at
        except ValidationError as exc:
            raise Unavailable(
                "postings' answer about the appeal window could not be read", service="postings"
            ) from exc


class AppealWindowNotConfigured:
    """Stands where no postings service was given: the question fails closed."""

    def started_at(self, posting_id: UUID) -> datetime | None:
        raise Unavailable(
            "no postings service is configured to say when the appeal window started",
            service="postings",
        )
