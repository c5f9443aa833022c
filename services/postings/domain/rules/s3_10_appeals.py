"""L1800 3.10.1, as postings holds to it: 'The appeal decision will be final.' An upheld
appeal sets the posting decision aside, once."""

from __future__ import annotations

from datetime import datetime

from shared.errors import Violation
from shared.rules.base import Rule


class NoticeIsRecordedAsItWasGiven(Rule):
    """The officer's 14 days to appeal run from when the decision was given to them (L1800
    3.10.1; DOMAIN.md, 'Notice given outside the system'): a notice recorded after it was
    given (a letter handed over, a conversation) says when, never in the future and never
    before the decision."""

    clause = "L1800 3.10.1"

    @classmethod
    def check(
        cls, *, given_at: datetime, decided_at: datetime, recorded_at: datetime
    ) -> list[Violation]:
        if given_at > recorded_at:
            return cls.broken(
                f"a notice is recorded once given, not ahead: {given_at.isoformat()} is later "
                f"than now ({recorded_at.isoformat()})",
                field="given_at",
            )
        if given_at < decided_at:
            return cls.broken(
                f"the decision was taken at {decided_at.isoformat()}; it cannot have been "
                f"given to the officer before, at {given_at.isoformat()}",
                field="given_at",
            )
        return []


class PostingIsSetAsideOnce(Rule):
    """An upheld appeal sets the posting decision aside (L1800 3.10.1): once, and not a
    posting withdrawn before the appeal was decided."""

    clause = "L1800 3.10.1"
    conflict = True
