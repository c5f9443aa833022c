"""Rows sent to PostgreSQL as one array per column, and taken apart there with ``unnest``:
many rows, and several tables, in a statement whose text depends on the tables and columns
alone, not on how many rows there are. So the driver prepares it once and the database
plans it once, however many rows a unit of work writes (shared.log_write uses it to write
everything that waits for the log's ordering in one round trip).

Each array is cast to its column's type without a length or precision: an explicit cast to
``VARCHAR(36)`` would cut a longer value short where an INSERT refuses it, so the length is
left to the column, which checks it as it does any INSERT's. Each value goes through its
column type's bind processing first, as SQLAlchemy would send it. Tables and columns are
named from the service's own schema, never from a caller's text."""

from __future__ import annotations

import functools
import re
from collections.abc import Sequence
from dataclasses import dataclass
from datetime import date, datetime, timedelta
from typing import Any
from uuid import UUID

from psycopg import Binary
from sqlalchemy import (
    Boolean,
    Column,
    Date,
    DateTime,
    Integer,
    LargeBinary,
    String,
    Table,
    TypeDecorator,
    Uuid,
)
from sqlalchemy.engine import Dialect

from shared.db import bind_processor

#: A length or precision in a compiled type: ``VARCHAR(36)``, ``NUMERIC(10, 2)``.
_MODIFIER = re.compile(r"\(\s*\d+\s*(,\s*\d+\s*)?\)")


@dataclass(frozen=True)
class Fragment:
    """One data-modifying part of a statement (a ``WITH`` query) and its parameters, each
    named with the prefix its maker was given, so that several share a statement."""

    sql: str
    params: dict[str, str | bytes | list[Any]]


def insert(
    dialect: Dialect,
    table: Table,
    columns: Sequence[str],
    rows: Sequence[dict[str, Any]],
    prefix: str,
) -> Fragment:
    """``INSERT INTO table (columns) SELECT * FROM unnest(one array per column)``."""
    quote = dialect.identifier_preparer
    arrays = [_array(dialect, table.c[name], [row[name] for row in rows]) for name in columns]
    names = ", ".join(quote.quote(name) for name in columns)
    given = ", ".join(
        f"%({prefix}_{i})s::{_cast(dialect, table.c[name])}" for i, name in enumerate(columns)
    )
    return Fragment(
        f"INSERT INTO {quote.format_table(table)} ({names}) SELECT * FROM unnest({given})",  # noqa: S608
        {f"{prefix}_{i}": array for i, array in enumerate(arrays)},
    )


def update_by_id(
    dialect: Dialect, table: Table, column: str, values: dict[Any, Any], prefix: str
) -> Fragment:
    """``UPDATE table SET column = given value WHERE id = given id``, a pair per row.
    Each id is given once: PostgreSQL would update a row matched twice by only one of them,
    and which one is not defined."""
    quote = dialect.identifier_preparer
    target = quote.format_table(table)
    ids, settings = list(values), list(values.values())
    return Fragment(
        f"UPDATE {target} SET {quote.quote(column)} = given.value "  # noqa: S608
        f"FROM unnest(%({prefix}_ids)s::{_cast(dialect, table.c.id)}, "
        f"%({prefix}_values)s::{_cast(dialect, table.c[column])}) AS given(id, value) "
        f"WHERE {target}.id = given.id",
        {
            f"{prefix}_ids": _array(dialect, table.c.id, ids),
            f"{prefix}_values": _array(dialect, table.c[column], settings),
        },
    )


def statement(fragments: Sequence[Fragment]) -> tuple[str, dict[str, str | bytes | list[Any]]]:
    """One statement running every fragment: PostgreSQL runs each data-modifying ``WITH``
    query once and to the end, whether or not the statement reads its output."""
    withs = ", ".join(f"part_{i} AS ({f.sql})" for i, f in enumerate(fragments))
    params: dict[str, str | bytes | list[Any]] = {}
    for fragment in fragments:
        params.update(fragment.params)
    return f"WITH {withs} SELECT 1", params


