"""Postings applications driven in process: commands sent through their handlers in a
unit of work of their own, and the events an application decodes counted (for what is
kept between units of work: reference records, snapshots, the auditor's acts)."""

from __future__ import annotations

from collections.abc import Iterator
from contextlib import contextmanager, suppress
from datetime import date
from typing import Any

import pytest
from eventsourcing.persistence import StoredEvent
from sqlalchemy.orm import Session

from shared.db import Database
from shared.handling import Actor, Command, Saved
from shared.identity import Principal
from shared.roles import Role
from shared.runtime import Runtime

DIRECTOR = Principal("dhr", Role.DIRECTOR_OF_HR)


def send(runtime: Runtime, command: Command, principal: Principal = DIRECTOR) -> Saved:
    """The command, prepared and handled as ``principal`` in one unit of work."""
    handler = runtime.handlers[type(command)]
    actor = Actor(principal, correlation_id="test")
    with runtime.db.unit_of_work(write=True):
        return handler.handle(command, actor, handler.prepare(command, actor))


class _Abandon(Exception):
    pass


@contextmanager
def abandoned(db: Database) -> Iterator[Session]:
    """A unit of work that writes and is then abandoned, so that nothing it wrote stays: a
    read cannot stand in for it, being READ ONLY on PostgreSQL."""
    with suppress(_Abandon), db.unit_of_work(write=True) as session:
        yield session
        raise _Abandon


class Decoded:
    """Counts the events an application decodes."""

    def __init__(self, monkeypatch: pytest.MonkeyPatch, runtime: Runtime) -> None:
        self.count = 0
        mapper = runtime.application.mapper
        decode = mapper.to_domain_event

        def counted(stored: StoredEvent) -> Any:
            self.count += 1
            return decode(stored)

        monkeypatch.setattr(mapper, "to_domain_event", counted)


def places(runtime: Runtime, *codes: str) -> None:
    """Places of duty from the test force's list (tests.helpers.LOCATIONS)."""
    from services.postings.commands import RegisterLocation
    from tests.helpers import LOCATIONS

    for code in codes:
        name, division, town, lat, lon = LOCATIONS[code]
        send(runtime, RegisterLocation(code, name, division, town, lat, lon, "station"))


def constable(runtime: Runtime, officer_id: str = "K100", **details: Any) -> None:
    """A constable of north division serving at Maidstone, living in Ashford (``details``
    change any of it)."""
    from services.postings.commands import RegisterOfficer
    from services.postings.domain.kinds import Rank

    given: dict[str, Any] = {
        "name": f"Officer {officer_id}",
        "rank": Rank.CONSTABLE,
        "division": "north",
        "place_of_duty": "maidstone",
        "appointed_on": date(2019, 9, 2),
        "home_town": "Ashford",
        **details,
    }
    send(runtime, RegisterOfficer(officer_id=officer_id, **given))
