"""Field types every service's request schemas share, each as long as the column that keeps
it (shared.lengths)."""

from __future__ import annotations

import re
from datetime import UTC, date, datetime
from typing import Annotated, Any

from fastapi import Path
from pydantic import AfterValidator, AwareDatetime, BeforeValidator, StringConstraints

from shared import forms, lengths

IDENTIFIER = forms.IDENTIFIER

#: No NUL (which cannot be stored), and at least one character that is not white space in
#: any of the regular expression engines that read it (Python's str.isspace also counts
#: U+001C..U+001F, ECMAScript U+FEFF), so the documented pattern and the check agree.
NOT_BLANK = r"^[^\x00]*[^\s\x00\x1c-\x1f\x85\ufeff][^\x00]*$"

#: A decision's rationale: required, never blank (L1800 3.7.1, 3.7.3, 3.5.3).
Rationale = Annotated[
    str,
    StringConstraints(
        strip_whitespace=True, min_length=1, max_length=lengths.TEXT, pattern=NOT_BLANK
    ),
]

#: A code: a location, division, town, unit, skill, establishment key or course.
Code = Annotated[
    str,
    StringConstraints(
        strip_whitespace=True, min_length=1, max_length=lengths.CODE, pattern=IDENTIFIER
    ),
]

#: An officer's id.
OfficerId = Annotated[
    str,
    StringConstraints(
        strip_whitespace=True, min_length=1, max_length=lengths.OFFICER_ID, pattern=IDENTIFIER
    ),
]

#: A person as their token's ``sub`` names them (a delegate, a unit's head, a hearer, an
#: appellant, a recipient).
PersonId = Annotated[
    str,
    StringConstraints(
        strip_whitespace=True, min_length=1, max_length=lengths.SUBJECT, pattern=forms.SUBJECT
    ),
]

#: A person's or a place's name.
Name = Annotated[
    str,
    StringConstraints(
        strip_whitespace=True, min_length=1, max_length=lengths.NAME, pattern=NOT_BLANK
    ),
]

#: A course's title.
Title = Annotated[
    str,
    StringConstraints(
        strip_whitespace=True, min_length=1, max_length=lengths.TITLE, pattern=NOT_BLANK
    ),
]

#: One line of text (the level an appeal is heard at).
Line = Annotated[
    str,
    StringConstraints(
        strip_whitespace=True, min_length=1, max_length=lengths.LINE, pattern=NOT_BLANK
    ),
]

#: Free text, required.
Text = Annotated[
    str,
    StringConstraints(
        strip_whitespace=True, min_length=1, max_length=lengths.TEXT, pattern=NOT_BLANK
    ),
]

#: An instant, written as ISO 8601 with its offset (``2026-11-22T10:00:00Z``): a number is
#: not taken for one (pydantic would read it as seconds since 1970), nor a time without its
#: offset (whose zone would be a guess).
_ISO_MOMENT = re.compile(r"^\d{4}-\d{2}-\d{2}[T ]\d{2}:\d{2}(:\d{2}(\.\d+)?)?(Z|[+-]\d{2}:?\d{2})$")


def _iso_moment(value: Any) -> Any:
    if isinstance(value, str) and not _ISO_MOMENT.match(value.strip()):
        raise ValueError("give the moment as ISO 8601 with its offset, e.g. 2026-11-22T10:00:00Z")
    return value


def _in_range(value: datetime) -> datetime:
    # A moment at the calendar's edge with an offset has no UTC instant to store or compare.
    try:
        value.astimezone(UTC)
    except OverflowError:
        raise ValueError("the moment is out of range") from None
    return value


Moment = Annotated[AwareDatetime, BeforeValidator(_iso_moment), AfterValidator(_in_range)]

#: A day, written as ISO 8601 (``2026-11-22``), never a number.
_ISO_DAY = re.compile(r"^\d{4}-\d{2}-\d{2}$")


def _iso_day(value: Any) -> Any:
    if isinstance(value, str) and not _ISO_DAY.match(value.strip()):
        raise ValueError("give the day as ISO 8601, e.g. 2026-11-22")
    return value


Day = Annotated[date, BeforeValidator(_iso_day)]


def without_null(schema: dict[str, Any]) -> None:
    """The schema, in place, without the ``null`` that an Optional type documents: for what
    may be absent but is never null when given."""
    options = schema.get("anyOf")
    if not isinstance(options, list):
        return
    kept = [o for o in options if o != {"type": "null"}]
    if len(kept) == 1:
        del schema["anyOf"]
        schema.update(kept[0])
    else:
        schema["anyOf"] = kept


# -- path parameters -----------------------------------------------------------------------

#: ``{officer_id}`` in a path.
OfficerIdPath = Annotated[
    str, Path(min_length=1, max_length=lengths.OFFICER_ID, pattern=IDENTIFIER)
]

#: ``{code}``, ``{location}`` or ``{division}`` in a path.
CodePath = Annotated[str, Path(min_length=1, max_length=lengths.CODE, pattern=IDENTIFIER)]
