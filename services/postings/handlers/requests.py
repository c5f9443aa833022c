"""Development and welfare requests on form 1068 (L1800 3.5): submitted to the local SLT,
supported into the posting plan or declined with reasons, and the posting HR Resource
Planning decides from a supported one."""

from __future__ import annotations

from dataclasses import dataclass
from typing import Any

from services.postings.application import PostingsApplication
from services.postings.clients.roi import RoiQuestion
from services.postings.commands import (
    DecideRequestPosting,
    DeclineRequest,
    Placement,
    SubmitRequest,
    SupportRequest,
)
from services.postings.domain.details import RequestDetails
from services.postings.domain.kinds import PostingKind
from services.postings.domain.posting import Posting
from services.postings.domain.request1068 import TransferRequest
from services.postings.domain.rules.s3_3_appointment import TransferRequestsFollowProbation
from services.postings.domain.rules.s3_5_requests import (
    DecliningMustGiveReasons,
    OnlyTheOfficersSltActsOnTheirRequest,
    RequestIsDecidedOnce,
    RequestMustBeSupportedByTheSlt,
)
from services.postings.handlers.base import PostingsHandler
from services.postings.handlers.decision_path import (
    PostingTerms,
    RoiAsked,
    ask_roi,
    decide_posting,
)
from services.postings.handlers.decisions import awaits_probation_review
from services.postings.handlers.exceptions import excuse
from shared.clock import london_date
from shared.errors import ConcurrentChange, refuse_if
from shared.handling import Actor, Saved
from shared.identity import Principal
from shared.ledger import decided_by
from shared.roles import Role


def must_be_their_slt(principal: Principal, division: str) -> None:
    if principal.role is not Role.SLT or not principal.serves_in(division):
        OnlyTheOfficersSltActsOnTheirRequest.forbid(
            "only the officer's local SLT acts on their request (3.5.2)"
        )


class SubmitRequestHandler(PostingsHandler[SubmitRequest]):
    command = SubmitRequest

    def handle(self, command: SubmitRequest, actor: Actor, prepared: Any) -> Saved:
        """The officer submits a 1068 to the local SLT, copy to HR Resource Planning; or the
        SLT raises one to support an individual (3.5.1-3.5.2). Only after probation
        (3.3.1)."""
        principal, now = actor.principal, self.app.clock.now()
        if principal.role is Role.OFFICER and not principal.is_officer(command.officer_id):
            OnlyTheOfficersSltActsOnTheirRequest.forbid("officers submit their own requests")
        officer = self.app.officer_to_change(command.officer_id)
        if principal.role is not Role.OFFICER:
            must_be_their_slt(principal, officer.division)
        violations, excused = excuse(
            officer,
            TransferRequestsFollowProbation.check(
                probation_ends_on=officer.probation_ends_on,
                on=london_date(now),
                awaiting_review=awaits_probation_review(officer, self.app),
            ),
            case="1068 request",
            at=now,
        )
        refuse_if(violations)
        for n, code in enumerate(command.locations_sought):
            self.app.location(code, field=f"locations_sought.{n}")
        request = TransferRequest.submit(
            officer_id=command.officer_id,
            division=officer.division,
            grounds=command.grounds,
            reasons=command.reasons,
            roles_sought=command.roles_sought,
            locations_sought=command.locations_sought,
            actor_id=principal.person_id,
            actor_role=principal.role,
            at=now,
        )
        return self.saved(request, officer) if excused else self.saved(request)


class SupportRequestHandler(PostingsHandler[SupportRequest]):
    command = SupportRequest

    def authorise(self, command: SupportRequest, actor: Actor) -> None:
        must_be_their_slt(actor.principal, self.app.transfer_request(command.request_id).division)

    def handle(self, command: SupportRequest, actor: Actor, prepared: Any) -> Saved:
        """The SLT endorses the report and sends it to HR Resource Planning (3.5.4); decided
        once (RequestIsDecidedOnce, owned by the request)."""
        self.app.serialise_on(command.request_id)
        request = self.app.transfer_request(command.request_id)
        request.support(
            decision=decided_by(
                actor.principal,
                clause="L1800 3.5.4",
                rationale=command.rationale,
                correlation_id=actor.correlation_id,
            ),
            at=self.app.clock.now(),
        )
        return self.saved(request)


class DeclineRequestHandler(PostingsHandler[DeclineRequest]):
    command = DeclineRequest

    def authorise(self, command: DeclineRequest, actor: Actor) -> None:
        must_be_their_slt(actor.principal, self.app.transfer_request(command.request_id).division)

    def handle(self, command: DeclineRequest, actor: Actor, prepared: Any) -> Saved:
        """Not supported: the SLT tells the officer why, documented, and the request goes on
        the officer's personal file (3.5.3)."""
        self.app.serialise_on(command.request_id)
        request = self.app.transfer_request(command.request_id)
        refuse_if(DecliningMustGiveReasons.check(reasons=command.rationale))
        request.decline(
            decision=decided_by(
                actor.principal,
                clause="L1800 3.5.3",
                rationale=command.rationale,
                correlation_id=actor.correlation_id,
            ),
            at=self.app.clock.now(),
        )
        return self.saved(request)


@dataclass(frozen=True)
class RequestAsked:
    officer_id: str
    roi: RoiAsked


class DecideRequestPostingHandler(PostingsHandler[DecideRequestPosting]):
    command = DecideRequestPosting

    def __init__(self, app: PostingsApplication, roi: RoiQuestion) -> None:
        super().__init__(app)
        self.roi = roi

    def prepare(self, command: DecideRequestPosting, actor: Actor) -> RequestAsked:
        # Whose request it is, to ask ROI about them before the transaction opens.
        with self.app.db.unit_of_work(write=False):
            officer_id = self.app.transfer_request(command.request_id).officer_id
        return RequestAsked(
            officer_id,
            ask_roi(
                self.roi,
                officer_id=officer_id,
                on=command.likely_posting_date,
                to_location=command.to_location,
            ),
        )

    def handle(self, command: DecideRequestPosting, actor: Actor, prepared: RequestAsked) -> Saved:
        """HR Resource Planning takes a supported request into the posting plan and decides
        the posting (3.5.4), once: the request records the posting it became."""
        self.app.serialise_on(command.request_id)
        request = self.app.transfer_request(command.request_id)
        if request.state == "fulfilled":
            RequestIsDecidedOnce.refuse("the request is already in the posting plan")
        refuse_if(RequestMustBeSupportedByTheSlt.check(state=request.state))
        placement = Placement(
            officer_id=request.officer_id,
            to_location=command.to_location,
            likely_posting_date=command.likely_posting_date,
            rationale=command.rationale,
            travel_justification=command.travel_justification,
            welfare_consideration=command.welfare_consideration,
        )
        if placement.officer_id != prepared.officer_id:
            raise ConcurrentChange("the request changed while ROI was asked; asking again")
        now = self.app.clock.now()

        def fulfil(posting: Posting) -> list[TransferRequest]:
            request.fulfil(posting_id=posting.id, at=now)
            return [request]

        terms = PostingTerms(
            kind=PostingKind.OFFICER_REQUEST,
            details=RequestDetails(request_id=str(request.id), grounds=request.grounds),
            then=fulfil,
        )
        return decide_posting(self.app, actor, placement, terms, prepared.roi)
