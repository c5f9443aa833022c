"""Gathering what the checks before a move rely on, as they stand now, and turning each
check's result into a fact the decision records (DOMAIN.md, 'Checks that every posting
passes')."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import date
from typing import Any

from services.postings.domain.location import Location
from services.postings.domain.officer import Officer
from services.postings.domain.policy import PolicySettings
from services.postings.domain.rules.s3_1_general import (
    PdrMustBeCompletedBeforeTheMove,
    PdrOf,
    WelfareFactorsMustBeAddressed,
    pdr_is_outstanding,
)
from services.postings.domain.rules.s3_2_general_postings import (
    LocationMustNotBeUnsuitable,
    TravelBeyondTheLimitMustBeJustified,
)
from services.postings.domain.rules.s3_3_appointment import ProbationPostingMustNotBeToHomeTown
from services.postings.domain.values import PdrCycle
from shared.errors import Violation


@dataclass(frozen=True)
class CheckResult:
    violations: list[Violation]
    facts: dict[str, Any]


def pdr_check(officer: Officer, subordinates: list[PdrOf], posting_date: date) -> CheckResult:
    """L1800 3.1.4 at the likely posting date."""
    mine = PdrOf(officer.officer_id, officer.pdr)
    violations = PdrMustBeCompletedBeforeTheMove.check(
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


def preferences_fact(officer: Officer) -> dict[str, Any]:
    """What the officer had last said they would prefer when a compulsory posting was
    decided (L1800 3.7.2), by the places and when: their words stay on their own
    statement, which the decision names by its version."""
    stated = officer.preferences
    if stated is None:
        return {"preferences_stated": None}
    return {
        "preferences_stated": {
            "places": stated.places,
            "stated_at": stated.stated_at.isoformat(),
            "officer_version": stated.version,
        }
    }


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
    travel_justification: str | None,
    welfare_consideration: str | None,
) -> CheckResult:
    """The checks about where the officer goes: restrictions (3.2.2), probation home town
    (3.3.1), travel (3.2.1) and welfare (3.1.3)."""
    distance = officer.home.km_to(destination.point) if officer.home else None
    violations = (
        LocationMustNotBeUnsuitable.check(
            location=destination.code, restrictions=list(officer.restrictions.values())
        )
        + ProbationPostingMustNotBeToHomeTown.check(
            probation_ends_on=officer.probation_ends_on,
            home_town=officer.home_town,
            destination_town=destination.town,
            posting_date=posting_date,
            exception_granted=officer.home_town_exception,
        )
        + TravelBeyondTheLimitMustBeJustified.check(
            distance_km=distance,
            limit_km=policy.travel_limit_km,
            justification=travel_justification,
        )
        + WelfareFactorsMustBeAddressed.check(
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
            "home_town_exception": officer.home_town_exception,
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
