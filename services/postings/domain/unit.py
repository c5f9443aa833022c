"""Divisions and departments, with their commander or head (L1800 3.1.2, 3.6.1)."""

from __future__ import annotations

from datetime import datetime
from uuid import NAMESPACE_URL, UUID, uuid5

from eventsourcing.domain import Aggregate

from shared.roles import Role


def unit_id(code: str) -> UUID:
    return uuid5(NAMESPACE_URL, f"officer-postings:unit:{code}")


class Unit(Aggregate):
    class Registered(Aggregate.Created):
        code: str
        name: str
        kind: str  # "division" or "department"
        head_id: str | None
        actor_id: str
        actor_role: Role

    class HeadChanged(Aggregate.Event):
        code: str
        head_id: str | None
        actor_id: str
        actor_role: Role

        def apply(self, aggregate: Unit) -> None:
            aggregate.head_id = self.head_id

    def __init__(
        self,
        *,
        code: str,
        name: str,
        kind: str,
        head_id: str | None,
        actor_id: str,
        actor_role: Role,
    ) -> None:
        self.code = code
        self.name = name
        self.kind = kind
        self.head_id = head_id

    @classmethod
    def register(
        cls,
        *,
        code: str,
        name: str,
        kind: str,
        head_id: str | None,
        actor_id: str,
        actor_role: Role,
        at: datetime,
    ) -> Unit:
        return cls._create(
            cls.Registered,
            id=unit_id(code),
            timestamp=at,
            code=code,
            name=name,
            kind=kind,
            head_id=head_id,
            actor_id=actor_id,
            actor_role=actor_role,
        )

    def change_head(
        self, *, head_id: str | None, actor_id: str, actor_role: Role, at: datetime
    ) -> None:
        self.trigger_event(
            self.HeadChanged,
            timestamp=at,
            code=self.code,
            head_id=head_id,
            actor_id=actor_id,
            actor_role=actor_role,
        )
