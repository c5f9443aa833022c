"""Gathering what the checks before a move rely on, as they stand now, and turning each
check's result into a fact the decision records."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import date
from typing import Any

from sqlalchemy import select

from services.postings.domain.checks import (
    PdrOf,
    location_must_not_be_unsuitable,
    pdr_is_outstanding,
    pdrs_must_be_completed_before_the_move,
    probation_posting_must_not_be_to_home_town,
    travel_beyond_the_limit_must_be_justified,
    welfare_factors_must_be_addressed,
)
from services.postings.domain.kinds import PostingKind, PostingState
from services.postings.domain.location import Location
from services.postings.domain.officer import Officer
from services.postings.domain.policy import PolicySettings
from services.postings.domain.values import PdrCycle
from services.postings.projections.tables import officers as officers_table
from services.postings.projections.tables import postings as postings_table
from shared.errors import Violation


@dataclass(frozen=True)
class CheckResult:
    violations: list[Violation]
    facts: dict[str, Any]


#: A posting on its way: decided, not yet taken effect, withdrawn or set aside.
OPEN_STATES = (PostingState.AWAITING_DATE.value, PostingState.DATE_CONFIRMED.value)


def open_postings(session: Any, officer_id: str) -> list[str]:
    """The officer's postings on their way, oldest first."""
    column = postings_table.c
    return list(
        session.execute(
            select(column.id)
            .where(column.officer_id == officer_id, column.state.in_(OPEN_STATES))
            .order_by(column.decided_seq)
        ).scalars()
    )


def postings_count(session: Any, officer_id: str, kind: PostingKind | None = None) -> int:
    """How many postings (of ``kind``) the officer has had decided here."""
    column = postings_table.c
    query = select(column.id).where(column.officer_id == officer_id)
    if kind is not None:
        query = query.where(column.kind == kind.value)
    return len(session.execute(query).all())


def subordinate_pdrs(session: Any, supervisor_id: str) -> list[PdrOf]:
    rows = session.execute(
        select(
            officers_table.c.officer_id,
            officers_table.c.pdr_due_on,
            officers_table.c.pdr_completed_on,
        ).where(officers_table.c.supervisor_id == supervisor_id)
    ).all()
    return [
        PdrOf(r.officer_id, PdrCycle(r.pdr_due_on, r.pdr_completed_on) if r.pdr_due_on else None)
        for r in rows
    ]


def pdr_check(officer: Officer, subordinates: list[PdrOf], posting_date: date) -> CheckResult:
    """L1800 3.1.4 at the likely posting date."""
    mine = PdrOf(officer.officer_id, officer.pdr)
    violations = pdrs_must_be_completed_before_the_move(
        officer=mine, subordinates=subordinates, posting_date=posting_date
    )
    return CheckResult(
        violations,
        {
            "pdr": {
                "posting_date": posting_date.isoformat(),
                "officer": _pdr_fact(officer.pdr),
                "subordinates_checked": len(subordinates),
                "outstanding": sorted(
                    p.officer_id
                    for p in [mine, *subordinates]
                    if pdr_is_outstanding(p.cycle, posting_date)
                ),
            }
        },
    )


def _pdr_fact(cycle: PdrCycle | None) -> dict[str, Any] | None:
    if cycle is None:
        return None
    return {
        "due_on": cycle.due_on.isoformat(),
        "completed_on": cycle.completed_on.isoformat() if cycle.completed_on else None,
    }


def placement_checks(
    *,
    officer: Officer,
    destination: Location,
    posting_date: date,
    policy: PolicySettings,
    home_town_exception: bool,
    travel_justification: str | None,
    welfare_consideration: str | None,
) -> CheckResult:
    """The checks about where the officer goes: restrictions (3.2.2), probation home town
    (3.3.1), travel (3.2.1) and welfare (3.1.3)."""
    distance = officer.home.km_to(destination.point) if officer.home else None
    violations = (
        location_must_not_be_unsuitable(
            location=destination.code, restrictions=list(officer.restrictions.values())
        )
        + probation_posting_must_not_be_to_home_town(
            probation_ends_on=officer.probation_ends_on,
            home_town=officer.home_town,
            destination_town=destination.town,
            posting_date=posting_date,
            exception_granted=home_town_exception,
        )
        + travel_beyond_the_limit_must_be_justified(
            distance_km=distance,
            limit_km=policy.travel_limit_km,
            justification=travel_justification,
        )
        + welfare_factors_must_be_addressed(
            factors=officer.welfare_factors, consideration=welfare_consideration
        )
    )
    restricted = officer.restricted_at(destination.code)
    facts = {
        "restriction": (
            {
                "restricted": True,
                "exception_supported_by_both": all(r.excepted for r in restricted),
            }
            if restricted
            else None
        ),
        "probation": {
            "ends_on": officer.probation_ends_on.isoformat() if officer.probation_ends_on else None,
            "home_town_exception": home_town_exception,
        },
        "travel": {
            "distance_km": round(distance, 1) if distance is not None else None,
            "method": "great-circle from home",
            "limit_km": policy.travel_limit_km,
            "justification": travel_justification,
        },
        "welfare": {
            "factors_on_record": len(officer.welfare_factors),
            "consideration": welfare_consideration,
        },
    }
    return CheckResult(violations, facts)
