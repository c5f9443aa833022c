"""The feed's event envelope: the contract services share (never their aggregates)."""

from __future__ import annotations

import dataclasses
from datetime import date, datetime
from enum import Enum
from typing import Any
from uuid import UUID

#: Values that are JSON as they are, by exact type (a subclass, such as a ``str`` enum, is
#: not: it goes the long way).
_PLAIN = frozenset({str, int, float, bool, type(None)})


def jsonable(value: Any) -> Any:
    """Plain JSON for a domain value: dates as ISO strings, enums by value, value objects
    as objects."""
    # The plain cases first, by exact type: a decision's facts are mostly strings, numbers
    # and dicts of them, and every feed item and auditor's act walks them (issue 18).
    kind = type(value)
    if kind in _PLAIN:
        return value
    if kind is dict:
        return {k if type(k) is str else _key(k): jsonable(v) for k, v in value.items()}
    if kind is list:
        return [jsonable(v) for v in value]
    if isinstance(value, Enum):
        return value.value
    if isinstance(value, datetime | date):
        return value.isoformat()
    if isinstance(value, UUID):
        return str(value)
    if dataclasses.is_dataclass(value) and not isinstance(value, type):
        return {f.name: jsonable(getattr(value, f.name)) for f in dataclasses.fields(value)}
    if isinstance(value, dict):
        return {_key(k): jsonable(v) for k, v in value.items()}
    if isinstance(value, list | tuple | set | frozenset):
        return [jsonable(v) for v in value]
    return value


def _key(key: Any) -> str:
    """A JSON object key: a composite key joins its parts, e.g. ``dover/officer_request``."""
    if isinstance(key, tuple):
        return "/".join(str(jsonable(part)) for part in key)
    return str(jsonable(key))


_ENVELOPE_KEYS = {"originator_id", "originator_version", "timestamp", "originator_topic"}


def event_type(event: Any) -> str:
    """A stable name for an event class, e.g. ``Posting.Decided``."""
    return type(event).__qualname__


def to_envelope(position: int, event: Any) -> dict[str, Any]:
    return {
        "id": position,
        "type": event_type(event),
        "originator_id": str(event.originator_id),
        "originator_version": event.originator_version,
        "occurred_at": event.timestamp.isoformat(),
        "data": {k: jsonable(v) for k, v in vars(event).items() if k not in _ENVELOPE_KEYS},
    }
