"""Reference data, each change an event: officers and their PDRs (kept by HR and the HR
system), places of duty, units with their heads and the establishment (L1800 3.1.2), and
the locations unsuitable for an officer (3.2.2)."""

from __future__ import annotations

from typing import Any

from services.postings.commands import (
    ChangeOfficer,
    ChangeUnitHead,
    LiftRestriction,
    RecordPdr,
    RegisterLocation,
    RegisterOfficer,
    RegisterUnit,
    RestrictLocation,
    SetEstablishmentTarget,
    StatePreferences,
    SupportRestrictionException,
)
from services.postings.domain.establishment import Establishment, establishment_id
from services.postings.domain.kinds import RestrictionSource
from services.postings.domain.location import Location, location_aggregate_id
from services.postings.domain.officer import Officer, officer_aggregate_id
from services.postings.domain.rules.s3_1_general import RecordIsRegisteredOnce
from services.postings.domain.rules.s3_2_general_postings import OfficersRecordTheirOwnRequestsOnly
from services.postings.domain.unit import Unit, unit_id
from services.postings.domain.values import GeoPoint, PdrCycle
from services.postings.handlers.base import PostingsHandler
from shared.handling import Actor, Saved
from shared.identity import Principal
from shared.ledger import decided_by
from shared.roles import Role


class RegisterOfficerHandler(PostingsHandler[RegisterOfficer]):
    command = RegisterOfficer

    def handle(self, command: RegisterOfficer, actor: Actor, prepared: Any) -> Saved:
        """One officer per force officer id: found again from the id (a deterministic id),
        so a second registration, or two at once, leave one."""
        if officer_aggregate_id(command.officer_id) in self.app.repository:
            RecordIsRegisteredOnce.refuse(f"officer {command.officer_id} is already registered")
        self.app.location(command.place_of_duty, field="place_of_duty")
        details = {f: getattr(command, f) for f in command.__dataclass_fields__}
        officer = Officer.register(
            at=self.app.clock.now(),
            actor_id=actor.principal.person_id,
            actor_role=actor.principal.role,
            **details,
        )
        return self.saved(officer)


class ChangeOfficerHandler(PostingsHandler[ChangeOfficer]):
    command = ChangeOfficer

    def handle(self, command: ChangeOfficer, actor: Actor, prepared: Any) -> Saved:
        officer = self.app.officer_to_change(command.officer_id)
        officer.change(
            changes=command.changes,
            actor_id=actor.principal.person_id,
            actor_role=actor.principal.role,
            at=self.app.clock.now(),
        )
        return self.saved(officer)


class RecordPdrHandler(PostingsHandler[RecordPdr]):
    command = RecordPdr

    def handle(self, command: RecordPdr, actor: Actor, prepared: Any) -> Saved:
        """The officer's current annual PDR cycle, as the HR system holds it (3.1.4)."""
        officer = self.app.officer_to_change(command.officer_id)
        officer.record_pdr(
            cycle=PdrCycle(command.due_on, command.completed_on),
            actor_id=actor.principal.person_id,
            actor_role=actor.principal.role,
            at=self.app.clock.now(),
        )
        return self.saved(officer)


class RegisterLocationHandler(PostingsHandler[RegisterLocation]):
    command = RegisterLocation

    def handle(self, command: RegisterLocation, actor: Actor, prepared: Any) -> Saved:
        if location_aggregate_id(command.code) in self.app.repository:
            RecordIsRegisteredOnce.refuse(f"location {command.code} is already registered")
        location = Location.register(
            code=command.code,
            name=command.name,
            division=command.division,
            town=command.town,
            point=GeoPoint(command.lat, command.lon),
            kind=command.kind,
            actor_id=actor.principal.person_id,
            actor_role=actor.principal.role,
            at=self.app.clock.now(),
        )
        return self.saved(location)


class RegisterUnitHandler(PostingsHandler[RegisterUnit]):
    command = RegisterUnit

    def handle(self, command: RegisterUnit, actor: Actor, prepared: Any) -> Saved:
        if unit_id(command.code) in self.app.repository:
            RecordIsRegisteredOnce.refuse(f"unit {command.code} is already registered")
        unit = Unit.register(
            code=command.code,
            name=command.name,
            kind=command.kind,
            head_id=command.head_id,
            actor_id=actor.principal.person_id,
            actor_role=actor.principal.role,
            at=self.app.clock.now(),
        )
        return self.saved(unit)


