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
from typing import Any

from sqlalchemy import Column, Table
from sqlalchemy.engine import Dialect

from shared.db import bind_processor

#: A length or precision in a compiled type: ``VARCHAR(36)``, ``NUMERIC(10, 2)``.
_MODIFIER = re.compile(r"\(\s*\d+\s*(,\s*\d+\s*)?\)")


@dataclass(frozen=True)
class Fragment:
    """One data-modifying part of a statement (a ``WITH`` query) and its parameters, each
    named with the prefix its maker was given, so that several share a statement."""

    sql: str
    params: dict[str, list[Any]]


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


def statement(fragments: Sequence[Fragment]) -> tuple[str, dict[str, list[Any]]]:
    """One statement running every fragment: PostgreSQL runs each data-modifying ``WITH``
    query once and to the end, whether or not the statement reads its output."""
    withs = ", ".join(f"part_{i} AS ({f.sql})" for i, f in enumerate(fragments))
    params: dict[str, list[Any]] = {}
    for fragment in fragments:
        params.update(fragment.params)
    return f"WITH {withs} SELECT 1", params


def _array(dialect: Dialect, column: Column[Any], values: list[Any]) -> list[Any]:
    process = bind_processor(dialect, column)
    return values if process is None else [process(value) for value in values]


@functools.cache
def _cast(dialect: Dialect, column: Column[Any]) -> str:
    return _MODIFIER.sub("", column.type.compile(dialect=dialect)) + "[]"
