"""Places of duty: police stations and other establishments, and the police college
(L1800 3.1.1, 3.3.1)."""

from __future__ import annotations

import functools
from datetime import datetime
from uuid import NAMESPACE_URL, UUID, uuid5

from eventsourcing.domain import Aggregate

from services.postings.domain.values import GeoPoint
from shared.roles import Role


# Asked several times a decision for the same few places: made once each (bounded, as
# codes come from requests).
@functools.lru_cache(maxsize=1_024)
def location_aggregate_id(code: str) -> UUID:
    return uuid5(NAMESPACE_URL, f"officer-postings:location:{code}")


class Location(Aggregate):
    class Registered(Aggregate.Created):
        code: str
        name: str
        division: str
        town: str
        point: GeoPoint
        #: "station", or "college" for Kent Police College (L1800 3.3.1).
        kind: str
        actor_id: str
        actor_role: Role

    def __init__(
        self,
        *,
        code: str,
        name: str,
        division: str,
        town: str,
        point: GeoPoint,
        kind: str,
        actor_id: str,
        actor_role: Role,
    ) -> None:
        self.code = code
        self.name = name
        self.division = division
        self.town = town
        self.point = point
        self.kind = kind

    @classmethod
    def register(
        cls,
        *,
        code: str,
        name: str,
        division: str,
        town: str,
        point: GeoPoint,
        kind: str,
        actor_id: str,
        actor_role: Role,
        at: datetime,
    ) -> Location:
        return cls._create(
            cls.Registered,
            id=location_aggregate_id(code),
            timestamp=at,
            code=code,
            name=name,
            division=division,
            town=town,
            point=point,
            kind=kind,
            actor_id=actor_id,
            actor_role=actor_role,
        )
