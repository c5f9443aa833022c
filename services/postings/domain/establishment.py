"""The establishment: target numbers per division and rank, and for scarce skills, set by
HR Resource Planning to balance numbers, ranks and skills (L1800 3.1.2-3.1.3)."""

from __future__ import annotations

from datetime import datetime
from uuid import NAMESPACE_URL, UUID, uuid5

from eventsourcing.domain import Aggregate

from shared.roles import Role


def establishment_id(division: str) -> UUID:
    return uuid5(NAMESPACE_URL, f"officer-postings:establishment:{division}")


class Establishment(Aggregate):
    class Started(Aggregate.Created):
        division: str

    class TargetSet(Aggregate.Event):
        division: str
        category: str  # "rank" or "skill"
        key: str
        target: int
        actor_id: str
        actor_role: Role

        def apply(self, aggregate: Establishment) -> None:
            aggregate.targets[(self.category, self.key)] = self.target

    def __init__(self, *, division: str) -> None:
        self.division = division
        self.targets: dict[tuple[str, str], int] = {}

    @classmethod
    def start(cls, *, division: str, at: datetime) -> Establishment:
        return cls._create(
            cls.Started, id=establishment_id(division), timestamp=at, division=division
        )

    def set_target(
        self,
        *,
        category: str,
        key: str,
        target: int,
        actor_id: str,
        actor_role: Role,
        at: datetime,
    ) -> None:
        self.trigger_event(
            self.TargetSet,
            timestamp=at,
            division=self.division,
            category=category,
            key=key,
            target=target,
            actor_id=actor_id,
            actor_role=actor_role,
        )
