"""A larger-scale migration (desktop selection): postings proposed and decided together
under one common rationale, each still checked and recorded on its own (L1800 3.1.3)."""

from __future__ import annotations

from datetime import datetime
from typing import Any, ClassVar

from eventsourcing.domain import Aggregate

from shared.ledger import Decision, DecisionEvent


class Batch(Aggregate):
    class Decided(DecisionEvent, Aggregate.Created):
        #: Per officer: the posting decided, or every reason it was refused.
        results: list[dict[str, Any]]

        personal_fields: ClassVar[frozenset[str]] = frozenset({"results"})

    def __init__(self, *, decision: Decision, results: list[dict[str, Any]]) -> None:
        self.results = results
        self.rationale = decision.rationale
        self.decided_by = decision.actor_id

    @classmethod
    def decide(cls, *, decision: Decision, results: list[dict[str, Any]], at: datetime) -> Batch:
        return cls._create(cls.Decided, timestamp=at, decision=decision, results=results)
