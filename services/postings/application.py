"""The postings application: one method per command. Each loads what it needs, lets the
aggregate check its rules and record its events, and returns the id and new version."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import date
from typing import Any, ClassVar
from uuid import UUID

from services.postings.domain.delegation import Delegation
from services.postings.domain.kinds import PostingKind, PostingStatus, Power, Rank
from services.postings.domain.officer import Officer, officer_aggregate_id
from services.postings.domain.posting import Posting
from services.postings.domain.rules import (
    move_must_change_place_of_duty,
    redeployment_must_stay_within_the_deciders_unit,
)
from shared.errors import Conflict, refuse_if
from shared.eventstore import LedgerApplication, check_expected_version
from shared.identity import Principal
from shared.ledger import decided_by


@dataclass(frozen=True)
class Saved:
    id: UUID
    version: int


class PostingsApplication(LedgerApplication):
    name = "Postings"  # the event table is postings_events
    domain_enums: ClassVar[tuple[type[Any], ...]] = (PostingKind, PostingStatus, Power, Rank)

    # -- reference data ---------------------------------------------------------------------

    def register_officer(
        self,
        *,
        principal: Principal,
        officer_id: str,
        name: str,
        rank: Rank,
        division: str,
        place_of_duty: str,
        appointed_on: date,
    ) -> Saved:
        if officer_aggregate_id(officer_id) in self.repository:
            raise Conflict(f"officer {officer_id} is already registered")
        officer = Officer.register(
            officer_id=officer_id,
            name=name,
            rank=rank,
            division=division,
            place_of_duty=place_of_duty,
            appointed_on=appointed_on,
            actor_id=principal.subject,
            actor_role=principal.role,
            at=self.clock.now(),
        )
        self.store(officer)
        return Saved(officer.id, officer.version)

    def officer(self, officer_id: str) -> Officer:
        return self.load(officer_aggregate_id(officer_id), Officer, what="officer")

    # -- delegations --------------------------------------------------------------------------

    def grant_delegation(
        self,
        *,
        principal: Principal,
        correlation_id: str,
        delegate_id: str,
        powers: list[Power],
        valid_from: date,
        valid_to: date,
        rationale: str,
    ) -> Saved:
        decision = decided_by(
            principal,
            rationale=rationale,
            clause="L1800 3.1.1",
            facts={"powers": sorted(p.value for p in powers)},
            effective_date=valid_from,
            correlation_id=correlation_id,
        )
        delegation = Delegation.grant(
            decision=decision,
            delegate_id=delegate_id,
            powers=powers,
            valid_from=valid_from,
            valid_to=valid_to,
            at=self.clock.now(),
        )
        self.store(delegation)
        return Saved(delegation.id, delegation.version)

    def revoke_delegation(
        self,
        *,
        principal: Principal,
        correlation_id: str,
        delegation_id: UUID,
        expected_version: int | None,
        rationale: str,
    ) -> Saved:
        delegation = self.load(delegation_id, Delegation, what="delegation")
        check_expected_version(delegation, expected_version)
        if delegation.revoked:
            raise Conflict(f"delegation {delegation_id} is already revoked")
        delegation.revoke(
            decision=decided_by(
                principal,
                rationale=rationale,
                clause="L1800 3.1.1",
                correlation_id=correlation_id,
            ),
            at=self.clock.now(),
        )
        self.store(delegation)
        return Saved(delegation.id, delegation.version)

    # -- postings -------------------------------------------------------------------------

    def decide_redeployment(
        self,
        *,
        principal: Principal,
        correlation_id: str,
        officer_id: str,
        to_location: str,
        posting_date: date,
        rationale: str,
    ) -> Saved:
        """Re-deployment within a division/department by its commander or head (3.6.1)."""
        officer = self.officer(officer_id)
        refuse_if(
            redeployment_must_stay_within_the_deciders_unit(
                officer_division=officer.division, decider_division=principal.division
            )
            + move_must_change_place_of_duty(current=officer.place_of_duty, proposed=to_location)
        )
        decision = decided_by(
            principal,
            rationale=rationale,
            clause="L1800 3.6.1",
            facts={
                "officer_division": officer.division,
                "decider_division": principal.division,
                "from_location": officer.place_of_duty,
            },
            effective_date=posting_date,
            correlation_id=correlation_id,
        )
        posting = Posting.decide(
            decision=decision,
            kind=PostingKind.REDEPLOYMENT,
            officer_id=officer_id,
            division=officer.division,
            from_location=officer.place_of_duty,
            to_location=to_location,
            at=self.clock.now(),
        )
        self.store(posting)
        return Saved(posting.id, posting.version)

    def notify_officer(
        self,
        *,
        principal: Principal,
        posting_id: UUID,
        expected_version: int | None,
        recipients: list[str],
        content: str,
    ) -> Saved:
        posting = self.load(posting_id, Posting, what="posting")
        check_expected_version(posting, expected_version)
        posting.notify_officer(
            recipients=recipients,
            content=content,
            actor_id=principal.subject,
            actor_role=principal.role,
            at=self.clock.now(),
        )
        self.store(posting)
        return Saved(posting.id, posting.version)
