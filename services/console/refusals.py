"""A service's refusal as a person can act on it: the GOV.UK error summary's entries, each
linking to the field at fault, and each broken rule in plain words with its clause."""

from __future__ import annotations

from dataclasses import dataclass, field
from typing import Any

#: Plain words for the API's input errors (pydantic's error types), by what the field holds.
_INPUT_ERRORS = {
    "missing": "Enter {label}",
    "string_too_short": "Enter {label}",
    # A list given empty: nothing chosen or entered.
    "too_short": "Enter {label}",
    "string_too_long": "{Label} is too long",
    "string_pattern_mismatch": (
        "{Label} must start with a letter or digit and hold only letters, digits and _ . : -"
    ),
    "date_from_datetime_parsing": "{Label} must be a real date",
    "date_parsing": "{Label} must be a real date",
    "date_type": "{Label} must be a real date",
    "int_parsing": "{Label} must be a whole number",
    "int_type": "{Label} must be a whole number",
    "int_from_float": "{Label} must be a whole number",
    "float_parsing": "{Label} must be a number",
    "float_type": "{Label} must be a number",
    "less_than_equal": "{Label} is too large",
    "greater_than_equal": "{Label} is too small",
    "enum": "Select {label}",
    "literal_error": "Select {label}",
}


#: Error types that mean nothing was given.
_MISSING = ("missing", "string_too_short", "too_short")


@dataclass(frozen=True)
class FormField:
    """A field of a form: its name in the API's body, the id of the element the error
    summary links to, and how a sentence names it."""

    name: str
    label: str
    element_id: str = ""
    #: Chosen from options (radios, a select), not typed: a missing one is "Select ...".
    chosen: bool = False

    @property
    def anchor(self) -> str:
        return self.element_id or self.name


@dataclass
class ErrorSummary:
    #: (href or None, text): an entry without a field is listed without a link.
    entries: list[tuple[str | None, str]] = field(default_factory=list)
    #: The message shown beside each field at fault, by field name.
    by_field: dict[str, str] = field(default_factory=dict)

    def add(self, text: str, form_field: FormField | None) -> None:
        if form_field is None:
            self.entries.append((None, text))
            return
        self.entries.append((f"#{form_field.anchor}", text))
        self.by_field.setdefault(form_field.name, text)

    def __bool__(self) -> bool:
        return bool(self.entries)


def _sentence(text: str) -> str:
    text = text.strip()
    return text[:1].upper() + text[1:] if text else text


def _form_field(path: str | None, fields: list[FormField]) -> FormField | None:
    """The form's field an API field path names: ``body.home.lat`` is the field ``home``
    or ``lat``, whichever the form has."""
    if not path:
        return None
    parts = [p for p in path.split(".") if p not in ("body", "query", "path")]
    by_name = {f.name: f for f in fields}
    for part in reversed(parts):
        if part in by_name:
            return by_name[part]
    return None


def summarise(problem: dict[str, Any], fields: list[FormField]) -> ErrorSummary:
    summary = ErrorSummary()
    for error in problem.get("errors") or []:
        form_field = _form_field(error.get("field"), fields)
        kind = str(error.get("type"))
        template = _INPUT_ERRORS.get(kind)
        if form_field is not None and form_field.chosen and kind in _MISSING:
            template = "Select {label}"
        if form_field is not None and template is not None:
            label = form_field.label
            text = template.format(label=label, Label=_sentence(label))
        else:
            text = _sentence(str(error.get("message") or "This is not valid"))
        summary.add(text, form_field)
    for violation in problem.get("violations") or []:
        text = _sentence(str(violation.get("message", "")))
        if violation.get("clause"):
            text = f"{text} ({violation['clause']})"
        summary.add(text, _form_field(violation.get("field"), fields))
    if not summary:
        detail = _sentence(str(problem.get("detail") or "The service refused this"))
        summary.add(detail, None)
    return summary
