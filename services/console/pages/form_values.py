"""Reading a submitted form into an API body: what a person typed is passed on as typed
(the service judges it and names the field at fault), except that a blank field is left
out and a date is put together from its day, month and year."""

from __future__ import annotations

from typing import Any

from starlette.datastructures import FormData


def text(form: FormData, name: str) -> str:
    value = form.get(name)
    return value.strip() if isinstance(value, str) else ""


def digits(value: str) -> bool:
    """Plain digits, few enough to be a day, a month, a year or a count: '²' and a run of
    five thousand digits are digits to ``str.isdigit`` but no number anyone means."""
    return value.isascii() and value.isdigit() and len(value) <= 9


def whole(value: str) -> int | str:
    """A whole number if it is written as one; otherwise the text, for the service to
    refuse on its field."""
    return int(value) if digits(value) else value


def number(value: str) -> float | str:
    """A number if it reads as one; otherwise the text, for the service to refuse."""
    try:
        return float(value)
    except ValueError:
        return value


def date_parts(form: FormData, name: str) -> dict[str, str]:
    return {part: text(form, f"{name}-{part}") for part in ("day", "month", "year")}


def date_value(parts: dict[str, str]) -> str | None:
    """YYYY-MM-DD from the parts, None when all are blank. Parts that make no date still
    make a string, which the service refuses as not a real date."""
    if not any(parts.values()):
        return None
    day, month, year = parts["day"], parts["month"], parts["year"]
    if digits(day) and digits(month) and digits(year):
        return f"{int(year):04d}-{int(month):02d}-{int(day):02d}"
    return f"{year}-{month}-{day}"


def parts_of(value: str | None) -> dict[str, str]:
    """A YYYY-MM-DD date as the parts a date input shows."""
    if not value:
        return {}
    year, month, day = value.split("-")
    return {"day": str(int(day)), "month": str(int(month)), "year": year}


def without_blanks(body: dict[str, Any]) -> dict[str, Any]:
    return {key: value for key, value in body.items() if value not in ("", None)}
