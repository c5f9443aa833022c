"""Lodging an appeal within the window (L1800 3.10.1), and the policy owner's permission
for a late one (L1 2.4)."""

from __future__ import annotations

from typing import Any

from services.appeals.commands import GrantLatePermission, LodgeAppeal
from services.appeals.domain.appeal import Appeal
from services.appeals.domain.appealable_decision import (
    AppealableDecision,
    appealable_decision_id,
)
from services.appeals.domain.late_permission import LatePermission, late_permission_id
from services.appeals.domain.rules.l1_2_4_exceptions import LateAppealIsAllowedOnce
from services.appeals.domain.rules.s3_10_appeals import (
    AppealIsAgainstADecisionInForce,
    AppealIsLodgedByTheOfficerOrCommandTeam,
    AppealMustBeLodgedWithin14Days,
    appeal_deadline,
)
from services.appeals.handlers.base import AppealsHandler
from shared.errors import NotPermitted, refuse_if
from shared.handling import Actor, Saved
from shared.ledger import decided_by


class LodgeAppealHandler(AppealsHandler[LodgeAppeal]):
    command = LodgeAppeal

    def handle(self, command: LodgeAppeal, actor: Actor, prepared: Any) -> Saved:
        """An officer (their own posting decisions only) or a Command Team member appeals in
        writing to the Head of Resourcing within 14 days (L1800 3.10.1)."""
        principal = actor.principal
        now = self.app.clock.now()
        decision = self.app.posting_decision(command.posting_id)
        authority = AppealIsLodgedByTheOfficerOrCommandTeam.check(
            role=principal.role, own_decision=principal.is_officer(decision.officer_id)
        )
        if authority:
            raise NotPermitted(authority[0].message, violations=authority)
        self.app.serialise_on(appealable_decision_id(command.posting_id))
        held = self.app.appealable_decision(command.posting_id)
        # Appeals lodged before decisions were held here count too (older history); two
        # appeals lodged at once both save the decision, and only one of them can.
        live_before = (
            None
            if held is not None
            else self.app.live_appeal_before_decisions_were_held(
                command.posting_id, principal.subject
            )
        )
        permission = late_permission_id(command.posting_id, principal.subject) in (
            self.app.repository
        )
        if held is None:
            # Ended before decisions were held here: as appeals' view of it says.
            refuse_if(AppealIsAgainstADecisionInForce.check(status=decision.status))
            held = AppealableDecision.open(posting_id=command.posting_id, at=now)
        appeal = Appeal.lodge(
            posting_id=command.posting_id,
            officer_id=decision.officer_id,
            appellant_id=principal.subject,
            appellant_role=principal.role,
            grounds=command.grounds,
            deadline=appeal_deadline(decision.notified_at) if decision.notified_at else None,
            late_exception=permission,
            at=now,
        )
        held.lodge(
            appeal_id=appeal.id,
            appellant_id=principal.subject,
            live_before=live_before,
            in_time=AppealMustBeLodgedWithin14Days.check(
                notified_at=decision.notified_at, lodged_at=now, exception_granted=permission
            ),
            at=now,
        )
        return self.saved(appeal, held)


class GrantLatePermissionHandler(AppealsHandler[GrantLatePermission]):
    command = GrantLatePermission

    def handle(self, command: GrantLatePermission, actor: Actor, prepared: Any) -> Saved:
        """An HR policy owner allows a late appeal, case by case, with clear rationale
        (L1 2.4)."""
        decision = self.app.posting_decision(command.posting_id)
        if late_permission_id(command.posting_id, command.appellant_id) in self.app.repository:
            LateAppealIsAllowedOnce.refuse(
                f"{command.appellant_id} already has permission to appeal this decision late"
            )
        permission = LatePermission.grant(
            decision=decided_by(
                actor.principal,
                clause=LateAppealIsAllowedOnce.clause,
                rationale=command.rationale,
                correlation_id=actor.correlation_id,
                facts={
                    "rule_set_aside": AppealMustBeLodgedWithin14Days.id,
                    "deadline": (
                        appeal_deadline(decision.notified_at).isoformat()
                        if decision.notified_at
                        else None
                    ),
                },
            ),
            posting_id=command.posting_id,
            appellant_id=command.appellant_id,
            at=self.app.clock.now(),
        )
        return self.saved(permission)
