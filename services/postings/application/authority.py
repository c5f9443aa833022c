"""Who may decide: the Director of HR, or an appropriate delegate naming a delegation that
covers the decision (L1800 3.1.1). Also the base every command group shares."""

from __future__ import annotations

from datetime import date
from uuid import UUID

from eventsourcing.domain import Aggregate

from services.postings.application.saved import Saved
from services.postings.domain.delegation import Delegation
from services.postings.domain.kinds import Power
from services.postings.domain.rules import delegation_must_cover_the_decision
from shared.clock import london_date
from shared.errors import Conflict, NotFound, NotPermitted, Violation
from shared.eventstore import LedgerApplication, check_expected_version
from shared.identity import Principal
from shared.ledger import decided_by
from shared.roles import Role


class Authority(LedgerApplication):
    def _saved(self, *aggregates: Aggregate) -> Saved:
        self.store(*aggregates)
        first = aggregates[0]
        return Saved(first.id, first.version)

    def delegation_coverage(
        self, *, delegation_id: UUID, power: Power, actor_id: str, on: date
    ) -> list[Violation]:
        """Why this delegation does not cover the decision (empty when it does)."""
        try:
            delegation: Delegation | None = self.load(delegation_id, Delegation, what="delegation")
        except NotFound:
            delegation = None
        return delegation_must_cover_the_decision(
            delegation=delegation, power=power, actor_id=actor_id, on=on
        )

    def authorise(
        self, principal: Principal, power: Power, delegation_id: UUID | None
    ) -> UUID | None:
        """Allow the Director of HR, or a delegate whose delegation covers ``power`` today;
        returns the delegation relied on, which the decision records."""
        if principal.role is Role.DIRECTOR_OF_HR:
            return None
        delegation: Delegation | None = None
        if delegation_id is not None:
            try:
                delegation = self.load(delegation_id, Delegation, what="delegation")
            except NotFound:
                delegation = None
        violations = delegation_must_cover_the_decision(
            delegation=delegation,
            power=power,
            actor_id=principal.subject,
            on=london_date(self.clock.now()),
        )
        if violations:
            raise NotPermitted(violations[0].message, violations=violations)
        return delegation_id

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
        """The Director of HR delegates powers to a named person for a period (3.1.1)."""
        delegation = Delegation.grant(
            decision=decided_by(
                principal,
                clause="L1800 3.1.1",
                rationale=rationale,
                correlation_id=correlation_id,
                effective_date=valid_from,
                facts={"powers": sorted(p.value for p in powers)},
            ),
            delegate_id=delegate_id,
            powers=powers,
            valid_from=valid_from,
            valid_to=valid_to,
            at=self.clock.now(),
        )
        return self._saved(delegation)

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
                principal, clause="L1800 3.1.1", rationale=rationale, correlation_id=correlation_id
            ),
            at=self.clock.now(),
        )
        return self._saved(delegation)
