"""The base of every request body: unknown fields refused, days and moments given as the
ISO 8601 text the OpenAPI document promises, and numbers as numbers. Pydantic would
otherwise read a number as seconds since 1970 (``"likely_posting_date": 0`` as 1 January
1970), ``false`` as the number 0 (an establishment target of ``false``) and 0 or "yes" as
a truth value: values the document does not admit and no client means."""

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


NUMBER_TYPES: tuple[Any, ...] = (int, float)


def _holds(annotation: Any, types: tuple[Any, ...]) -> bool:
    if annotation in types:
        return True
    return any(_holds(arg, types) for arg in get_args(annotation) if arg is not type(None))


def _written_as_text(value: Any) -> Any:
    if isinstance(value, list):
        for item in value:
            _written_as_text(item)
    elif isinstance(value, int | float) and not isinstance(value, bool):
        raise ValueError("give days and moments as ISO 8601 text (2026-11-22), not a number")
    return value


def _a_truth_value(value: Any) -> Any:
    if value is not None and not isinstance(value, bool):
        raise ValueError("give true or false")
    return value


def _not_a_truth_value(value: Any) -> Any:
    if isinstance(value, list):
        for item in value:
            _not_a_truth_value(item)
    elif isinstance(value, bool):
        raise ValueError("give a number, not true or false")
    return value


class RequestBody(BaseModel):
    model_config = ConfigDict(extra="forbid")

    @classmethod
    def __pydantic_init_subclass__(cls, **kwargs: Any) -> None:
        super().__pydantic_init_subclass__(**kwargs)
        changed = False
        for field in cls.model_fields.values():
            if _holds(field.annotation, TIME_TYPES):
                field.metadata.append(BeforeValidator(_written_as_text))
                changed = True
            elif _holds(field.annotation, (bool,)):
                field.metadata.append(BeforeValidator(_a_truth_value))
                changed = True
            elif _holds(field.annotation, NUMBER_TYPES):
                field.metadata.append(BeforeValidator(_not_a_truth_value))
                changed = True
        if changed:
            cls.model_rebuild(force=True)
