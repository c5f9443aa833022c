"""L1 2.4: 'the Head of HR Resourcing or Head of Operational HR may exercise discretion to
consider reasonable exceptions to the protocols, on a case-by-case basis where clear
rationale is provided.' For appeals, the exception lets one appellant's late appeal be
heard."""

from __future__ import annotations

from shared.rules.base import Rule


class LateAppealIsAllowedOnce(Rule):
    """A late appeal is allowed case by case (L1 2.4): one permission per posting decision
    and appellant, found again from the two (a deterministic id), so it is granted once."""

    clause = "L1 2.4"
    conflict = True