class ChangeUnitHeadHandler(PostingsHandler[ChangeUnitHead]):
    command = ChangeUnitHead

    def handle(self, command: ChangeUnitHead, actor: Actor, prepared: Any) -> Saved:
        unit = self.app.load(unit_id(command.code), Unit, what="unit", named=command.code)
        unit.change_head(
            head_id=command.head_id,
            actor_id=actor.principal.person_id,
            actor_role=actor.principal.role,
            at=self.app.clock.now(),
        )
        return self.saved(unit)


class SetEstablishmentTargetHandler(PostingsHandler[SetEstablishmentTarget]):
    command = SetEstablishmentTarget

    def handle(self, command: SetEstablishmentTarget, actor: Actor, prepared: Any) -> Saved:
        """HR Resource Planning sets a target for a division (L1800 3.1.2-3.1.3)."""
        now = self.app.clock.now()
        if establishment_id(command.division) in self.app.repository:
            establishment = self.app.load(
                establishment_id(command.division), Establishment, what="establishment"
            )
        else:
            establishment = Establishment.start(division=command.division, at=now)
        establishment.set_target(
            category=command.category,
            key=command.key,
            target=command.target,
            actor_id=actor.principal.person_id,
            actor_role=actor.principal.role,
            at=now,
        )
        return self.saved(establishment)


def restriction_source(principal: Principal, officer_id: str, what: str) -> RestrictionSource:
    """Professional Standards marks a location; an officer asks about their own postings
    only (3.2.2). Ownership is checked before existence, so an officer learns nothing about
    markings that are not theirs."""
    if principal.role is Role.OFFICER:
        if not principal.is_officer(officer_id):
            OfficersRecordTheirOwnRequestsOnly.forbid(
                f"officers {what} requests about their own postings only"
            )
        return RestrictionSource.OFFICER_REQUEST
    return RestrictionSource.PROFESSIONAL_STANDARDS


class RestrictLocationHandler(PostingsHandler[RestrictLocation]):
    command = RestrictLocation

    def handle(self, command: RestrictLocation, actor: Actor, prepared: Any) -> Saved:
        """Professional Standards marks a location unsuitable, or the officer asks not to be
        posted there (L1800 3.2.2)."""
        source = restriction_source(actor.principal, command.officer_id, "record")
        self.app.location(command.location, field="location")
        officer = self.app.officer_to_change(command.officer_id)
        officer.restrict(
            location=command.location,
            source=source,
            decision=decided_by(
                actor.principal,
                clause="L1800 3.2.2",
                rationale=command.rationale,
                correlation_id=actor.correlation_id,
            ),
            at=self.app.clock.now(),
        )
        return self.saved(officer)


class StatePreferencesHandler(PostingsHandler[StatePreferences]):
    command = StatePreferences

    def handle(self, command: StatePreferences, actor: Actor, prepared: Any) -> Saved:
        """The officer says where they would prefer to serve, should they be posted
        compulsorily (L1800 3.7.2). The statement is theirs alone: the route admits
        officers only, and the edge lets an officer act on their own record only."""
        for place in command.places:
            self.app.location(place, field="places")
        officer = self.app.officer_to_change(command.officer_id)
        officer.state_preferences(
            places=list(command.places),
            decision=decided_by(
                actor.principal,
                clause="L1800 3.7.2",
                rationale=command.rationale,
                correlation_id=actor.correlation_id,
            ),
            at=self.app.clock.now(),
        )
        return self.saved(officer)


class LiftRestrictionHandler(PostingsHandler[LiftRestriction]):
    command = LiftRestriction

    def handle(self, command: LiftRestriction, actor: Actor, prepared: Any) -> Saved:
        """A restriction is lifted by whoever recorded it: the officer their own request,
        Professional Standards its marking (L1800 3.2.2)."""
        source = restriction_source(actor.principal, command.officer_id, "lift")
        officer = self.app.officer_to_change(command.officer_id)
        officer.lift_restriction(
            location=command.location,
            source=source,
            decision=decided_by(
                actor.principal,
                clause="L1800 3.2.2",
                rationale=command.rationale,
                correlation_id=actor.correlation_id,
            ),
            at=self.app.clock.now(),
        )
        return self.saved(officer)


class SupportRestrictionExceptionHandler(PostingsHandler[SupportRestrictionException]):
    command = SupportRestrictionException

    def handle(self, command: SupportRestrictionException, actor: Actor, prepared: Any) -> Saved:
        """Professional Standards or the Head of Resourcing supports posting the officer to
        a restricted location in exceptional circumstances; both must (L1800 3.2.2)."""
        officer = self.app.officer_to_change(command.officer_id)
        officer.support_exception(
            location=command.location,
            decision=decided_by(
                actor.principal,
                clause="L1800 3.2.2",
                rationale=command.rationale,
                correlation_id=actor.correlation_id,
            ),
            at=self.app.clock.now(),
        )
        return self.saved(officer)
