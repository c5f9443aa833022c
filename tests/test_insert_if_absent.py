"""``insert_if_absent``, which a follower uses for effects it may apply again (a feed read
from the start): built once per table and key, it still inserts whatever columns each row
gives, says whether the row went in, and leaves a row already there as it was, on both
backends."""

from __future__ import annotations

from datetime import UTC, datetime
from typing import Any

import pytest
from sqlalchemy import func, select

from services.appeals.projections.tables import posting_decisions
from shared.db import Database, insert_if_absent


def _decision(posting_id: str, **overrides: Any) -> dict[str, Any]:
    return {
        "posting_id": posting_id,
        "officer_id": "K100",
        "kind": "compulsory",
        "division": "north",
        "decided_by": "dhr",
        "decided_role": "director_of_hr",
        "decided_at": datetime(2026, 12, 6, 9, tzinfo=UTC),
        "clause": "L1800 3.7",
        "feed_position": 1,
        **overrides,
    }


def test_a_row_goes_in_once_and_the_one_there_stays(database_urls: dict[str, str]) -> None:
    db = Database(database_urls["appeals"])
    key = ["posting_id"]
    try:
        with db.unit_of_work(write=True) as session:
            assert insert_if_absent(session, posting_decisions, _decision("p-1"), key=key)
            # The same key again, with other values: nothing changes.
            again = _decision("p-1", officer_id="K999", feed_position=9)
            assert not insert_if_absent(session, posting_decisions, again, key=key)
            # Another set of columns goes by the same statement.
            notified = _decision("p-2", notified_at=datetime(2026, 12, 6, 10, tzinfo=UTC))
            assert insert_if_absent(session, posting_decisions, notified, key=key)
        with db.unit_of_work(write=False) as session:
            rows = session.execute(
                select(
                    posting_decisions.c.posting_id,
                    posting_decisions.c.officer_id,
                    posting_decisions.c.feed_position,
                    posting_decisions.c.notified_at,
                ).order_by(posting_decisions.c.posting_id)
            ).all()
        assert [tuple(r) for r in rows] == [
            ("p-1", "K100", 1, None),
            ("p-2", "K100", 1, datetime(2026, 12, 6, 10, tzinfo=UTC)),
        ]
    finally:
        db.close()


def test_a_value_for_no_column_is_refused_and_nothing_stored(
    database_urls: dict[str, str],
) -> None:
    """A misspelt column would otherwise be dropped and its column left NULL or default."""
    db = Database(database_urls["appeals"])
    try:
        with db.unit_of_work(write=True) as session, pytest.raises(ValueError, match="notifed"):
            insert_if_absent(
                session, posting_decisions, _decision("p-1", notifed_at=None), key=["posting_id"]
            )
        with db.unit_of_work(write=False) as session:
            count = select(func.count()).select_from(posting_decisions)
            assert session.execute(count).scalar() == 0
    finally:
        db.close()
