"""Hearing an appeal at the appropriate level (L1800 3.10.1): the Head of Resourcing
assigns it, evidence and submissions are added, and the person assigned decides it."""

from __future__ import annotations

from typing import Any

from services.appeals.commands import AddToAppeal, AssignHearer, DecideAppeal
from services.appeals.domain.rules.s3_10_appeals import (
    EvidenceComesFromTheHearingOrTheAppellant,
    HearerMustNotBeTheAppellant,
    HearerMustNotBeTheDecider,
    OnlyTheAssignedHearerDecides,
)
from services.appeals.handlers.base import AppealsHandler
from shared.errors import refuse_if
from shared.handling import Actor, Saved
from shared.ledger import decided_by
from shared.roles import Role


class AssignHearerHandler(AppealsHandler[AssignHearer]):
    command = AssignHearer

    def handle(self, command: AssignHearer, actor: Actor, prepared: Any) -> Saved:
        """The Head of Resourcing arranges for the appeal to be heard at the appropriate
        level, never by the decider (L1800 3.10.1)."""
        appeal = self.app.appeal(command.appeal_id)
        decision = self.app.posting_decision(appeal.posting_id)
        refuse_if(
            HearerMustNotBeTheDecider.check(
                hearer_id=command.hearer_id, decided_by=decision.decided_by
            )
            + HearerMustNotBeTheAppellant.check(
                hearer_id=command.hearer_id,
                appellant_id=appeal.appellant_id,
                appellant_role=appeal.appellant_role,
            )
        )
        appeal.assign(
            hearer_id=command.hearer_id,
            level=command.level,
            decision=decided_by(
                actor.principal,
                clause="L1800 3.10.1",
                rationale=command.rationale,
                correlation_id=actor.correlation_id,
                facts={"decided_by": decision.decided_by, "hearer_id": command.hearer_id},
            ),
            at=self.app.clock.now(),
        )
        return self.saved(appeal)


class AddToAppealHandler(AppealsHandler[AddToAppeal]):
    command = AddToAppeal

    def authorise(self, command: AddToAppeal, actor: Actor) -> None:
        """Before anything about the appeal is asked: submissions come from the appellant,
        evidence from the Head of Resourcing or the hearer."""
        principal = actor.principal
        appeal = self.app.appeal(command.appeal_id)
        if command.kind == "submission" and not principal.is_person(
            appeal.appellant_id, appeal.appellant_role
        ):
            EvidenceComesFromTheHearingOrTheAppellant.forbid(
                "written submissions come from the appellant"
            )
        if command.kind == "evidence" and not (
            principal.role is Role.HEAD_OF_RESOURCING or principal.is_staff(appeal.hearer_id)
        ):
            EvidenceComesFromTheHearingOrTheAppellant.forbid(
                "evidence is added by the Head of Resourcing or the hearer"
            )

    def handle(self, command: AddToAppeal, actor: Actor, prepared: Any) -> Saved:
        """Further evidence (Head of Resourcing or the hearer) or the appellant's written
        submissions, each an event."""
        principal = actor.principal
        appeal = self.app.appeal(command.appeal_id)
        appeal.add(
            kind=command.kind,
            content=command.content,
            actor_id=principal.person_id,
            actor_role=principal.role,
            at=self.app.clock.now(),
        )
        return self.saved(appeal)


class DecideAppealHandler(AppealsHandler[DecideAppeal]):
    command = DecideAppeal

    def authorise(self, command: DecideAppeal, actor: Actor) -> None:
        """Only the person assigned to hear the appeal decides it; anyone else is refused
        before the appeal's state is asked (nothing of it is told to them)."""
        appeal = self.app.appeal(command.appeal_id)
        if not actor.principal.is_staff(appeal.hearer_id):
            OnlyTheAssignedHearerDecides.forbid(
                "only the person assigned to hear the appeal decides it"
            )

    def handle(self, command: DecideAppeal, actor: Actor, prepared: Any) -> Saved:
        """The assigned person upholds or dismisses the appeal; the decision is final. Two
        outcomes sent at once meet at the appeal's version: one is recorded, the other is
        run again and refused as final (OneOutcomePerAppeal)."""
        appeal = self.app.appeal(command.appeal_id)
        appeal.decide(
            outcome=command.outcome,
            decision=decided_by(
                actor.principal,
                clause="L1800 3.10.1",
                rationale=command.rationale,
                correlation_id=actor.correlation_id,
                facts={"posting_id": str(appeal.posting_id)},
            ),
            at=self.app.clock.now(),
        )
        return self.saved(appeal)
