"""L1800 3.9, return on investment: courses designated by the quarterly resourcing
priorities process (3.9.1); participants told before the start, and an ROI period of 18
months after the end date unless designated otherwise, or an exceptional designation
outside the process (3.9.2); early release in exceptional operational circumstances, by
the Force Resourcing Panel or, for a local move, the Head of Department's case signed off
by the Head of Resourcing (3.9.3)."""

from __future__ import annotations

import calendar
from collections.abc import Collection
from datetime import date

from services.roi.domain.values import DesignationReason
from shared.errors import Violation
from shared.roles import Role
from shared.rules.base import Rule

#: 'In most cases the ROI period will be for a period of 18 months post course or
#: initiative end date' (L1800 3.9.2).
DEFAULT_ROI_PERIOD_MONTHS = 18

#: Who proposes courses to the quarterly resourcing priorities process (L1800 3.9.1).
PROPOSERS = frozenset({Role.HEAD_OF_RESOURCING, Role.HEAD_OF_L_AND_D, Role.HEAD_OF_PROFESSION})


def add_months(day: date, months: int) -> date:
    """The same day ``months`` later, or the month's last day when it has no such day."""
    month_index = day.month - 1 + months
    year, month = day.year + month_index // 12, month_index % 12 + 1
    last = calendar.monthrange(year, month)[1]
    return date(year, month, min(day.day, last))


def roi_period_ends_on(*, completed_on: date, period_months: int) -> date:
    """The ROI period runs for ``period_months`` (18 unless designated otherwise) after the
    course or initiative end date (L1800 3.9.2); this is its last day."""
    return add_months(completed_on, period_months)


def notice_binds(*, notified_on: date | None, starts_on: date) -> bool:
    """Everyone undertaking the course is told of the requirement before it starts (L1800
    3.9.2). Interpretation (DOMAIN.md): a commitment whose notice came on or after the first
    day, or never, is kept and flagged but does not bind."""
    return notified_on is not None and notified_on < starts_on


def bound_on(
    *,
    binds: bool,
    starts_on: date,
    period_ends_on: date | None,
    on: date,
) -> bool:
    """A binding commitment holds the officer from the course's start to the last day of its
    period (L1800 3.9.2)."""
    return binds and period_ends_on is not None and starts_on <= on <= period_ends_on


class DesignationMustStateWhy(Rule):
    """A course carries an ROI requirement only if it is in high demand, costly, or gives an
    operationally scarce skill (L1800 3.9.1)."""

    clause = "L1800 3.9.1"

    @classmethod
    def check(cls, reasons: Collection[DesignationReason]) -> list[Violation]:
        if not reasons:
            return cls.broken(
                "say why the course carries an ROI: high demand, high cost or scarce skill",
                field="reasons",
            )
        return []


class DesignationMustBeProposedByTheHeads(Rule):
    """Proposals come from the Head of Resourcing, Head of L&D and, where necessary, the
    Head of Profession (L1800 3.9.1)."""

    clause = "L1800 3.9.1"

    @classmethod
    def check(cls, proposed_by: Collection[Role]) -> list[Violation]:
        others = sorted(r.value for r in proposed_by if r not in PROPOSERS)
        if not proposed_by or others:
            return cls.broken(
                "a designation is proposed by the Head of Resourcing, Head of L&D or Head "
                f"of Profession{'; not by ' + ', '.join(others) if others else ''}",
                field="proposed_by",
            )
        return []


class RoiPeriodMustBeSensible(Rule):
    """The period may be set otherwise than 18 months by the same process (L1800 3.9.2), but
    it is a whole number of months from 1 to 60."""

    clause = "L1800 3.9.2"

    @classmethod
    def check(cls, months: int) -> list[Violation]:
        if not 1 <= months <= 60:
            return cls.broken(
                f"an ROI period of {months} months is outside 1 to 60", field="period_months"
            )
        return []


class ExceptionalDesignationIsForThePanelOrTheDirector(Rule):
    """Outside the quarterly process an ROI is determined by the Force Resourcing Panel or
    the Director of Human Resources or appropriate delegate (L1800 3.9.2)."""

    clause = "L1800 3.9.2"


class CourseDatesMustBeOrdered(Rule):
    """A course ends on or after the day it starts: its end date sets the ROI period (L1800
    3.9.2). So does the day it was completed, which can no more come before its start."""

    clause = "L1800 3.9.2"

    @classmethod
    def check(cls, *, starts_on: date, ends_on: date, field: str = "ends_on") -> list[Violation]:
        if ends_on < starts_on:
            return cls.broken(
                f"the course ends ({ends_on}) before it starts ({starts_on})", field=field
            )
        return []


class RoiPeriodEndsOnACalendarDay(Rule):
    """The ROI period runs its months after the course's end date (L1800 3.9.2): an end
    date so late that the period would run past the calendar's last day (31 December 9999)
    names no course anyone could take, and is refused rather than left to fail the sum."""

    clause = "L1800 3.9.2"

    @classmethod
    def check(cls, *, ends_on: date, period_months: int, field: str) -> list[Violation]:
        try:
            add_months(ends_on, period_months)
        except ValueError:
            return cls.broken(
                f"a course ending on {ends_on} would have its ROI period end after the last"
                " day of the calendar",
                field=field,
            )
        return []


class CommitmentFactsAreRecordedOnceTheyHappen(Rule):
    """What binds the officer is what happened (L1800 3.9.2): the notice they were given
    before the course and the day the course ended, which sets the ROI period. Each is
    recorded once it has happened, never ahead, as the day it happened in London."""

    clause = "L1800 3.9.2"

    @classmethod
    def check(cls, *, on: date, today: date, field: str) -> list[Violation]:
        if on > today:
            return cls.broken(
                f"{on} is after today ({today}): record it once it has happened", field=field
            )
        return []


class OneLiveCommitmentPerOfficerAndCourse(Rule):
    """An officer undertaking a designated course has one commitment to it (L1800 3.9.2):
    another enrolment on the same course waits until the first is withdrawn, not completed,
    or its ROI period is over. Owned by the officer's record on that course (one aggregate,
    found from the officer and the course), saved with the commitment."""

    clause = "L1800 3.9.2"

    @classmethod
    def check(cls, *, live: object | None, course_code: str) -> list[Violation]:
        if live is not None:
            return cls.broken(
                f"the officer already has a live commitment on {course_code}",
                field="designation_id",
                details={"commitment_id": str(live)},
            )
        return []


class NoticeIsRecordedOnce(Rule):
    """The officer is informed of the requirement before the course (L1800 3.9.2): when they
    were told is recorded once."""

    clause = "L1800 3.9.2"
    conflict = True


class CommitmentEndsOnce(Rule):
    """An enrolled commitment ends once: the course completed, which sets its ROI period, or
    withdrawn or not completed, when none follows (L1800 3.9.2)."""

    clause = "L1800 3.9.2"
    conflict = True


class EarlyReleaseIsForOneMove(Rule):
    """An individual may move before the end of the ROI period in exceptional operational
    circumstances (L1800 3.9.3): a release is for one move, granted once."""

    clause = "L1800 3.9.3"
    conflict = True


class LocalReleaseNeedsTheHeadOfDepartmentsCase(Rule):
    """For a local move the Head of Department makes the case and the Head of Resourcing
    signs it off (L1800 3.9.3): no sign-off without a case."""

    clause = "L1800 3.9.3"

    @classmethod
    def check(cls, *, case_made: bool) -> list[Violation]:
        if not case_made:
            return cls.broken("the Head of Department has not made a case for this local move")
        return []
