"""A larger-scale migration (desktop selection): postings proposed and decided together
under one common rationale, each still checked and recorded on its own (L1800 3.1.3)."""

from __future__ import annotations

import dataclasses
from dataclasses import dataclass
from datetime import datetime
from typing import Any, ClassVar

from eventsourcing.domain import Aggregate

from shared.ledger import Decision, DecisionEvent


@dataclass(frozen=True)
class Refusal:
    """One reason a proposed posting was refused: the rule, its clause and the field."""

    rule: str
    message: str
    clause: str | None = None
    field: str | None = None
    details: dict[str, Any] = dataclasses.field(default_factory=dict)


@dataclass(frozen=True)
class BatchOutcome:
    """Per officer: the posting decided, or every reason it was refused."""

    officer_id: str
    posting_id: str | None = None
    refused: list[Refusal] | None = None


class Batch(Aggregate):
    class Decided(DecisionEvent, Aggregate.Created):
        results: list[BatchOutcome]

        personal_fields: ClassVar[frozenset[str]] = frozenset({"results"})
        class_version = 2

        @staticmethod
        def upcast_v1_v2(state: dict[str, Any]) -> None:
            # Version 1 kept each outcome as a plain mapping of the same fields.
            state["results"] = [
                BatchOutcome(
                    officer_id=r["officer_id"],
                    posting_id=r.get("posting_id"),
                    refused=(
                        [Refusal(**reason) for reason in r["refused"]] if "refused" in r else None
                    ),
                )
                for r in state["results"]
            ]

    def __init__(self, *, decision: Decision, results: list[BatchOutcome]) -> None:
        self.results = results
        self.rationale = decision.rationale
        self.decided_by = decision.actor_id

    @classmethod
    def decide(cls, *, decision: Decision, results: list[BatchOutcome], at: datetime) -> Batch:
        return cls._create(cls.Decided, timestamp=at, decision=decision, results=results)
