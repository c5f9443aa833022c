"""The appeals application: one method per command (L1800 3.10.1, L1 2.4)."""

from __future__ import annotations

from dataclasses import dataclass
from typing import Any
from uuid import NAMESPACE_URL, UUID, uuid5

from sqlalchemy import select

from services.appeals.domain.appeal import Appeal, LatePermission
from services.appeals.domain.rules import (
    APPELLANT_ROLES,
    appeal_deadline,
    appeal_must_be_lodged_within_14_days,
    hearer_must_not_be_the_decider,
    one_appeal_per_decision_and_appellant,
)
from services.appeals.projections.tables import appeals, posting_decisions
from services.appeals.projections.tables import kernel as appeals_kernel
from shared.errors import NotPermitted, NotYetKnown, refuse_if
from shared.eventstore import LedgerApplication, check_expected_version
from shared.identity import Principal
from shared.ledger import decided_by


@dataclass(frozen=True)
class Saved:
    id: UUID
    version: int


def late_permission_id(posting_id: UUID, appellant_id: str) -> UUID:
    return uuid5(NAMESPACE_URL, f"officer-postings:late-appeal:{posting_id}:{appellant_id}")


class AppealsApplication(LedgerApplication):
    name = "Appeals"  # the event table is appeals_events
    kernel = appeals_kernel

    def _saved(self, aggregate: Any) -> Saved:
        self.store(aggregate)
        return Saved(aggregate.id, aggregate.version)

    def _decision_row(self, posting_id: UUID) -> Any:
        row = (
            self.db.sessions()
            .execute(
                select(posting_decisions).where(posting_decisions.c.posting_id == str(posting_id))
            )
            .first()
        )
        if row is None:
            # Postings' feed may simply not have reached us yet: say so, don't refuse.
            raise NotYetKnown(
                f"posting decision {posting_id} is not known to appeals yet; if it was just "
                "taken, retry shortly"
            )
        return row

    def appeal(self, appeal_id: UUID) -> Appeal:
        return self.load(appeal_id, Appeal, what="appeal")

    def lodge(self, *, principal: Principal, posting_id: UUID, grounds: str) -> Saved:
        """An officer (their own posting decisions only) or a Command Team member appeals in
        writing to the Head of Resourcing within 14 days (L1800 3.10.1)."""
        if principal.role not in APPELLANT_ROLES:
            raise NotPermitted("an officer or a Command Team member appeals (3.10.1)")
        decision = self._decision_row(posting_id)
        if principal.role.value == "officer" and not principal.is_officer(decision.officer_id):
            raise NotPermitted("officers appeal their own posting decisions only")
        already = (
            self.db.sessions()
            .execute(
                select(appeals.c.id).where(
                    appeals.c.posting_id == str(posting_id),
                    appeals.c.appellant_id == principal.subject,
                    appeals.c.state != "withdrawn",
                )
            )
            .first()
        )
        permission = late_permission_id(posting_id, principal.subject) in self.repository
        refuse_if(
            one_appeal_per_decision_and_appellant(already=already is not None)
            + appeal_must_be_lodged_within_14_days(
                notified_at=decision.notified_at,
                lodged_at=self.clock.now(),
                exception_granted=permission,
            )
        )
        appeal = Appeal.lodge(
            posting_id=posting_id,
            officer_id=decision.officer_id,
            appellant_id=principal.subject,
            appellant_role=principal.role,
            grounds=grounds,
            deadline=appeal_deadline(decision.notified_at) if decision.notified_at else None,
            late_exception=permission,
            at=self.clock.now(),
        )
        return self._saved(appeal)

    def grant_late_permission(
        self,
        *,
        principal: Principal,
        correlation_id: str,
        posting_id: UUID,
        appellant_id: str,
        rationale: str,
    ) -> Saved:
        """An HR policy owner allows a late appeal, case by case, with clear rationale
        (L1 2.4)."""
        decision = self._decision_row(posting_id)
        permission = LatePermission.grant(
            id=late_permission_id(posting_id, appellant_id),
            decision=decided_by(
                principal,
                clause="L1 2.4",
                rationale=rationale,
                correlation_id=correlation_id,
                facts={
                    "rule_set_aside": "AppealMustBeLodgedWithin14Days",
                    "deadline": (
                        appeal_deadline(decision.notified_at).isoformat()
                        if decision.notified_at
                        else None
                    ),
                },
            ),
            posting_id=posting_id,
            appellant_id=appellant_id,
            at=self.clock.now(),
        )
        return self._saved(permission)

    def assign(
        self,
        *,
        principal: Principal,
        correlation_id: str,
        appeal_id: UUID,
        expected_version: int | None,
        hearer_id: str,
        level: str,
        rationale: str,
    ) -> Saved:
        """The Head of Resourcing arranges for the appeal to be heard at the appropriate
        level, never by the decider (L1800 3.10.1)."""
        appeal = self.appeal(appeal_id)
        check_expected_version(appeal, expected_version)
        decision = self._decision_row(appeal.posting_id)
        refuse_if(
            hearer_must_not_be_the_decider(hearer_id=hearer_id, decided_by=decision.decided_by)
        )
        appeal.assign(
            hearer_id=hearer_id,
            level=level,
            decision=decided_by(
                principal,
                clause="L1800 3.10.1",
                rationale=rationale,
                correlation_id=correlation_id,
                facts={"decided_by": decision.decided_by, "hearer_id": hearer_id},
            ),
            at=self.clock.now(),
        )
        return self._saved(appeal)

    def add(self, *, principal: Principal, appeal_id: UUID, kind: str, content: str) -> Saved:
        """Further evidence (Head of Resourcing or the hearer) or the appellant's written
        submissions, each an event."""
        appeal = self.appeal(appeal_id)
        if kind == "submission" and principal.subject != appeal.appellant_id:
            raise NotPermitted("written submissions come from the appellant")
        if (
            kind == "evidence"
            and principal.role.value != "head_of_resourcing"
            and (principal.subject != appeal.hearer_id)
        ):
            raise NotPermitted("evidence is added by the Head of Resourcing or the hearer")
        appeal.add(
            kind=kind,
            content=content,
            actor_id=principal.subject,
            actor_role=principal.role,
            at=self.clock.now(),
        )
        return self._saved(appeal)

    def decide(
        self,
        *,
        principal: Principal,
        correlation_id: str,
        appeal_id: UUID,
        expected_version: int | None,
        outcome: str,
        rationale: str,
    ) -> Saved:
        """The assigned person upholds or dismisses the appeal; the decision is final."""
        appeal = self.appeal(appeal_id)
        check_expected_version(appeal, expected_version)
        appeal.decide(
            outcome=outcome,
            decision=decided_by(
                principal,
                clause="L1800 3.10.1",
                rationale=rationale,
                correlation_id=correlation_id,
                facts={"posting_id": str(appeal.posting_id)},
            ),
            at=self.clock.now(),
        )
        return self._saved(appeal)

    def withdraw(
        self, *, principal: Principal, appeal_id: UUID, expected_version: int | None
    ) -> Saved:
        appeal = self.appeal(appeal_id)
        check_expected_version(appeal, expected_version)
        appeal.withdraw(actor_id=principal.subject, actor_role=principal.role, at=self.clock.now())
        return self._saved(appeal)
