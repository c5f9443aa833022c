"""The smallest instance a JSON schema of an OpenAPI document admits: required fields only,
each at its simplest valid value. For tests that walk every operation and need a body the
schema accepts, whatever the rules then say of it."""

from __future__ import annotations

import re
from typing import Any

#: Values tried, in order, for a string with a pattern.
_PATTERNED = ["K100", "north", "2026-Q4", "A", "a", "1", "x-1", "ABC-1"]
_FORMATS = {
    "date": "2027-06-01",
    "date-time": "2026-11-22T10:00:00Z",
    "uuid": "00000000-0000-4000-8000-000000000001",
    "email": "someone@example.org",
}


def example(schema: dict[str, Any], spec: dict[str, Any]) -> Any:
    """A minimal valid instance of ``schema``, with ``spec`` resolving its ``$ref``s."""
    schema = _resolved(schema, spec)
    if "const" in schema:
        return schema["const"]
    if "enum" in schema:
        return schema["enum"][0]
    for combinator in ("oneOf", "anyOf"):
        if combinator in schema:
            options = [_resolved(o, spec) for o in schema[combinator]]
            chosen = next((o for o in options if o.get("type") != "null"), options[0])
            return example(chosen, spec)
    if "allOf" in schema:
        merged: dict[str, Any] = {}
        for part in schema["allOf"]:
            merged.update(_resolved(part, spec))
        return example(merged, spec)
    kind = schema.get("type", "object")
    if kind == "object":
        properties = schema.get("properties", {})
        return {name: example(properties[name], spec) for name in schema.get("required", [])}
    if kind == "array":
        return [example(schema.get("items", {}), spec) for _ in range(schema.get("minItems", 0))]
    if kind == "string":
        return _string(schema)
    if kind == "integer":
        return int(max(schema.get("minimum", 1), schema.get("exclusiveMinimum", 0) + 1))
    if kind == "number":
        return float(max(schema.get("minimum", 1), schema.get("exclusiveMinimum", 0) + 1))
    if kind == "boolean":
        return False
    if kind == "null":
        return None
    raise ValueError(f"no example for {schema}")


def _resolved(schema: dict[str, Any], spec: dict[str, Any]) -> dict[str, Any]:
    while "$ref" in schema:
        node: Any = spec
        for part in schema["$ref"].removeprefix("#/").split("/"):
            node = node[part]
        schema = node
    return schema


def _string(schema: dict[str, Any]) -> str:
    if schema.get("format") in _FORMATS:
        return _FORMATS[schema["format"]]
    shortest = max(schema.get("minLength", 1), 1)
    pattern = schema.get("pattern")
    if pattern:
        for candidate in _PATTERNED:
            if re.search(pattern, candidate) and len(candidate) >= shortest:
                return candidate
        raise ValueError(f"no example matches {pattern!r}")
    return ("Example text " * (shortest // 13 + 1))[: max(shortest, 12)].strip() or "x"
