"""Appeals' rules as pure functions returning the violations they find."""

from __future__ import annotations

from datetime import date, datetime, timedelta

from shared.clock import london_date
from shared.errors import Violation
from shared.roles import Role

#: 'within 14 days of the posting decision' (L1800 3.10.1).
WINDOW_DAYS = 14

APPELLANT_ROLES = frozenset({Role.OFFICER, Role.COMMAND_TEAM})


def appeal_deadline(notified_at: datetime) -> date:
    """The last day to appeal (L1800 3.10.1). Interpretation (DOMAIN.md): calendar days in
    Europe/London counted from the day the decision was notified to the officer; day 14 is
    the last day in time."""
    return london_date(notified_at) + timedelta(days=WINDOW_DAYS)


def appeal_must_be_lodged_within_14_days(
    *, notified_at: datetime | None, lodged_at: datetime, exception_granted: bool
) -> list[Violation]:
    """An appeal is submitted to the Head of Resourcing within 14 days of the posting
    decision (L1800 3.10.1); a late one only with a policy owner's exception (L1 2.4)."""
    if notified_at is None or exception_granted:
        return []
    deadline = appeal_deadline(notified_at)
    lodged_on = london_date(lodged_at)
    if lodged_on > deadline:
        return [
            Violation(
                rule="AppealMustBeLodgedWithin14Days",
                message=(
                    f"the appeal window closed on {deadline} (14 days from notification on "
                    f"{london_date(notified_at)}); lodged on {lodged_on}"
                ),
                clause="L1800 3.10.1",
                details={"deadline": deadline.isoformat(), "lodged_on": lodged_on.isoformat()},
            )
        ]
    return []


def hearer_must_not_be_the_decider(*, hearer_id: str, decided_by: str) -> list[Violation]:
    """The appeal is considered 'at the appropriate level' (L1800 3.10.1): never by the
    person who made the posting decision."""
    if hearer_id == decided_by:
        return [
            Violation(
                rule="HearerMustNotBeTheDecider",
                message="the person who made the posting decision cannot hear the appeal",
                clause="L1800 3.10.1",
                field="hearer_id",
            )
        ]
    return []


def one_appeal_per_decision_and_appellant(*, already: bool) -> list[Violation]:
    """The appeal decision is final (L1800 3.10.1): no second appeal against the same
    decision by the same appellant."""
    if already:
        return [
            Violation(
                rule="AppealDecisionIsFinal",
                message="this appellant has already appealed this posting decision",
                clause="L1800 3.10.1",
                field="posting_id",
            )
        ]
    return []
