"""Early release before the ROI period ends (L1800 3.9.3): by the Force Resourcing Panel,
or for a local move on the Head of Department's case signed off by the Head of
Resourcing."""

from __future__ import annotations

from typing import Any

from services.roi.application import RoiApplication
from services.roi.clients.postings import DivisionQuestion
from services.roi.commands import MakeLocalCase, ReleaseByPanel, SignOffLocalRelease
from services.roi.domain.rules.s3_9_roi import LocalReleaseNeedsTheHeadOfDepartmentsCase
from services.roi.handlers.base import RoiHandler
from shared.errors import Unavailable, refuse_if
from shared.handling import Actor, Saved
from shared.ledger import decided_by
from shared.rules.l1_data_security import DivisionalRolesActInTheirOwnDivision


class ReleaseByPanelHandler(RoiHandler[ReleaseByPanel]):
    command = ReleaseByPanel

    def handle(self, command: ReleaseByPanel, actor: Actor, prepared: Any) -> Saved:
        """The Force Resourcing Panel releases in exceptional operational circumstances."""
        commitment = self.app.commitment(command.commitment_id)
        commitment.release(
            to_location=command.to_location,
            route="force_resourcing_panel",
            decision=decided_by(
                actor.principal,
                clause="L1800 3.9.3",
                rationale=command.rationale,
                correlation_id=actor.correlation_id,
                facts={"period_ends_on": str(commitment.period_ends_on)},
            ),
            at=self.app.clock.now(),
        )
        return self.saved(commitment)


class MakeLocalCaseHandler(RoiHandler[MakeLocalCase]):
    command = MakeLocalCase

    def __init__(self, app: RoiApplication, postings: DivisionQuestion | None) -> None:
        super().__init__(app)
        self.postings = postings

    def prepare(self, command: MakeLocalCase, actor: Actor) -> None:
        """Before anything else: a Head of Department makes the case for an officer of
        their own division only. ROI keeps no divisions, so postings is asked where the
        officer serves now; a refusal names nothing about the commitment."""
        with self.app.db.unit_of_work(write=False):
            officer_id = self.app.commitment(command.commitment_id).officer_id
        if self.postings is None:
            raise Unavailable(
                "no postings service to say the officer's division", service="postings"
            )
        if self.postings.division_of(officer_id) != actor.principal.division:
            DivisionalRolesActInTheirOwnDivision.forbid(
                "a Head of Department makes the case for officers of their own division only"
            )

    def handle(self, command: MakeLocalCase, actor: Actor, prepared: Any) -> Saved:
        """The Head of Department makes the case for a local move (3.9.3)."""
        commitment = self.app.commitment(command.commitment_id)
        commitment.make_local_case(
            to_location=command.to_location,
            decision=decided_by(
                actor.principal,
                clause="L1800 3.9.3",
                rationale=command.rationale,
                correlation_id=actor.correlation_id,
            ),
            at=self.app.clock.now(),
        )
        return self.saved(commitment)


class SignOffLocalReleaseHandler(RoiHandler[SignOffLocalRelease]):
    command = SignOffLocalRelease

    def handle(self, command: SignOffLocalRelease, actor: Actor, prepared: Any) -> Saved:
        """The Head of Resourcing signs off the Head of Department's case (3.9.3)."""
        commitment = self.app.commitment(command.commitment_id)
        refuse_if(
            LocalReleaseNeedsTheHeadOfDepartmentsCase.check(
                case_made=commitment.local_case is not None
            )
        )
        assert commitment.local_case is not None
        commitment.release(
            to_location=commitment.local_case,
            route="local",
            decision=decided_by(
                actor.principal,
                clause="L1800 3.9.3",
                rationale=command.rationale,
                correlation_id=actor.correlation_id,
                facts={"period_ends_on": str(commitment.period_ends_on)},
            ),
            at=self.app.clock.now(),
        )
        return self.saved(commitment)
