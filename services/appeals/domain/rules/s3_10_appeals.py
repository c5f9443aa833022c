"""L1800 3.10.1: 'An officer, or Command Team member, may appeal a posting decision in
writing, to the Head of Resourcing within 14 days of the posting decision. The Head of
Resourcing will arrange for the appeal to be considered at the appropriate level. The
appeal decision will be final.'"""

from __future__ import annotations

from datetime import date, datetime, timedelta

from shared.clock import london_date
from shared.errors import Violation
from shared.roles import Role
from shared.rules.base import Rule

#: 'within 14 days of the posting decision' (L1800 3.10.1).
WINDOW_DAYS = 14

APPELLANT_ROLES = frozenset({Role.OFFICER, Role.COMMAND_TEAM})


def appeal_deadline(notified_at: datetime) -> date:
    """The last day to appeal (L1800 3.10.1). Interpretation (DOMAIN.md): calendar days in
    Europe/London counted from the day the decision was notified to the officer; day 14 is
    the last day in time."""
    return london_date(notified_at) + timedelta(days=WINDOW_DAYS)


class AppealIsLodgedByTheOfficerOrCommandTeam(Rule):
    """An officer, or a Command Team member, may appeal a posting decision (L1800 3.10.1);
    an officer appeals their own posting decisions only."""

    clause = "L1800 3.10.1"

    @classmethod
    def check(cls, *, role: Role, own_decision: bool) -> list[Violation]:
        if role not in APPELLANT_ROLES:
            return cls.broken("an officer or a Command Team member appeals")
        if role is Role.OFFICER and not own_decision:
            return cls.broken("officers appeal their own posting decisions only")
        return []


class AppealMustBeLodgedWithin14Days(Rule):
    """An appeal is submitted to the Head of Resourcing within 14 days of the posting
    decision (L1800 3.10.1); a late one only with a policy owner's exception (L1 2.4)."""

    clause = "L1800 3.10.1"

    @classmethod
    def check(
        cls, *, notified_at: datetime | None, lodged_at: datetime, exception_granted: bool
    ) -> list[Violation]:
        if notified_at is None or exception_granted:
            return []
        deadline = appeal_deadline(notified_at)
        lodged_on = london_date(lodged_at)
        if lodged_on > deadline:
            return cls.broken(
                f"the appeal window closed on {deadline} (14 days from notification on "
                f"{london_date(notified_at)}); lodged on {lodged_on}",
                details={"deadline": deadline.isoformat(), "lodged_on": lodged_on.isoformat()},
            )
        return []


class AppealIsAgainstADecisionInForce(Rule):
    """An appeal is against a posting decision (L1800 3.10.1): one withdrawn by HR, or
    already set aside on another appeal, is no longer there to appeal. Owned by the
    decision as appeals holds it (AppealableDecision), which postings' feed ends."""

    clause = "L1800 3.10.1"

    @classmethod
    def check(cls, *, status: str) -> list[Violation]:
        if status != "in_force":
            return cls.broken(
                f"the posting decision was {status.replace('_', ' ')}: there is nothing left "
                "to appeal",
                field="posting_id",
            )
        return []


class OneAppealPerDecisionAndAppellant(Rule):
    """The appeal decision is final (L1800 3.10.1): one appeal per posting decision and
    appellant, so there is no second appeal against the same decision by the same
    appellant while one is open or decided. Owned by the decision as appeals holds it
    (AppealableDecision, found from the decision), saved with the appeal."""

    clause = "L1800 3.10.1"

    @classmethod
    def check(cls, *, live_appeal: object | None) -> list[Violation]:
        if live_appeal is not None:
            return cls.broken(
                "this appellant has already appealed this posting decision",
                field="posting_id",
                details={"appeal_id": str(live_appeal)},
            )
        return []


class HearerMustNotBeTheDecider(Rule):
    """The appeal is considered 'at the appropriate level' (L1800 3.10.1): never by the
    person who made the posting decision."""

    clause = "L1800 3.10.1"

    @classmethod
    def check(cls, *, hearer_id: str, decided_by: str) -> list[Violation]:
        if hearer_id == decided_by:
            return cls.broken(
                "the person who made the posting decision cannot hear the appeal",
                field="hearer_id",
            )
        return []


class HearerMustNotBeTheAppellant(Rule):
    """Considered 'at the appropriate level' (L1800 3.10.1), by someone other than the
    person appealing: a Command Team member who appeals is never assigned their own appeal.
    Hearers are staff, named by subject, so only an appellant who is staff can be one."""

    clause = "L1800 3.10.1"

    @classmethod
    def check(cls, *, hearer_id: str, appellant_id: str, appellant_role: Role) -> list[Violation]:
        if Role(appellant_role) is not Role.OFFICER and hearer_id == appellant_id:
            return cls.broken(
                "the person appealing cannot hear their own appeal", field="hearer_id"
            )
        return []


class AppealIsHeardBeforeItIsDecided(Rule):
    """The Head of Resourcing arranges for the appeal to be considered (L1800 3.10.1): it is
    assigned to someone before anyone decides it."""

    clause = "L1800 3.10.1"
    conflict = True


class OnlyTheAssignedHearerDecides(Rule):
    """The appeal is considered at the level the Head of Resourcing arranged (L1800
    3.10.1): only the person assigned decides it."""

    clause = "L1800 3.10.1"


class OneOutcomePerAppeal(Rule):
    """The appeal decision will be final (L1800 3.10.1): an appeal has one outcome, and
    nothing changes on it once decided, withdrawn or closed. Owned by the Appeal aggregate:
    two outcomes sent at once meet at its version."""

    clause = "L1800 3.10.1"
    conflict = True


class EvidenceComesFromTheHearingOrTheAppellant(Rule):
    """The appeal is submitted by the appellant in writing and considered by whoever the
    Head of Resourcing arranged (L1800 3.10.1): submissions come from the appellant,
    evidence from the Head of Resourcing or the hearer."""

    clause = "L1800 3.10.1"


class OnlyTheAppellantWithdraws(Rule):
    """An appeal is the appellant's (L1800 3.10.1): only they withdraw it."""

    clause = "L1800 3.10.1"
