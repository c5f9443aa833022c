"""ROI's rules as pure functions returning the violations they find."""

from __future__ import annotations

import calendar
from collections.abc import Collection
from datetime import date

from services.roi.domain.values import DesignationReason
from shared.errors import Violation
from shared.roles import Role

#: 'In most cases the ROI period will be for a period of 18 months post course or
#: initiative end date' (L1800 3.9.2).
DEFAULT_ROI_PERIOD_MONTHS = 18

#: Who proposes courses to the quarterly resourcing priorities process (L1800 3.9.1).
PROPOSERS = frozenset({Role.HEAD_OF_RESOURCING, Role.HEAD_OF_L_AND_D, Role.HEAD_OF_PROFESSION})


def designation_must_state_why(reasons: Collection[DesignationReason]) -> list[Violation]:
    """A course carries an ROI requirement only if it is in high demand, costly, or gives an
    operationally scarce skill (L1800 3.9.1)."""
    if not reasons:
        return [
            Violation(
                rule="DesignationMustStateWhy",
                message="say why the course carries an ROI: high demand, high cost or scarce skill",
                clause="L1800 3.9.1",
                field="reasons",
            )
        ]
    return []


def designation_must_be_proposed_by_the_heads(proposed_by: Collection[Role]) -> list[Violation]:
    """Proposals come from the Head of Resourcing, Head of L&D and, where necessary, the
    Head of Profession (L1800 3.9.1)."""
    others = sorted(r.value for r in proposed_by if r not in PROPOSERS)
    if not proposed_by or others:
        return [
            Violation(
                rule="DesignationMustBeProposedByTheHeads",
                message=(
                    "a designation is proposed by the Head of Resourcing, Head of L&D or Head "
                    f"of Profession{'; not by ' + ', '.join(others) if others else ''}"
                ),
                clause="L1800 3.9.1",
                field="proposed_by",
            )
        ]
    return []


def roi_period_must_be_sensible(months: int) -> list[Violation]:
    """The period may be set otherwise than 18 months by the same process (L1800 3.9.2), but
    it is a whole number of months from 1 to 60."""
    if not 1 <= months <= 60:
        return [
            Violation(
                rule="RoiPeriodMustBeSensible",
                message=f"an ROI period of {months} months is outside 1 to 60",
                clause="L1800 3.9.2",
                field="period_months",
            )
        ]
    return []


def add_months(day: date, months: int) -> date:
    """The same day ``months`` later, or the month's last day when it has no such day."""
    month_index = day.month - 1 + months
    year, month = day.year + month_index // 12, month_index % 12 + 1
    last = calendar.monthrange(year, month)[1]
    return date(year, month, min(day.day, last))


def notice_binds(*, notified_on: date | None, starts_on: date) -> bool:
    """Everyone undertaking the course is told of the requirement before it starts (L1800
    3.9.2). Interpretation (DOMAIN.md): a commitment whose notice came on or after the first
    day, or never, is kept and flagged but does not bind."""
    return notified_on is not None and notified_on < starts_on


def roi_period_ends_on(*, completed_on: date, period_months: int) -> date:
    """The ROI period runs for ``period_months`` (18 unless designated otherwise) after the
    course or initiative end date (L1800 3.9.2); this is its last day."""
    return add_months(completed_on, period_months)


def course_dates_must_be_ordered(*, starts_on: date, ends_on: date) -> list[Violation]:
    """A course ends on or after the day it starts: its end date sets the ROI period
    (L1800 3.9.2)."""
    if ends_on < starts_on:
        return [
            Violation(
                rule="CourseDatesMustBeOrdered",
                message=f"the course ends ({ends_on}) before it starts ({starts_on})",
                clause="L1800 3.9.2",
                field="ends_on",
            )
        ]
    return []


def early_release_needs_its_sign_off(*, case_made: bool) -> list[Violation]:
    """For a local move the Head of Department makes the case and the Head of Resourcing
    signs it off (L1800 3.9.3): no sign-off without a case."""
    if not case_made:
        return [
            Violation(
                rule="LocalReleaseNeedsTheHeadOfDepartmentsCase",
                message="the Head of Department has not made a case for this local move",
                clause="L1800 3.9.3",
            )
        ]
    return []
