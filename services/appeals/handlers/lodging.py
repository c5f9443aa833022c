"""Lodging an appeal within the window (L1800 3.10.1), and the policy owner's permission
for a late one (L1 2.4)."""

from __future__ import annotations

from datetime import datetime
from typing import Any, cast

from services.appeals.application import AppealsApplication
from services.appeals.clients.postings import AppealWindowQuestion
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

    def __init__(self, app: AppealsApplication, window: AppealWindowQuestion) -> None:
        super().__init__(app)
        self.window = window

    def authorise(self, command: LodgeAppeal, actor: Actor) -> None:
        """An officer appeals their own posting decisions only; a Command Team member any."""
        principal = actor.principal
        decision = self.app.posting_decision(command.posting_id)
        authority = AppealIsLodgedByTheOfficerOrCommandTeam.check(
            role=principal.role, own_decision=principal.is_officer(decision.officer_id)
        )
        if authority:
            raise NotPermitted(authority[0].message, violations=authority)

    def prepare(self, command: LodgeAppeal, actor: Actor) -> datetime | None:
        """When the 14 days started (L1800 3.10.1). Appeals learns it from postings' feed;
        until the feed brings it, postings is asked, so that a feed running behind never
        lets a late appeal pass as in time."""
        with self.app.db.unit_of_work(write=False):
            known = self.app.posting_decision(command.posting_id).notified_at
        if known is not None:
            return cast(datetime, known)
        return self.window.started_at(command.posting_id)

    def handle(self, command: LodgeAppeal, actor: Actor, prepared: datetime | None) -> Saved:
        """An officer (their own posting decisions only) or a Command Team member appeals in
        writing to the Head of Resourcing within 14 days (L1800 3.10.1)."""
        principal = actor.principal
        now = self.app.clock.now()
        decision = self.app.posting_decision(command.posting_id)
        # Once started, the window's start never changes: the feed's or postings' word.
        notified_at = decision.notified_at or prepared
        self.app.serialise_on(appealable_decision_id(command.posting_id))
        held = self.app.appealable_decision(command.posting_id)
        # Appeals lodged before decisions were held here count too (older history); two
        # appeals lodged at once both save the decision, and only one of them can.
        live_before = (
            None
            if held is not None
            else self.app.live_appeal_before_decisions_were_held(
                command.posting_id, principal.person_id
            )
        )
        permission = late_permission_id(command.posting_id, principal.person_id) in (
            self.app.repository
        )
        if held is None:
            # Ended before decisions were held here: as appeals' view of it says.
            refuse_if(AppealIsAgainstADecisionInForce.check(status=decision.status))
            held = AppealableDecision.open(posting_id=command.posting_id, at=now)
        appeal = Appeal.lodge(
            posting_id=command.posting_id,
            officer_id=decision.officer_id,
            appellant_id=principal.person_id,
            appellant_role=principal.role,
            grounds=command.grounds,
            deadline=appeal_deadline(notified_at) if notified_at else None,
            late_exception=permission,
            at=now,
        )
        held.lodge(
            appeal_id=appeal.id,
            appellant_id=principal.person_id,
            live_before=live_before,
            in_time=AppealMustBeLodgedWithin14Days.check(
                notified_at=notified_at, lodged_at=now, exception_granted=permission
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
