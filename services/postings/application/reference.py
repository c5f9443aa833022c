"""Commands on reference data: officers, their PDRs and restrictions, locations, policy."""

from __future__ import annotations

from datetime import date
from typing import Any
from uuid import UUID

from services.postings.application.saved import Saved
from services.postings.application.structure import StructureCommands
from services.postings.domain.kinds import Power, RestrictionSource
from services.postings.domain.location import Location, location_aggregate_id
from services.postings.domain.officer import Officer, officer_aggregate_id
from services.postings.domain.policy import POLICY_ID, PolicySettings
from services.postings.domain.values import GeoPoint, PdrCycle
from shared.errors import Conflict, NotFound, NotPermitted
from shared.eventstore import check_expected_version
from shared.identity import Principal
from shared.ledger import decided_by
from shared.roles import Role


class ReferenceCommands(StructureCommands):
    def register_officer(self, *, principal: Principal, **details: Any) -> Saved:
        officer_id = details["officer_id"]
        if officer_aggregate_id(officer_id) in self.repository:
            raise Conflict(f"officer {officer_id} is already registered")
        officer = Officer.register(
            at=self.clock.now(), actor_id=principal.subject, actor_role=principal.role, **details
        )
        return self._saved(officer)

    def officer(self, officer_id: str) -> Officer:
        return self.load(officer_aggregate_id(officer_id), Officer, what="officer")

    def change_officer(
        self,
        *,
        principal: Principal,
        officer_id: str,
        expected_version: int | None,
        changes: dict[str, Any],
    ) -> Saved:
        officer = self.officer(officer_id)
        check_expected_version(officer, expected_version)
        officer.change(
            changes=changes,
            actor_id=principal.subject,
            actor_role=principal.role,
            at=self.clock.now(),
        )
        return self._saved(officer)

    def record_pdr(
        self, *, principal: Principal, officer_id: str, due_on: date, completed_on: date | None
    ) -> Saved:
        officer = self.officer(officer_id)
        officer.record_pdr(
            cycle=PdrCycle(due_on, completed_on),
            actor_id=principal.subject,
            actor_role=principal.role,
            at=self.clock.now(),
        )
        return self._saved(officer)

    def restrict_location(
        self,
        *,
        principal: Principal,
        correlation_id: str,
        officer_id: str,
        location: str,
        rationale: str,
    ) -> Saved:
        """Professional Standards marks a location unsuitable, or the officer asks not to be
        posted there (L1800 3.2.2)."""
        if principal.role is Role.OFFICER:
            if not principal.is_officer(officer_id):
                raise NotPermitted("officers record requests about their own postings only")
            source = RestrictionSource.OFFICER_REQUEST
        else:
            source = RestrictionSource.PROFESSIONAL_STANDARDS
        self.location(location)
        officer = self.officer(officer_id)
        officer.restrict(
            location=location,
            source=source,
            decision=decided_by(
                principal, clause="L1800 3.2.2", rationale=rationale, correlation_id=correlation_id
            ),
            at=self.clock.now(),
        )
        return self._saved(officer)

    def lift_restriction(
        self,
        *,
        principal: Principal,
        correlation_id: str,
        officer_id: str,
        location: str,
        rationale: str,
    ) -> Saved:
        """A restriction is lifted by whoever recorded it: the officer their own request,
        Professional Standards its marking (L1800 3.2.2). Ownership is checked before
        existence, so an officer learns nothing about markings that are not theirs."""
        if principal.role is Role.OFFICER:
            if not principal.is_officer(officer_id):
                raise NotPermitted("officers lift their own requests only")
            source = RestrictionSource.OFFICER_REQUEST
        else:
            source = RestrictionSource.PROFESSIONAL_STANDARDS
        officer = self.officer(officer_id)
        officer.lift_restriction(
            location=location,
            source=source,
            decision=decided_by(
                principal, clause="L1800 3.2.2", rationale=rationale, correlation_id=correlation_id
            ),
            at=self.clock.now(),
        )
        return self._saved(officer)

    def support_restriction_exception(
        self,
        *,
        principal: Principal,
        correlation_id: str,
        officer_id: str,
        location: str,
        rationale: str,
    ) -> Saved:
        officer = self.officer(officer_id)
        officer.support_exception(
            location=location,
            decision=decided_by(
                principal, clause="L1800 3.2.2", rationale=rationale, correlation_id=correlation_id
            ),
            at=self.clock.now(),
        )
        return self._saved(officer)

    def grant_home_town_exception(
        self,
        *,
        principal: Principal,
        correlation_id: str,
        officer_id: str,
        rationale: str,
        delegation_id: UUID | None,
    ) -> Saved:
        """Exceptional circumstances determined by the Director of HR or delegate allow a
        probationer's divisional posting to their home town (L1800 3.3.1)."""
        delegation = self.authorise(principal, Power.PROBATION_HOME_TOWN_EXCEPTION, delegation_id)
        officer = self.officer(officer_id)
        officer.grant_home_town_exception(
            decision=decided_by(
                principal,
                clause="L1800 3.3.1",
                rationale=rationale,
                correlation_id=correlation_id,
                delegation_id=delegation,
                facts={"probation_ends_on": str(officer.probation_ends_on)},
            ),
            at=self.clock.now(),
        )
        return self._saved(officer)

    # -- locations -----------------------------------------------------------------------------

    def register_location(
        self,
        *,
        principal: Principal,
        code: str,
        name: str,
        division: str,
        town: str,
        lat: float,
        lon: float,
        kind: str = "station",
    ) -> Saved:
        if location_aggregate_id(code) in self.repository:
            raise Conflict(f"location {code} is already registered")
        location = Location.register(
            code=code,
            name=name,
            division=division,
            town=town,
            point=GeoPoint(lat, lon),
            kind=kind,
            actor_id=principal.subject,
            actor_role=principal.role,
            at=self.clock.now(),
        )
        return self._saved(location)

    def location(self, code: str) -> Location:
        return self.load(location_aggregate_id(code), Location, what="location")

    # -- policy settings ------------------------------------------------------------------------

    def policy(self) -> PolicySettings:
        # One read, not "is it there?" and then a second to load it: every decision asks.
        try:
            return self.load(POLICY_ID, PolicySettings, what="policy settings")
        except NotFound:
            return PolicySettings.start(at=self.clock.now())

    def set_travel_limit(
        self,
        *,
        principal: Principal,
        correlation_id: str,
        limit_km: float,
        rationale: str,
        delegation_id: UUID | None,
    ) -> Saved:
        """The Director of HR, or delegate, determines the reasonable travelling distance
        (L1800 3.2.1)."""
        delegation = self.authorise(principal, Power.TRAVEL_LIMIT, delegation_id)
        policy = self.policy()
        policy.set_travel_limit(
            limit_km=limit_km,
            decision=decided_by(
                principal,
                clause="L1800 3.2.1",
                rationale=rationale,
                correlation_id=correlation_id,
                delegation_id=delegation,
                facts={"previous_limit_km": policy.travel_limit_km},
            ),
            at=self.clock.now(),
        )
        return self._saved(policy)

    def set_notice_period(
        self,
        *,
        principal: Principal,
        correlation_id: str,
        days: int,
        rationale: str,
        delegation_id: UUID | None,
    ) -> Saved:
        """The reasonable notice period for compulsory postings (L1800 3.7.2)."""
        delegation = self.authorise(principal, Power.NOTICE_PERIOD, delegation_id)
        policy = self.policy()
        policy.set_notice_period(
            days=days,
            decision=decided_by(
                principal,
                clause="L1800 3.7.2",
                rationale=rationale,
                correlation_id=correlation_id,
                delegation_id=delegation,
                facts={"previous_days": policy.notice_days},
            ),
            at=self.clock.now(),
        )
        return self._saved(policy)
