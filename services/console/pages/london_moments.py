"""Moments as people in the force type them, a date and a clock time in London, made into
the instants the services take (ISO 8601 with an offset), and back again for a form.

The console does this itself, not the services: an API is asked about an instant, and
which instant "14:30 on 29 March" is depends on the clocks going forward in London."""

from __future__ import annotations

import re
from datetime import UTC, date, datetime, time, timedelta

from services.console.rendering import LONDON

#: 14:30, 14:30:05, 9:05, 2:30pm, 2pm, 12am.
_CLOCK = re.compile(r"^(\d{1,2})(?:[:.](\d{2})(?::(\d{2}))?)?\s*([ap]\.?m\.?)?$", re.IGNORECASE)


def london_day(parts: dict[str, str]) -> date | None:
    """The day the date input's parts make, None when all are blank; ValueError when they
    make no real date."""
    if not any(parts.values()):
        return None
    day, month, year = parts.get("day", ""), parts.get("month", ""), parts.get("year", "")
    if not (day.isascii() and day.isdigit() and month.isascii() and month.isdigit()):
        raise ValueError("not a real date")
    if not (year.isascii() and year.isdigit() and len(year) == 4):
        raise ValueError("not a real date")
    try:
        return date(int(year), int(month), int(day))
    except OverflowError:
        # Digits past any day or month ('99999999999999999999'): no real date either.
        raise ValueError("not a real date") from None


def clock_time(text: str) -> time | None:
    """A time of day as typed (24-hour, or with am or pm), None when blank; ValueError when
    it is not one."""
    text = text.strip()
    if not text:
        return None
    found = _CLOCK.match(text)
    if found is None:
        raise ValueError("not a time")
    hour, minute, second = (int(found.group(n) or 0) for n in (1, 2, 3))
    half = (found.group(4) or "").lower().replace(".", "")
    if half:
        if not 1 <= hour <= 12:
            raise ValueError("not a time")
        hour = hour % 12 + (12 if half == "pm" else 0)
    elif found.group(2) is None:
        # "14" alone could be a time or a typing slip: ask for the minutes.
        raise ValueError("not a time")
    return time(hour, minute, second)


def london_instant(day: date, at: time) -> datetime:
    """That day and clock time in London, as an instant in UTC."""
    return datetime.combine(day, at, tzinfo=LONDON).astimezone(UTC)


def iso(instant: datetime) -> str:
    return instant.isoformat().replace("+00:00", "Z")


def form_parts(instant: datetime) -> tuple[dict[str, str], str]:
    """An instant as a date input's parts and a 24-hour clock time, in London (to the
    second when it is not on a minute). A fraction of a second is rounded up, so that the
    form sent again still takes in the act recorded at that instant."""
    if instant.microsecond and instant < datetime.max.replace(tzinfo=instant.tzinfo) - timedelta(
        seconds=1
    ):
        # (The calendar's last second has no next one: shown as it is.)
        instant += timedelta(microseconds=1_000_000 - instant.microsecond)
    local = instant.astimezone(LONDON)
    parts = {"day": str(local.day), "month": str(local.month), "year": str(local.year)}
    return parts, local.strftime("%H:%M:%S" if local.second else "%H:%M")
