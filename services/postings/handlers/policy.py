"""The Director of HR's own powers: delegating them (L1800 3.1.1), and the policy settings
they decide, the reasonable travelling distance (3.2.1) and the notice period (3.7.2)."""

from __future__ import annotations

from typing import Any

from services.postings.commands import (
    GrantDelegation,
    RelyOnDelegation,
    RevokeDelegation,
    SetNoticePeriod,
    SetTravelLimit,
)
from services.postings.domain.delegation import Delegation
from services.postings.domain.kinds import Power
from services.postings.domain.policy import POLICY_ID, PolicySettings
from services.postings.domain.rules.s3_1_general import DelegationMustCoverTheDecision
from services.postings.handlers.authority import delegation_relied_on
from services.postings.handlers.base import PostingsHandler
from shared.clock import london_date
from shared.errors import NotFound, refuse_if
from shared.handling import Actor, Saved
from shared.ledger import decided_by


class GrantDelegationHandler(PostingsHandler[GrantDelegation]):
    command = GrantDelegation

    def handle(self, command: GrantDelegation, actor: Actor, prepared: Any) -> Saved:
        """The Director of HR delegates powers to a named person for a period (3.1.1)."""
        delegation = Delegation.grant(
            decision=decided_by(
                actor.principal,
                clause="L1800 3.1.1",
                rationale=command.rationale,
                correlation_id=actor.correlation_id,
                effective_date=command.valid_from,
                facts={"powers": sorted(p.value for p in command.powers)},
            ),
            delegate_id=command.delegate_id,
            powers=command.powers,
            valid_from=command.valid_from,
            valid_to=command.valid_to,
            at=self.app.clock.now(),
        )
        return self.saved(delegation)


class RevokeDelegationHandler(PostingsHandler[RevokeDelegation]):
    command = RevokeDelegation

    def handle(self, command: RevokeDelegation, actor: Actor, prepared: Any) -> Saved:
        """Revoked once (DelegationIsRevokedOnce); a decision relying on it at the same
        moment meets the revocation at the delegation's version."""
        self.app.serialise_on(command.delegation_id)
        delegation = self.app.delegation(command.delegation_id)
        delegation.revoke(
            decision=decided_by(
                actor.principal,
                clause="L1800 3.1.1",
                rationale=command.rationale,
                correlation_id=actor.correlation_id,
                facts={"uses": delegation.uses},
            ),
            at=self.app.clock.now(),
        )
        return self.saved(delegation)


class RelyOnDelegationHandler(PostingsHandler[RelyOnDelegation]):
    command = RelyOnDelegation

    def handle(self, command: RelyOnDelegation, actor: Actor, prepared: Any) -> Saved:
        """Another service's decision relies on the delegation (ROI's exceptional
        designation, L1800 3.9.2): the use is recorded on the delegation, so it meets a
        revocation at the delegation's version and no decision relies on it after; one that
        does not cover the decision is refused naming why (422: the peer's caller named
        it), and nothing is recorded."""
        self.app.serialise_on(command.delegation_id)
        try:
            delegation: Delegation | None = self.app.delegation(command.delegation_id)
        except NotFound:
            delegation = None
        today = london_date(self.app.clock.now())
        refuse_if(
            DelegationMustCoverTheDecision.check(
                delegation=delegation, power=command.power, actor_id=command.actor_id, on=today
            )
        )
        assert delegation is not None
        delegation.exercise(
            power=command.power,
            case_id=command.case_id,
            decided_by=command.actor_id,
            at=self.app.clock.now(),
        )
        return self.saved(delegation)


class SetTravelLimitHandler(PostingsHandler[SetTravelLimit]):
    command = SetTravelLimit

    def handle(self, command: SetTravelLimit, actor: Actor, prepared: Any) -> Saved:
        """The Director of HR, or delegate, determines the reasonable travelling distance
        (L1800 3.2.1)."""
        now = self.app.clock.now()
        delegation = delegation_relied_on(
            self.app,
            actor.principal,
            Power.TRAVEL_LIMIT,
            command.delegation_id,
            on=london_date(now),
        )
        policy = self.app.policy()
        policy.set_travel_limit(
            limit_km=command.limit_km,
            decision=decided_by(
                actor.principal,
                clause="L1800 3.2.1",
                rationale=command.rationale,
                correlation_id=actor.correlation_id,
                delegation_id=delegation.id if delegation else None,
                facts={"previous_limit_km": policy.travel_limit_km},
            ),
            at=now,
        )
        return _saved_with(self, policy, delegation, Power.TRAVEL_LIMIT, actor)


class SetNoticePeriodHandler(PostingsHandler[SetNoticePeriod]):
    command = SetNoticePeriod

    def handle(self, command: SetNoticePeriod, actor: Actor, prepared: Any) -> Saved:
        """The reasonable notice period for compulsory postings (L1800 3.7.2)."""
        now = self.app.clock.now()
        delegation = delegation_relied_on(
            self.app,
            actor.principal,
            Power.NOTICE_PERIOD,
            command.delegation_id,
            on=london_date(now),
        )
        policy = self.app.policy()
        policy.set_notice_period(
            days=command.days,
            decision=decided_by(
                actor.principal,
                clause="L1800 3.7.2",
                rationale=command.rationale,
                correlation_id=actor.correlation_id,
                delegation_id=delegation.id if delegation else None,
                facts={"previous_days": policy.notice_days},
            ),
            at=now,
        )
        return _saved_with(self, policy, delegation, Power.NOTICE_PERIOD, actor)


def _saved_with(
    handler: PostingsHandler[Any],
    policy: PolicySettings,
    delegation: Delegation | None,
    power: Power,
    actor: Actor,
) -> Saved:
    """The policy saved with the delegation it relied on, which records that use."""
    if delegation is None:
        return handler.saved(policy)
    delegation.exercise(
        power=power,
        case_id=POLICY_ID,
        decided_by=actor.principal.person_id,
        at=handler.app.clock.now(),
    )
    return handler.saved(policy, delegation)
