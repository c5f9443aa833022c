"""A command's Idempotency-Key claimed without a round trip of its own (issue 18, ADR 0039).

The claim is an INSERT of the key's row that does nothing where the row exists: a
concurrent repeat's claim waits for the first one's transaction to end, then finds the row
and answers as the first did. It was the first statement of every command with a key. On
PostgreSQL it now travels in the statement that takes the unit of work's records' locks
(``LedgerApplication.serialise_on``), done before them in that statement as it was done
before them in a statement of its own: a decision sends one statement fewer.

Only a domain command's claim waits so (``run_command(..., claim_with_the_locks=True)``):
its handler does nothing beyond its unit of work, so a repeat that runs it and then finds
the key taken leaves nothing behind. Any other command (an auditor's checkpoint, signed
to its file) claims its key before its handler runs. A domain command that takes no
record's lock, or is refused before it takes one, claims the key alone before its unit of
work ends (``settle``): a repeat of a command already answered is answered again, never
decided afresh, whichever way its handler went."""

from __future__ import annotations

from collections.abc import Mapping
from typing import Any

from sqlalchemy import Table, event
from sqlalchemy.orm import Session

from shared import driver
from shared.db import _if_absent_once, insert_if_absent
from shared.log_write import renamed

#: Key in ``Session.info``: the claim's statement and values, until it is sent.
_CLAIM = "key_claims.claim"


class ClaimedAlready(Exception):
    """Another unit of work claimed the key first: its answer is this command's answer."""


def claim_key(session: Session, table: Table, values: dict[str, Any], *, key: list[str]) -> None:
    """``insert_if_absent`` of a command's key's row, claiming the key: on PostgreSQL held
    for the first statement that takes the command's records' locks, or to be sent alone
    before the command ends (``settle``); elsewhere sent now. Raises ``ClaimedAlready``
    where the row was there."""
    dialect = session.get_bind().dialect
    if dialect.name == "postgresql":
        try:
            sql, params = _if_absent_once(dialect.name, table, tuple(key)).as_sent(dialect, values)
        except ValueError:
            pass  # a form SQLAlchemy sends: sent now, below
        else:
            session.info[_CLAIM] = (sql, params)
            return
    if not insert_if_absent(session, table, values, key=key):
        raise ClaimedAlready


def with_the_locks(
    session: Session, locking: str, params: Mapping[str, Any]
) -> tuple[str, dict[str, Any], bool]:
    """``locking`` (a SELECT of the locks) with the held claim done ahead of them, and
    whether a claim rides on it (``answered`` is then to be told the statement's row)."""
    claim = session.info.get(_CLAIM)
    if claim is None:
        return locking, dict(params), False
    if not locking.startswith("SELECT "):
        raise ValueError("the claim rides on a SELECT of the locks only")
    sql, values = claim
    # PostgreSQL evaluates a select list in order, and a WITH read there runs to its end
    # when first read: the key is claimed before any lock is asked for. The claim is the
    # service's own compiled statement; the key and the rest go as parameters.
    return (
        f"WITH claimed AS ({renamed(sql, 'claim_')}) "  # noqa: S608
        f"SELECT (SELECT count(*) FROM claimed), {locking.removeprefix('SELECT ')}",
        {**params, **{f"claim_{name}": value for name, value in values.items()}},
        True,
    )


def answered(session: Session, row: Any) -> None:
    """The locks' statement's row, the claim's count first: raises ``ClaimedAlready`` if
    the key's row was there."""
    session.info.pop(_CLAIM, None)
    if not row[0]:
        raise ClaimedAlready


def settle(session: Session) -> None:
    """Send the claim now if it still waits (a command that took no lock, or refused
    before it took one); raises ``ClaimedAlready`` if the key's row was there."""
    claim = session.info.pop(_CLAIM, None)
    if claim is not None and driver.send(session, *claim).first() is None:
        raise ClaimedAlready


def _forget(session: Session, *_: Any) -> None:
    # A unit of work that rolls back claimed nothing: its held claim goes with it.
    session.info.pop(_CLAIM, None)


event.listen(Session, "after_rollback", _forget)


def _never_unclaimed(session: Session) -> None:
    # Every keyed command settles its claim before it keeps its answer: a unit of work
    # that would commit with its claim still held would keep no claim at all.
    if _CLAIM in session.info:
        raise RuntimeError("a key's claim was held and never sent")


# First among the commit's listeners: before the log is written under its ordering.
event.listen(Session, "before_commit", _never_unclaimed, insert=True)
