"""Exceptions by the HR policy owners (L1 2.4): granted for one case with clear rationale,
and relied on by the check they set aside, which records that it did."""

from __future__ import annotations

from typing import Any

from services.postings.application.authority import Authority
from services.postings.application.saved import Saved
from services.postings.domain.officer import Officer, officer_aggregate_id
from services.postings.domain.rules import exception_must_name_a_protocol_rule
from shared.errors import Violation, refuse_if
from shared.identity import Principal
from shared.ledger import decided_by


class ExceptionCommands(Authority):
    def grant_exception(
        self,
        *,
        principal: Principal,
        correlation_id: str,
        officer_id: str,
        rule: str,
        rationale: str,
    ) -> Saved:
        refuse_if(exception_must_name_a_protocol_rule(rule))
        officer = self.load(officer_aggregate_id(officer_id), Officer, what="officer")
        officer.grant_exception(
            rule=rule,
            decision=decided_by(
                principal,
                clause="L1 2.4",
                rationale=rationale,
                correlation_id=correlation_id,
                facts={"rule_set_aside": rule},
            ),
            at=self.clock.now(),
        )
        return self._saved(officer)

    def excuse(
        self, officer: Officer, violations: list[Violation], *, case: str
    ) -> tuple[list[Violation], dict[str, Any]]:
        """Drop the violations an unused exception sets aside for this officer, mark those
        exceptions used by ``case``, and say so as a fact of the decision."""
        remaining, applied = [], []
        for violation in violations:
            if violation.rule in officer.exceptions:
                applied.append(
                    {
                        "rule": violation.rule,
                        "clause": "L1 2.4",
                        "granted_at_version": officer.exceptions[violation.rule],
                    }
                )
                officer.apply_exception(rule=violation.rule, case=case, at=self.clock.now())
            else:
                remaining.append(violation)
        return remaining, ({"exceptions_applied": applied} if applied else {})
