"""Development and welfare requests on form 1068 (L1800 3.5)."""

from __future__ import annotations

from datetime import date
from uuid import UUID

from services.postings.application.postings import PostingCommands
from services.postings.application.saved import Saved
from services.postings.domain.kinds import PostingKind
from services.postings.domain.request1068 import TransferRequest
from services.postings.domain.rules import (
    declining_must_give_reasons,
    probation_must_be_over,
    request_must_be_supported_by_the_slt,
)
from shared.clock import london_date
from shared.errors import NotPermitted, refuse_if
from shared.identity import Principal
from shared.ledger import decided_by
from shared.roles import Role


class RequestCommands(PostingCommands):
    def transfer_request(self, request_id: UUID) -> TransferRequest:
        return self.load(request_id, TransferRequest, what="request")

    def _must_be_their_slt(self, principal: Principal, division: str) -> None:
        if principal.role is not Role.SLT or principal.division != division:
            raise NotPermitted("only the officer's local SLT acts on their request (3.5.2)")

    def submit_request(
        self,
        *,
        principal: Principal,
        officer_id: str,
        grounds: str,
        reasons: str,
        roles_sought: list[str],
        locations_sought: list[str],
    ) -> Saved:
        """The officer submits a 1068 to the local SLT, copy to HR Resource Planning; or
        the SLT raises one to support an individual (3.5.1-3.5.2). Only after probation
        (3.3.1)."""
        officer = self.officer(officer_id)
        if principal.role is Role.OFFICER:
            if not principal.is_officer(officer_id):
                raise NotPermitted("officers submit their own requests")
        else:
            self._must_be_their_slt(principal, officer.division)
        violations, excused = self.excuse(
            officer,
            probation_must_be_over(
                probation_ends_on=officer.probation_ends_on,
                on=london_date(self.clock.now()),
                rule="TransferRequestsFollowProbation",
                what="a transfer request",
                awaiting_review=self._awaits_probation_review(officer),
            ),
            case="1068 request",
        )
        refuse_if(violations)
        for code in locations_sought:
            self.location(code)
        request = TransferRequest.submit(
            officer_id=officer_id,
            division=officer.division,
            grounds=grounds,
            reasons=reasons,
            roles_sought=roles_sought,
            locations_sought=locations_sought,
            actor_id=principal.subject,
            actor_role=principal.role,
            at=self.clock.now(),
        )
        return self._saved(request, officer) if excused else self._saved(request)

    def support_request(
        self, *, principal: Principal, correlation_id: str, request_id: UUID, rationale: str
    ) -> Saved:
        """The SLT endorses the report and sends it to HR Resource Planning (3.5.4)."""
        request = self.transfer_request(request_id)
        self._must_be_their_slt(principal, request.division)
        request.support(
            decision=decided_by(
                principal, clause="L1800 3.5.4", rationale=rationale, correlation_id=correlation_id
            ),
            at=self.clock.now(),
        )
        return self._saved(request)

    def decline_request(
        self, *, principal: Principal, correlation_id: str, request_id: UUID, rationale: str
    ) -> Saved:
        """Not supported: the SLT tells the officer why, documented, and the request goes on
        the officer's personal file (3.5.3)."""
        request = self.transfer_request(request_id)
        self._must_be_their_slt(principal, request.division)
        refuse_if(declining_must_give_reasons(reasons=rationale))
        request.decline(
            decision=decided_by(
                principal, clause="L1800 3.5.3", rationale=rationale, correlation_id=correlation_id
            ),
            at=self.clock.now(),
        )
        return self._saved(request)

    def decide_request_posting(
        self,
        *,
        principal: Principal,
        correlation_id: str,
        request_id: UUID,
        to_location: str,
        likely_posting_date: date,
        rationale: str,
        travel_justification: str | None = None,
        welfare_consideration: str | None = None,
    ) -> Saved:
        """HR Resource Planning takes a supported request into the posting plan and decides
        the posting (3.5.4)."""
        request = self.transfer_request(request_id)
        refuse_if(request_must_be_supported_by_the_slt(state=request.state))
        saved = self._decide(
            principal=principal,
            correlation_id=correlation_id,
            kind=PostingKind.OFFICER_REQUEST,
            officer_id=request.officer_id,
            to_location=to_location,
            likely_posting_date=likely_posting_date,
            rationale=rationale,
            travel_justification=travel_justification,
            welfare_consideration=welfare_consideration,
            details={"request_id": str(request_id), "grounds": request.grounds},
        )
        request.fulfil(posting_id=saved.id, at=self.clock.now())
        self.store(request)
        return saved
