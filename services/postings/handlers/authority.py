"""Who may decide: the Director of HR, or an appropriate delegate naming a delegation that
covers the decision (L1800 3.1.1). The delegation relied on records each use, saved with
the decision, so a revocation sent at the same moment meets the decision at the
delegation's version."""

from __future__ import annotations

from datetime import date
from uuid import UUID

from services.postings.application import PostingsApplication
from services.postings.domain.delegation import Delegation
from services.postings.domain.kinds import Power
from services.postings.domain.rules.s3_1_general import DelegationMustCoverTheDecision
from shared.errors import NotFound, NotPermitted, Violation
from shared.identity import Principal
from shared.roles import Role


def delegation_relied_on(
    app: PostingsApplication,
    principal: Principal,
    power: Power,
    delegation_id: UUID | None,
    *,
    on: date,
) -> Delegation | None:
    """The Director of HR decides in their own right (None); anyone else names a delegation
    from them that covers ``power`` on ``on``, which is returned for the decision to rely
    on (and record its use)."""
    if principal.role is Role.DIRECTOR_OF_HR:
        return None
    delegation: Delegation | None = None
    if delegation_id is not None:
        try:
            delegation = app.delegation(delegation_id)
        except NotFound:
            delegation = None
    violations = DelegationMustCoverTheDecision.check(
        delegation=delegation, power=power, actor_id=principal.person_id, on=on
    )
    if violations:
        raise NotPermitted(violations[0].message, violations=violations)
    return delegation


def delegation_coverage(
    app: PostingsApplication, *, delegation_id: UUID, power: Power, actor_id: str, on: date
) -> list[Violation]:
    """Why this delegation does not cover a decision another service is taking (empty
    when it does): ROI asks this for an exceptional designation (3.9.2)."""
    try:
        delegation: Delegation | None = app.delegation(delegation_id)
    except NotFound:
        delegation = None
    return DelegationMustCoverTheDecision.check(
        delegation=delegation, power=power, actor_id=actor_id, on=on
    )
