"""A command's answer kept under its Idempotency-Key, with the officers it concerns (for a
disposal to forget it). On PostgreSQL, a command that stored events sends both writes in
the statement that asks for its log's ordering (``shared.log_write.with_the_ordering``),
done before the ordering is asked for: no round trip of their own. Any other sends them
as one statement, where they were two round trips a decision (issue 18)."""

from __future__ import annotations

import functools
import json
from typing import Any

from sqlalchemy import String, Table, bindparam, func, insert, literal_column, select, update
from sqlalchemy.dialects.postgresql import ARRAY
from sqlalchemy.engine import Dialect
from sqlalchemy.orm import Session
from sqlalchemy.sql.dml import Insert, Update

from shared.compiled_once import CompiledOnce
from shared.log_write import with_the_ordering


def keep_answer(
    session: Session,
    keys: Table,
    quoted: Table,
    *,
    scope: str,
    key: str,
    officers: set[str],
    status_code: int,
    body: Any,
    headers: dict[str, str],
) -> None:
    """Fill in the key's row (claimed when the command began) with the answer, and name
    the officers the answer or the command's events concern."""
    values = {
        "b_scope": scope,
        "b_key": key,
        "b_status": status_code,
        "b_body": json.dumps(body),
        "b_headers": json.dumps(headers),
    }
    dialect = session.get_bind().dialect
    if dialect.name == "postgresql":
        values["b_officers"] = sorted(officers)
        if _ride(session, dialect, keys, quoted, values):
            return
        session.execute(_kept_with_officers(keys, quoted), values)
        return
    if officers:
        session.execute(
            insert(quoted),
            [{"principal": scope, "key": key, "officer_id": o} for o in sorted(officers)],
        )
    session.execute(_kept(keys), values)


def _ride(
    session: Session, dialect: Dialect, keys: Table, quoted: Table, values: dict[str, Any]
) -> bool:
    """Both writes held for the ordering's statement, if one will be asked for and both
    can be sent as text; False, and nothing held, otherwise. Nothing reads the key's row
    or the officers named again in this unit of work."""
    naming_values = {k: values[k] for k in ("b_scope", "b_key", "b_officers")}
    try:
        kept = _kept_sent(keys).as_sent(dialect, values)
        naming = _naming_sent(quoted).as_sent(dialect, naming_values)
    except ValueError:
        return False  # a form SQLAlchemy sends (a default made in Python, say)
    if with_the_ordering(session, *kept) is None:
        return False
    with_the_ordering(session, *naming)
    return True


@functools.cache
def _kept(keys: Table) -> Update:
    # Built once per table: every command with a key runs it.
    return (
        update(keys)
        .where(keys.c.principal == bindparam("b_scope"), keys.c.key == bindparam("b_key"))
        .values(
            status_code=bindparam("b_status"),
            body=bindparam("b_body"),
            headers=bindparam("b_headers"),
        )
    )


@functools.cache
def _naming(quoted: Table) -> Insert:
    """The officers' rows, one for each officer named (an empty list inserts nothing)."""
    officers = func.unnest(bindparam("b_officers", type_=ARRAY(String))).alias("officer")
    return insert(quoted).from_select(
        ["principal", "key", "officer_id"],
        select(
            bindparam("b_scope", type_=String),
            bindparam("b_key", type_=String),
            literal_column("officer", String),
        ).select_from(officers),
    )


@functools.cache
def _kept_sent(keys: Table) -> CompiledOnce:
    return CompiledOnce(_kept(keys))


@functools.cache
def _naming_sent(quoted: Table) -> CompiledOnce:
    return CompiledOnce(_naming(quoted))


@functools.cache
def _kept_with_officers(keys: Table, quoted: Table) -> Update:
    """The answer's UPDATE carrying the officers' INSERT as a data-modifying WITH."""
    return _kept(keys).add_cte(_naming(quoted).cte("naming"))