def _array(dialect: Dialect, column: Column[Any], values: list[Any]) -> str | list[Any]:
    process = bind_processor(dialect, column)
    processed = values if process is None else [process(value) for value in values]
    return array_text(processed, _written(dialect, column))


#: The Python types of each kind of element ``array_text`` writes.
UUIDS = frozenset({UUID})
INTEGERS = frozenset({int})
TEXTS = frozenset({str})
BYTES = frozenset({bytes})


def array_text(values: list[Any], types: frozenset[type]) -> str | list[Any]:
    """``values`` as PostgreSQL's array input reads them (``{"a","b",NULL}``), where every
    value is of one of ``types`` (those its column reads as the driver would send them)
    and written here; else the list, for the driver to send. The driver's own way costs
    3.5 to 9 µs an array in Python (psycopg's list dumper), and a decision sends some
    forty: this is a join of strings. The rules are the documented ones for array input:
    each element double-quoted, a double quote or a backslash in it escaped with a
    backslash, and NULL unquoted for a missing value."""
    parts = []
    for value in values:
        if value is None:
            parts.append("NULL")
            continue
        kind = type(value)
        if kind not in types:
            return values
        text = _ELEMENT[kind](value)
        if text is None:
            return values
        parts.append(f'"{text}"')
    return "{" + ",".join(parts) + "}"


@functools.cache
def _written(dialect: Dialect, column: Column[Any]) -> frozenset[type]:
    """The types of value ``array_text`` writes for ``column``: exactly those whose text
    its type reads as the driver would send the value (a boolean for a text column, say,
    goes to the driver, which writes it otherwise)."""
    kind = column.type.dialect_impl(dialect)
    if isinstance(kind, TypeDecorator):
        kind = kind.load_dialect_impl(dialect)
    if isinstance(kind, Boolean):
        return frozenset({bool})
    if isinstance(kind, Integer):
        return INTEGERS
    if isinstance(kind, Uuid):
        return frozenset({UUID, str})
    if isinstance(kind, String):
        return TEXTS
    if isinstance(kind, LargeBinary):
        return frozenset({bytes, Binary})
    if isinstance(kind, DateTime) and kind.timezone:
        return frozenset({datetime})
    if isinstance(kind, Date):
        return frozenset({date})
    return frozenset()


def _quoted(text: str) -> str:
    # Inside a quoted element a backslash and a double quote are escaped; nothing else is.
    if "\\" in text:
        text = text.replace("\\", "\\\\")
    if '"' in text:
        text = text.replace('"', '\\"')
    return text


def _bytes(value: bytes) -> str:
    # bytea's hex form, ``\x0a0b``, its backslash escaped for the array.
    return "\\\\x" + value.hex()


def _instant(value: datetime) -> str | None:
    # An instant in UTC (as ``UtcDateTime`` sends every one); any other offset, or none,
    # goes to the driver, which writes it as its own.
    if value.utcoffset() != _UTC_OFFSET:
        return None
    return value.isoformat()


_UTC_OFFSET = timedelta(0)

#: How each type's values are written as array elements: exactly the types listed (a
#: subclass, an enum say, may write itself otherwise, and goes to the driver).
_ELEMENT: dict[type, Any] = {
    str: _quoted,
    int: str,
    bool: lambda value: "t" if value else "f",
    UUID: str,
    bytes: _bytes,
    # What SQLAlchemy's bind processing makes of bytes for psycopg (a LargeBinary column).
    Binary: lambda value: _bytes(bytes(value.obj)),
    date: date.isoformat,
    datetime: _instant,
}


@functools.cache
def _cast(dialect: Dialect, column: Column[Any]) -> str:
    return _MODIFIER.sub("", column.type.compile(dialect=dialect)) + "[]"
