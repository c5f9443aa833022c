"""A command's answer kept under its Idempotency-Key, with the officers it concerns (for a
disposal to forget it): one statement on PostgreSQL, where it was two round trips a
decision (issue 18)."""

from __future__ import annotations

import functools
import json
from typing import Any

from sqlalchemy import String, Table, bindparam, func, insert, literal_column, select, update
from sqlalchemy.dialects.postgresql import ARRAY
from sqlalchemy.orm import Session
from sqlalchemy.sql.dml import Update


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
    if session.get_bind().dialect.name == "postgresql":
        values["b_officers"] = sorted(officers)
        session.execute(_kept_with_officers(keys, quoted), values)
        return
    if officers:
        session.execute(
            insert(quoted),
            [{"principal": scope, "key": key, "officer_id": o} for o in sorted(officers)],
        )
    session.execute(_kept(keys), values)


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
def _kept_with_officers(keys: Table, quoted: Table) -> Update:
    """The answer's UPDATE carrying the officers' INSERT as a data-modifying WITH (an empty
    list inserts nothing)."""
    officers = func.unnest(bindparam("b_officers", type_=ARRAY(String))).alias("officer")
    naming = (
        insert(quoted)
        .from_select(
            ["principal", "key", "officer_id"],
            select(
                bindparam("b_scope", type_=String),
                bindparam("b_key", type_=String),
                literal_column("officer", String),
            ).select_from(officers),
        )
        .cte("naming")
    )
    return _kept(keys).add_cte(naming)
