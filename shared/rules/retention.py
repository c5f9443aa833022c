"""L1, Retention & Disposal of Records: 'We will only hold data for as long as necessary for
the purposes for which we collected.' Disposal is a recorded decision that destroys the
officer's key (DOMAIN.md interpretation)."""

from __future__ import annotations

from datetime import date

from shared.errors import Violation
from shared.rules.base import Rule


class RetentionPeriodMustHaveEnded(Rule):
    """Data is disposed of at the end of its retention period under the HR Disposal
    Schedule (L1 Retention & Disposal of Records), not before."""

    clause = "L1 Retention & Disposal of Records"

    @classmethod
    def check(cls, *, retention_ended_on: date, today: date) -> list[Violation]:
        if retention_ended_on > today:
            return cls.broken(
                f"the retention period ends on {retention_ended_on}", field="retention_ended_on"
            )
        return []


class NothingIsRecordedAfterDisposal(Rule):
    """Data is held only as long as necessary (L1 Retention & Disposal of Records): once an
    officer's personal data is disposed of, nothing more is recorded about them. Owned by
    the officer's key: every writer reads it under a lock the disposal must take to
    destroy it."""

    clause = "L1 Retention & Disposal of Records"
    conflict = True


class PersonalDataIsDisposedOnce(Rule):
    """An officer's personal data is disposed of once per service (L1 Retention & Disposal
    of Records): the disposal has an id found from the officer id, so two sent at once meet
    at it and only one is recorded."""

    clause = "L1 Retention & Disposal of Records"
    conflict = True
