"""An officer as postings knows them: reference data, each change an event."""

from __future__ import annotations

from datetime import date, datetime
from typing import ClassVar
from uuid import NAMESPACE_URL, UUID, uuid5

from eventsourcing.domain import Aggregate

from services.postings.domain.kinds import Rank
from shared.roles import Role


def officer_aggregate_id(officer_id: str) -> UUID:
    """One aggregate per force officer id, found again from the id alone (so a re-sync from
    the HR system lands on the same officer)."""
    return uuid5(NAMESPACE_URL, f"officer-postings:officer:{officer_id}")


class Officer(Aggregate):
    class Registered(Aggregate.Created):
        officer_id: str
        name: str
        rank: Rank
        division: str
        place_of_duty: str
        appointed_on: date
        actor_id: str
        actor_role: Role

        personal_fields: ClassVar[frozenset[str]] = frozenset({"name"})

    def __init__(
        self,
        *,
        officer_id: str,
        name: str,
        rank: Rank,
        division: str,
        place_of_duty: str,
        appointed_on: date,
        actor_id: str,
        actor_role: Role,
    ) -> None:
        self.officer_id = officer_id
        self.name = name
        self.rank = rank
        self.division = division
        self.place_of_duty = place_of_duty
        self.appointed_on = appointed_on

    @classmethod
    def register(
        cls,
        *,
        officer_id: str,
        name: str,
        rank: Rank,
        division: str,
        place_of_duty: str,
        appointed_on: date,
        actor_id: str,
        actor_role: Role,
        at: datetime,
    ) -> Officer:
        return cls._create(
            cls.Registered,
            id=officer_aggregate_id(officer_id),
            timestamp=at,
            officer_id=officer_id,
            name=name,
            rank=rank,
            division=division,
            place_of_duty=place_of_duty,
            appointed_on=appointed_on,
            actor_id=actor_id,
            actor_role=actor_role,
        )
