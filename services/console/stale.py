"""A form sent against a record that someone else changed first (the service's 409 with
the version it is at now): nothing was saved, and the person sees what changed since they
opened the form and starts again from the record as it is.

A form on a record carries the version it was read at and, beside it, the record's fields
as the person saw them then (``seen``). Both come back with the form, so the console keeps
nothing of its own to tell the two apart; what was seen is only ever shown back to the same
person, and only for the fields the record has now."""

from __future__ import annotations

import json
import re
from typing import Any

from services.console.rendering import london_time, long_date, words

#: What a record's field may hold to be compared: one value, or a list of them.
_SCALARS = (str, int, float, bool, type(None))
#: Not the record's content: the version is what told the two apart in the first place.
_NOT_COMPARED = frozenset({"version"})
#: A seen field longer than any form would send back is not what this console wrote.
_SEEN_LIMIT = 64_000
#: Parts of a field's name that are read as letters.
_ACRONYMS = {"pdr": "PDR", "id": "ID", "roi": "ROI", "psd": "PSD", "hr": "HR", "slt": "SLT"}
_DAY = re.compile(r"^\d{4}-\d{2}-\d{2}$")
_MOMENT = re.compile(r"^\d{4}-\d{2}-\d{2}T")


class StaleForm(Exception):
    """The record changed after the form was read: shown as what changed (main)."""

    def __init__(self, *, service: str, record: str, token: str, seen: str, again: str) -> None:
        super().__init__(f"{record} changed")
        self.service = service
        self.record = record
        self.token = token
        self.seen = seen
        self.again = again


def fields_of(record: dict[str, Any]) -> dict[str, str]:
    """The record's fields a person reads on a form's page, each as text: nested parts (a
    decision's facts) are shown elsewhere and left out of the comparison."""
    shown: dict[str, str] = {}
    for name, value in record.items():
        if name in _NOT_COMPARED:
            continue
        if isinstance(value, list) and all(isinstance(v, _SCALARS) for v in value):
            shown[name] = ", ".join("" if v is None else str(v) for v in value)
        elif isinstance(value, _SCALARS):
            shown[name] = "" if value is None else str(value)
    return shown


def seen_of(record: dict[str, Any] | None) -> str:
    """What the form carries of the record as read: its fields as JSON."""
    return json.dumps(fields_of(record or {}), sort_keys=True, separators=(",", ":"))


def label_of(name: str) -> str:
    """A field's name as words: ``pdr_due_on`` is 'PDR due on'."""
    parts = [_ACRONYMS.get(part, part) for part in name.split("_") if part]
    return words(" ".join(parts)) if parts else name


def _shown(name: str, value: str) -> str:
    """A value in words: a day or a moment as people read them, by the field's name (a
    field ending ``_on`` or ``date`` holds a day, one ending ``_at`` a moment), so that a
    person's own words that look like a date are shown as they wrote them."""
    if value in ("True", "False"):
        return "Yes" if value == "True" else "No"
    try:
        if (name.endswith("_on") or name.endswith("date")) and _DAY.match(value):
            return long_date(value)
        if name.endswith("_at") and _MOMENT.match(value):
            return london_time(value)
    except (ValueError, OverflowError):
        # Not a day or moment after all (or one London time cannot show): as written.
        return value
    return value


def _seen(text: str) -> dict[str, str] | None:
    if len(text) > _SEEN_LIMIT:
        return None
    try:
        seen = json.loads(text)
    except (ValueError, RecursionError):
        return None
    if not isinstance(seen, dict) or not all(isinstance(v, str) for v in seen.values()):
        return None
    return seen


def what_changed(seen_text: str, current: dict[str, Any]) -> list[tuple[str, str, str]] | None:
    """Each field the person saw that differs now, as (field, then, now) in words; None
    when the form did not say what was seen (then only the record as it is can be shown)."""
    seen = _seen(seen_text)
    if seen is None:
        return None
    now = fields_of(current)
    return [
        (label_of(name), _shown(name, seen.get(name, "")) or "Not recorded", _shown(name, value))
        for name, value in sorted(now.items())
        if seen.get(name, "") != value
    ]
