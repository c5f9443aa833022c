"""L1 2.4: 'As Policy Owners, the Head of HR Resourcing or Head of Operational HR may
exercise discretion to consider reasonable exceptions to the protocols, on a case-by-case
basis where clear rationale is provided.'"""

from __future__ import annotations

from services.postings.domain.rules.s3_1_general import PdrMustBeCompletedBeforeTheMove
from services.postings.domain.rules.s3_3_appointment import (
    InitialTrainingMustBeComplete,
    SelectionFollowsProbation,
    TransferRequestsFollowProbation,
)
from shared.errors import Violation
from shared.rules.base import Rule

#: Protocol rules an HR policy owner may set aside case by case (L1 2.4). Not the
#: Professional Standards restriction, which has its own dual-support exception (3.2.2),
#: nor the probation home-town rule, whose exception is the Director of HR's (3.3.1). Not
#: the notice period either, which 3.7.2 lets only the officer's own agreement shorten (an
#: exception would take that from them), nor the travel justification, which is not a bar
#: but a reason the decision must give (3.2.1).
EXCEPTABLE: frozenset[type[Rule]] = frozenset(
    {
        PdrMustBeCompletedBeforeTheMove,
        TransferRequestsFollowProbation,
        SelectionFollowsProbation,
        InitialTrainingMustBeComplete,
    }
)
EXCEPTABLE_IDS = frozenset(rule.id for rule in EXCEPTABLE)


class ExceptionMustNameAProtocolRule(Rule):
    """A policy owner's exception names the protocol rule it sets aside (L1 2.4), one an
    exception may set aside."""

    clause = "L1 2.4"

    @classmethod
    def check(cls, *, rule: str) -> list[Violation]:
        if rule not in EXCEPTABLE_IDS:
            return cls.broken(
                f"{rule!r} is not a protocol rule an HR policy owner may set aside",
                field="rule",
                details={"exceptable": sorted(EXCEPTABLE_IDS)},
            )
        return []


class OneExceptionWaitingPerRule(Rule):
    """An exception is for one case (L1 2.4 'case-by-case'): one waits per rule and officer
    until a decision relies on it."""

    clause = "L1 2.4"
    conflict = True
