"""The 14-day appeal window (L1800 3.10.1) in Europe/London calendar days, counted from the
day the decision was notified: day 14 is in time, day 15 is late."""

from __future__ import annotations

from datetime import UTC, datetime
from zoneinfo import ZoneInfo

import pytest

from services.appeals.domain.rules.s3_10_appeals import (
    AppealMustBeLodgedWithin14Days,
    appeal_deadline,
)

LONDON = ZoneInfo("Europe/London")


def london(year: int, month: int, day: int, hour: int, minute: int) -> datetime:
    """A wall-clock time in London, as the UTC instant the system stores."""
    return datetime(year, month, day, hour, minute, tzinfo=LONDON).astimezone(UTC)


@pytest.mark.parametrize(
    ("notified", "lodged", "in_time"),
    [
        # Winter (GMT): notified 1 November, day 14 is 15 November.
        (london(2026, 11, 1, 10, 0), london(2026, 11, 15, 23, 59), True),
        (london(2026, 11, 1, 10, 0), london(2026, 11, 16, 0, 0), False),
        # Notified half an hour after midnight in summer: still the 11th in London though
        # the 10th in UTC, so day 14 is the 25th.
        (london(2026, 6, 11, 0, 30), london(2026, 6, 25, 23, 0), True),
        (london(2026, 6, 11, 0, 30), london(2026, 6, 26, 0, 5), False),
        # Late in the evening, the notification day is that day.
        (london(2026, 6, 10, 23, 30), london(2026, 6, 24, 23, 59), True),
        (london(2026, 6, 10, 23, 30), london(2026, 6, 25, 0, 1), False),
        # Across the change to British Summer Time (28 March 2027): day 14 is 3 April; half
        # past midnight on 4 April in London is still 3 April in UTC, and it is late.
        (london(2027, 3, 20, 9, 0), london(2027, 4, 3, 23, 30), True),
        (london(2027, 3, 20, 9, 0), london(2027, 4, 4, 0, 30), False),
        # Across the change back to GMT (25 October 2026): notified late on the 20th (BST),
        # day 14 is 3 November (GMT).
        (london(2026, 10, 20, 23, 45), london(2026, 11, 3, 23, 59), True),
        (london(2026, 10, 20, 23, 45), london(2026, 11, 4, 0, 0), False),
    ],
)
def test_day_14_is_in_time_and_day_15_is_late(
    notified: datetime, lodged: datetime, in_time: bool
) -> None:
    violations = AppealMustBeLodgedWithin14Days.check(
        notified_at=notified, lodged_at=lodged, exception_granted=False
    )

    assert (violations == []) is in_time
    if not in_time:
        (late,) = violations
        assert late.rule == "AppealMustBeLodgedWithin14Days"
        assert late.clause == "L1800 3.10.1"
        assert late.details["deadline"] == appeal_deadline(notified).isoformat()


def test_a_policy_owners_exception_admits_a_late_appeal() -> None:
    assert (
        AppealMustBeLodgedWithin14Days.check(
            notified_at=london(2026, 11, 1, 10, 0),
            lodged_at=london(2026, 12, 1, 10, 0),
            exception_granted=True,
        )
        == []
    )


def test_before_notification_the_window_has_not_started() -> None:
    assert (
        AppealMustBeLodgedWithin14Days.check(
            notified_at=None, lodged_at=london(2026, 12, 1, 10, 0), exception_granted=False
        )
        == []
    )
