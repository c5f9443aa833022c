"""Exceptions by the HR policy owners (L1 2.4): granted for one case with clear rationale,
and relied on by the check they set aside, which records that it did."""

from __future__ import annotations

from datetime import datetime
from typing import Any

from services.postings.commands import GrantPolicyException
from services.postings.domain.officer import Officer
from services.postings.domain.rules.l1_2_4_exceptions import ExceptionMustNameAProtocolRule
from services.postings.handlers.base import PostingsHandler
from shared.errors import Violation, refuse_if
from shared.handling import Actor, Saved
from shared.ledger import decided_by


def excuse(
    officer: Officer, violations: list[Violation], *, case: str, at: datetime
) -> tuple[list[Violation], dict[str, Any]]:
    """Drop the violations an unused exception sets aside for this officer, mark those
    exceptions used by ``case`` (events on the officer, saved with the decision), and say
    so as a fact of the decision."""
    remaining, applied = [], []
    for violation in violations:
        if violation.rule in officer.exceptions:
            applied.append(
                {
                    "rule": violation.rule,
                    "clause": ExceptionMustNameAProtocolRule.clause,
                    "granted_at_version": officer.exceptions[violation.rule],
                }
            )
            officer.apply_exception(rule=violation.rule, case=case, at=at)
        else:
            remaining.append(violation)
    return remaining, ({"exceptions_applied": applied} if applied else {})


class GrantPolicyExceptionHandler(PostingsHandler[GrantPolicyException]):
    command = GrantPolicyException

    def handle(self, command: GrantPolicyException, actor: Actor, prepared: Any) -> Saved:
        """An HR policy owner sets a protocol rule aside for the officer's next case, with
        clear rationale (L1 2.4)."""
        refuse_if(ExceptionMustNameAProtocolRule.check(rule=command.rule))
        officer = self.app.officer_to_change(command.officer_id)
        officer.grant_exception(
            rule=command.rule,
            decision=decided_by(
                actor.principal,
                clause=ExceptionMustNameAProtocolRule.clause,
                rationale=command.rationale,
                correlation_id=actor.correlation_id,
                facts={"rule_set_aside": command.rule},
            ),
            at=self.app.clock.now(),
        )
        return self.saved(officer)
