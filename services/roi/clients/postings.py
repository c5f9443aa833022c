"""ROI's client of the postings service, which keeps the Director of HR's delegations: may
this person act as the Director's delegate for this power today? Fails closed."""

from __future__ import annotations

from collections.abc import Callable
from typing import Any, Protocol
from uuid import UUID

import httpx

from shared.errors import PeerRefused, Unavailable
from shared.feed_client import service_token_provider
from shared.peers import answer_of
from shared.settings import RoiSettings


class DelegationQuestion(Protocol):
    def rely_on(
        self, *, delegation_id: UUID, power: str, actor_id: str, case_id: UUID
    ) -> list[dict[str, Any]]:
        """Record that the decision ``case_id`` relies on the delegation; why it may not
        (the rules postings names), with nothing recorded, when it does not cover it."""
        ...


class DivisionQuestion(Protocol):
    def division_of(self, officer_id: str) -> str | None:
        """The division the officer serves in now, as postings keeps it; None for an
        officer postings does not know."""
        ...


class PostingsQuestions(DelegationQuestion, DivisionQuestion, Protocol):
    """What ROI asks postings."""


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

    def rely_on(
        self, *, delegation_id: UUID, power: str, actor_id: str, case_id: UUID
    ) -> list[dict[str, Any]]:
        """Postings records the reliance on the delegation, where a revocation meets it
        (L1800 3.1.1); the same case asked again is recorded once. A refusal by the
        delegation's own rules comes back as the reasons; anything else fails closed."""
        try:
            response = self._http.post(
                f"/delegations/{delegation_id}/reliances",
                json={"power": power, "actor_id": actor_id, "case_id": str(case_id)},
                headers={
                    "Authorization": f"Bearer {self._token()}",
                    "Idempotency-Key": f"roi-reliance-{case_id}",
                },
            )
        except httpx.HTTPError as exc:
            raise Unavailable(
                f"postings cannot confirm the delegation: {exc}", service="postings"
            ) from exc
        try:
            answer_of(response, service="postings", what=f"delegation {delegation_id}")
        except PeerRefused as refused:
            reasons = refused.problem.get("violations")
            if refused.status == 422 and isinstance(reasons, list) and reasons:
                return [r for r in reasons if isinstance(r, dict)]
            raise
        return []

    def division_of(self, officer_id: str) -> str | None:
        """Asked before a divisional role acts on an officer; fails closed (503) when
        postings cannot answer. An officer postings does not know serves in no division
        (None), so the caller is refused as for any other division's officer, and learns
        nothing of whom the commitment names."""
        try:
            response = self._http.get(
                f"/officers/{officer_id}/division",
                headers={"Authorization": f"Bearer {self._token()}"},
            )
        except httpx.HTTPError as exc:
            raise Unavailable(
                f"postings cannot say the officer's division: {exc}", service="postings"
            ) from exc
        if response.status_code == 404:
            return None
        body = answer_of(response, service="postings", what=f"officer {officer_id}")
        return str(body["division"])
