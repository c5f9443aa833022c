"""Postings' rules as pure functions: each returns the violations it finds (empty when the
rule is met), so a refusal can report every reason at once."""

from __future__ import annotations

from datetime import date

from shared.errors import Violation


def delegation_period_must_be_ordered(valid_from: date, valid_to: date) -> list[Violation]:
    """A delegation runs from one date to a later (or the same) date (L1800 3.1.1: the
    Director of HR's powers, delegated for a period)."""
    if valid_to < valid_from:
        return [
            Violation(
                rule="DelegationPeriodMustBeOrdered",
                message=f"delegation ends ({valid_to}) before it starts ({valid_from})",
                clause="L1800 3.1.1",
                field="valid_to",
            )
        ]
    return []


def redeployment_must_stay_within_the_deciders_unit(
    *, officer_division: str, decider_division: str | None
) -> list[Violation]:
    """The divisional commander or head of department may re-deploy within their own
    division/department only (L1800 3.6.1)."""
    if decider_division is None:
        return [
            Violation(
                rule="RedeploymentMustStayWithinTheDecidersUnit",
                message="the decider's division/department is not known from their identity",
                clause="L1800 3.6.1",
            )
        ]
    if officer_division != decider_division:
        return [
            Violation(
                rule="RedeploymentMustStayWithinTheDecidersUnit",
                message=(
                    f"the officer serves in {officer_division}, outside the decider's "
                    f"{decider_division}"
                ),
                clause="L1800 3.6.1",
                field="officer_id",
            )
        ]
    return []


def move_must_change_place_of_duty(*, current: str, proposed: str) -> list[Violation]:
    """A posting moves the officer to a new place of duty (L1800 3.1.1: the normal place
    of duty is a police station or other establishment)."""
    if current == proposed:
        return [
            Violation(
                rule="PostingMustChangePlaceOfDuty",
                message=f"the officer already serves at {current}",
                clause="L1800 3.1.1",
                field="to_location",
            )
        ]
    return []
