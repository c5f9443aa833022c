"""Postings' handlers without HTTP, on SQLite and on PostgreSQL chosen by the settings alone:
the invariants the write model owns, the delegation's record of its use, and ROI asked
before the unit of work opens its transaction."""

from __future__ import annotations

from collections.abc import Iterator
from datetime import date
from typing import Any

import pytest
from sqlalchemy import select

from services.postings.clients.roi import RoiClient
from services.postings.commands import (
    CompulsoryTerms,
    DecideCompulsory,
    GrantDelegation,
    Placement,
    RegisterLocation,
    RegisterOfficer,
    RevokeDelegation,
    WithdrawPosting,
)
from services.postings.domain.delegation import Delegation
from services.postings.domain.kinds import Power, Rank
from services.postings.domain.rules.s3_1_general import (
    DelegationMustCoverTheDecision,
    OneOpenPostingAtATime,
)
from services.postings.main import build_runtime
from shared.clock import FixedClock
from shared.errors import NotPermitted, RulesBroken
from shared.handling import Actor, Command, Saved
from shared.identity import Principal
from shared.roles import Role
from shared.runtime import Runtime
from shared.settings import PostingsSettings
from tests.force import NOW
from tests.helpers import LOCATIONS

DIRECTOR = Principal("dhr", Role.DIRECTOR_OF_HR)
HR = Principal("hr-alice", Role.HR_RESOURCE_PLANNING)


class WatchedRoi:
    """The real ROI service, noting whether postings held a transaction open when asking."""

    def __init__(self, roi: RoiClient, runtime: list[Runtime]) -> None:
        self._roi = roi
        self._runtime = runtime
        self.asked_inside_a_transaction = False
        self.asked = 0

    def status(self, *, officer_id: str, on: date, to_location: str) -> dict[str, Any]:
        self.asked += 1
        if self._runtime[0].db.sessions.registry.has():
            self.asked_inside_a_transaction = True
        return self._roi.status(officer_id=officer_id, on=on, to_location=to_location)


@pytest.fixture
def postings(
    postings_settings: PostingsSettings, roi_question: RoiClient
) -> Iterator[tuple[Runtime, WatchedRoi]]:
    holder: list[Runtime] = []
    roi = WatchedRoi(roi_question, holder)
    runtime = build_runtime(postings_settings, clock=FixedClock(NOW), roi=roi)
    holder.append(runtime)
    for code, (name, division, town, lat, lon) in LOCATIONS.items():
        kind = "college" if code == "college" else "station"
        send(runtime, RegisterLocation(code, name, division, town, lat, lon, kind), HR)
    for officer_id in ("K100", "K101"):
        send(
            runtime,
            RegisterOfficer(
                officer_id=officer_id,
                name=f"Officer {officer_id}",
                rank=Rank.CONSTABLE,
                division="north",
                place_of_duty="maidstone",
                appointed_on=date(2019, 9, 2),
            ),
            HR,
        )
    try:
        yield runtime, roi
    finally:
        runtime.db.close()


def send(runtime: Runtime, command: Command, principal: Principal) -> Saved:
    """As the API sends it: prepared before the transaction, handled inside it."""
    handler = runtime.handlers[type(command)]
    actor = Actor(principal, correlation_id="test")
    prepared = handler.prepare(command, actor)
    with runtime.db.unit_of_work(write=True):
        return handler.handle(command, actor, prepared)


def compulsory(officer_id: str = "K100", delegation: Any = None) -> DecideCompulsory:
    return DecideCompulsory(
        placement=Placement(
            officer_id=officer_id,
            to_location="tonbridge",
            likely_posting_date=date(2027, 1, 11),
            rationale="Strength balance in the north",
        ),
        terms=CompulsoryTerms(
            reasoning_for_officer="Tonbridge needs response officers",
            preferences=None,
            preferences_not_sought_because="Urgent",
        ),
        delegation_id=delegation,
    )


def test_a_second_posting_waits_until_the_first_is_withdrawn(
    postings: tuple[Runtime, WatchedRoi],
) -> None:
    runtime, roi = postings
    first = send(runtime, compulsory(), DIRECTOR)
    with pytest.raises(RulesBroken) as refused:
        send(runtime, compulsory(), DIRECTOR)
    assert refused.value.violations[0].rule == OneOpenPostingAtATime.id
    send(runtime, WithdrawPosting(first.id, "The vacancy was filled"), HR)
    assert send(runtime, compulsory(), DIRECTOR).id != first.id
    assert roi.asked == 3
    assert roi.asked_inside_a_transaction is False


def test_a_delegates_decision_records_its_use_and_none_follows_the_revocation(
    postings: tuple[Runtime, WatchedRoi],
) -> None:
    runtime, _ = postings
    granted = send(
        runtime,
        GrantDelegation(
            delegate_id="hr-alice",
            powers=[Power.COMPULSORY_POSTING],
            valid_from=date(2026, 11, 1),
            valid_to=date(2027, 10, 31),
            rationale="Director on leave",
        ),
        DIRECTOR,
    )
    decided = send(runtime, compulsory("K100", granted.id), HR)
    with runtime.db.unit_of_work(write=False):
        delegation = runtime.application.load(granted.id, Delegation, what="delegation")
        events = runtime.application.repository.event_store.get(granted.id)
        exercised = [e for e in events if isinstance(e, Delegation.Exercised)]
    assert delegation.uses == 1
    assert [e.case_id for e in exercised] == [decided.id]
    send(runtime, RevokeDelegation(granted.id, "Director back"), DIRECTOR)
    with pytest.raises(NotPermitted) as refused:
        send(runtime, compulsory("K101", granted.id), HR)
    assert refused.value.violations[0].rule == DelegationMustCoverTheDecision.id
    events_table = runtime.tables.events
    with runtime.db.unit_of_work(write=False) as session:
        topics = session.execute(select(events_table.c.topic)).scalars().all()
    assert sum(t.endswith(":Posting.Decided") for t in topics) == 1
