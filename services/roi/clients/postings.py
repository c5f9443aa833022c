"""ROI's client of the postings service, which keeps the Director of HR's delegations: may
this person act as the Director's delegate for this power today? Fails closed."""

from __future__ import annotations

from collections.abc import Callable
from datetime import date
from typing import Any, Protocol
from uuid import UUID

import httpx

from shared.errors import Unavailable
from shared.feed_client import service_token_provider
from shared.peers import answer_of
from shared.settings import RoiSettings


class DelegationQuestion(Protocol):
    def violations(
        self, *, delegation_id: UUID, power: str, actor_id: str, on: date
    ) -> list[dict[str, Any]]:
        """Why the delegation does not cover the decision; empty when it does."""
        ...


class DelegationClient:
    def __init__(self, http: httpx.Client, token: Callable[[], str]) -> None:
        self._http = http
        self._token = token

    @classmethod
    def from_settings(cls, settings: RoiSettings) -> DelegationClient:
        return cls(
            httpx.Client(base_url=settings.postings_url, timeout=5.0),
            service_token_provider(settings),
        )

    def violations(
        self, *, delegation_id: UUID, power: str, actor_id: str, on: date
    ) -> list[dict[str, Any]]:
        try:
            response = self._http.get(
                f"/delegations/{delegation_id}/coverage",
                params={"power": power, "actor_id": actor_id, "on": on.isoformat()},
                headers={"Authorization": f"Bearer {self._token()}"},
            )
        except httpx.HTTPError as exc:
            raise Unavailable(
                f"postings cannot confirm the delegation: {exc}", service="postings"
            ) from exc
        answer = answer_of(response, service="postings", what=f"delegation {delegation_id}")
        try:
            found: list[dict[str, Any]] = answer["violations"]
        except (KeyError, TypeError) as exc:
            raise Unavailable(
                "postings' answer about the delegation has no violations", service="postings"
            ) from exc
        return found
