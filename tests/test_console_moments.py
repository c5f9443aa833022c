"""What the auditor's pages work out for themselves, without a browser: a London date and
time as the instant the services are asked about, across the clocks changing; a case's
history laid out as a timeline with the chosen moment marked; a long log's page numbers."""

from __future__ import annotations

from datetime import UTC, date, datetime, time

import pytest

from services.console.charts.timeline import timeline
from services.console.pages.audit_consultations import window
from services.console.pages.london_moments import (
    clock_time,
    form_parts,
    iso,
    london_day,
    london_instant,
)


@pytest.mark.parametrize(
    ("typed", "meant"),
    [
        ("14:30", time(14, 30)),
        ("9.05", time(9, 5)),
        ("14:30:05", time(14, 30, 5)),
        ("2:30pm", time(14, 30)),
        ("2pm", time(14)),
        ("12am", time(0)),
        ("12 p.m.", time(12)),
        ("", None),
    ],
)
def test_a_time_is_read_as_people_type_it(typed: str, meant: time | None) -> None:
    assert clock_time(typed) == meant


@pytest.mark.parametrize("typed", ["14", "25:00", "1:61", "13pm", "noon", "0am"])
def test_a_time_that_is_none_is_refused(typed: str) -> None:
    with pytest.raises(ValueError, match=r"."):
        clock_time(typed)


def test_a_date_is_a_real_date_or_refused() -> None:
    assert london_day({"day": "27", "month": "3", "year": "2026"}) == date(2026, 3, 27)
    assert london_day({"day": "", "month": "", "year": ""}) is None
    huge = "9" * 20  # past a C long: an overflow, which must read as no real date
    for parts in (
        {"day": "31", "month": "2", "year": "2026"},
        {"day": "1", "month": "x"},
        {"day": huge, "month": "1", "year": "2026"},
        {"day": "1", "month": huge, "year": "2026"},
    ):
        with pytest.raises(ValueError, match=r"."):
            london_day(parts)


def test_london_time_is_the_instant_london_meant_either_side_of_the_clocks_changing() -> None:
    assert iso(london_instant(date(2026, 3, 28), time(14, 30))) == "2026-03-28T14:30:00Z"
    # British Summer Time began at 01:00 UTC on 29 March 2026.
    assert iso(london_instant(date(2026, 3, 29), time(14, 30))) == "2026-03-29T13:30:00Z"


def test_a_moment_shown_on_the_form_again_still_takes_in_what_was_recorded_then() -> None:
    recorded = datetime(2026, 7, 1, 13, 30, 5, 250_000, tzinfo=UTC)

    parts, clock = form_parts(recorded)

    assert parts == {"day": "1", "month": "7", "year": "2026"}
    assert clock == "14:30:06"
    day = london_day(parts)
    assert day is not None
    assert london_instant(day, clock_time(clock) or time.min) >= recorded


def test_the_chosen_moment_is_marked_before_the_first_event_after_it() -> None:
    drawn = timeline(
        "History",
        "Three events",
        [
            ("1. Registered", "1 July", False),
            ("2. Opened", "2 July", True),
            ("3. Closed", "", True),
        ],
        "As at 1 July",
    )

    first, second, third = drawn.points
    assert drawn.marker_y is not None
    assert first.y < drawn.marker_y < second.y < third.y
    assert (first.after, second.after) == (False, True)
    assert drawn.height > third.y


def test_without_a_moment_nothing_is_marked() -> None:
    drawn = timeline("History", "Two events", [("1. A", "", False), ("2. B", "", False)])

    assert drawn.marker_y is None
    assert [p.after for p in drawn.points] == [False, False]


def test_a_long_log_shows_the_first_and_last_pages_and_those_near_this_one() -> None:
    assert window(1, 1) == [1]
    assert window(5, 20) == [1, None, 3, 4, 5, 6, 7, None, 20]
    assert window(20, 20) == [1, None, 18, 19, 20]
