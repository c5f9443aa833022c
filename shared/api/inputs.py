"""The base of every request body: unknown fields refused, and days and moments given as the
ISO 8601 text the OpenAPI document promises. Pydantic would otherwise read a number as
seconds since 1970 (``"likely_posting_date": 0`` as 1 January 1970), a value the document
does not admit and no client means."""

from __future__ import annotations

from datetime import date, datetime
from typing import Any, get_args

from pydantic import (
    AwareDatetime,
    BaseModel,
    BeforeValidator,
    ConfigDict,
    FutureDate,
    NaiveDatetime,
    PastDate,
)

TIME_TYPES: tuple[Any, ...] = (date, datetime, AwareDatetime, NaiveDatetime, PastDate, FutureDate)


def _holds_a_time(annotation: Any) -> bool:
    if annotation in TIME_TYPES:
        return True
    return any(_holds_a_time(arg) for arg in get_args(annotation) if arg is not type(None))


def _written_as_text(value: Any) -> Any:
    if isinstance(value, list):
        for item in value:
            _written_as_text(item)
    elif isinstance(value, int | float) and not isinstance(value, bool):
        raise ValueError("give days and moments as ISO 8601 text (2026-11-22), not a number")
    return value


class RequestBody(BaseModel):
    model_config = ConfigDict(extra="forbid")

    @classmethod
    def __pydantic_init_subclass__(cls, **kwargs: Any) -> None:
        super().__pydantic_init_subclass__(**kwargs)
        timed = [f for f in cls.model_fields.values() if _holds_a_time(f.annotation)]
        for field in timed:
            field.metadata.append(BeforeValidator(_written_as_text))
        if timed:
            cls.model_rebuild(force=True)
