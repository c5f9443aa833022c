"""Postings' rules at their boundaries, as pure functions (DOMAIN.md, Postings)."""

from __future__ import annotations

from datetime import UTC, date, datetime, timedelta

import pytest

from services.postings.domain.delegation import Delegation
from services.postings.domain.kinds import Power, RestrictionSource, WelfareFactor
from services.postings.domain.rules.s3_1_general import (
    DelegationMustCoverTheDecision,
    PdrMustBeCompletedBeforeTheMove,
    PdrOf,
    WelfareFactorsMustBeAddressed,
)
from services.postings.domain.rules.s3_2_general_postings import (
    LocationMustNotBeUnsuitable,
    Restriction,
    TravelBeyondTheLimitMustBeJustified,
)
from services.postings.domain.rules.s3_3_appointment import ProbationPostingMustNotBeToHomeTown
from services.postings.domain.rules.s3_7_compulsory import NoticePeriodMustBeGiven
from services.postings.domain.values import GeoPoint, PdrCycle
from shared.ledger import Decision
from shared.roles import Role

POSTING_DATE = date(2027, 3, 1)
AT = datetime(2026, 11, 22, 10, tzinfo=UTC)


def pdr(officer_id: str, due_offset: int, *, completed: bool = False) -> PdrOf:
    due = POSTING_DATE + timedelta(days=due_offset)
    return PdrOf(officer_id, PdrCycle(due, due if completed else None))


@pytest.mark.parametrize(
    ("due_offset", "blocks"),
    [(-61, False), (-60, True), (0, True), (60, True), (61, False)],
)
def test_a_pdr_due_within_60_days_either_side_blocks_the_move(
    due_offset: int, blocks: bool
) -> None:
    found = PdrMustBeCompletedBeforeTheMove.check(
        officer=pdr("K100", due_offset), subordinates=[], posting_date=POSTING_DATE
    )
    assert (found != []) is blocks
    if blocks:
        assert (found[0].rule, found[0].clause) == (
            "PdrMustBeCompletedBeforeTheMove",
            "L1800 3.1.4",
        )


def test_a_completed_or_absent_pdr_never_blocks() -> None:
    assert (
        PdrMustBeCompletedBeforeTheMove.check(
            officer=pdr("K100", 0, completed=True), subordinates=[], posting_date=POSTING_DATE
        )
        == []
    )
    assert (
        PdrMustBeCompletedBeforeTheMove.check(
            officer=PdrOf("K100", None), subordinates=[], posting_date=POSTING_DATE
        )
        == []
    )


def test_every_outstanding_pdr_of_a_supervisor_and_their_team_is_listed_at_once() -> None:
    found = PdrMustBeCompletedBeforeTheMove.check(
        officer=pdr("S1", 10),
        subordinates=[pdr("K1", -60), pdr("K2", 61), pdr("K3", 5, completed=True), pdr("K4", 30)],
        posting_date=POSTING_DATE,
    )
    assert [v.details["officer_id"] for v in found] == ["S1", "K1", "K4"]


@pytest.mark.parametrize(
    ("probation_ends_on", "refused"),
    [
        (POSTING_DATE + timedelta(days=30), True),
        (POSTING_DATE, True),  # the last day of probation is still probation
        (POSTING_DATE - timedelta(days=1), False),  # ended the day before
        (None, False),
    ],
)
def test_the_home_town_during_probation(probation_ends_on: date | None, refused: bool) -> None:
    found = ProbationPostingMustNotBeToHomeTown.check(
        probation_ends_on=probation_ends_on,
        home_town="Ashford",
        destination_town="ashford",
        posting_date=POSTING_DATE,
        exception_granted=False,
    )
    assert (found != []) is refused


def test_the_directors_exception_allows_the_home_town_in_probation() -> None:
    assert (
        ProbationPostingMustNotBeToHomeTown.check(
            probation_ends_on=POSTING_DATE,
            home_town="Ashford",
            destination_town="Ashford",
            posting_date=POSTING_DATE,
            exception_granted=True,
        )
        == []
    )


def delegation(*, valid_from: date, valid_to: date, revoked: bool = False) -> Delegation:
    granted = Delegation.grant(
        decision=Decision(
            rationale="Leave cover",
            actor_id="dhr",
            actor_role=Role.DIRECTOR_OF_HR,
            clause="L1800 3.1.1",
        ),
        delegate_id="deputy",
        powers=[Power.COMPULSORY_POSTING],
        valid_from=valid_from,
        valid_to=valid_to,
        at=AT,
    )
    if revoked:
        granted.revoke(
            decision=Decision(
                rationale="Back from leave",
                actor_id="dhr",
                actor_role=Role.DIRECTOR_OF_HR,
                clause="L1800 3.1.1",
            ),
            at=AT,
        )
    return granted


TODAY = date(2026, 11, 22)


@pytest.mark.parametrize(
    ("valid_from", "valid_to", "revoked", "allowed"),
    [
        (TODAY - timedelta(days=30), TODAY - timedelta(days=1), False, False),  # expired yesterday
        (TODAY - timedelta(days=30), TODAY, False, True),  # last day
        (TODAY, TODAY + timedelta(days=30), False, True),  # first day
        (TODAY + timedelta(days=1), TODAY + timedelta(days=30), False, False),  # not yet
        (TODAY - timedelta(days=1), TODAY + timedelta(days=30), True, False),  # revoked
    ],
)
def test_a_delegation_covers_only_its_own_days(
    valid_from: date, valid_to: date, revoked: bool, allowed: bool
) -> None:
    found = DelegationMustCoverTheDecision.check(
        delegation=delegation(valid_from=valid_from, valid_to=valid_to, revoked=revoked),
        power=Power.COMPULSORY_POSTING,
        actor_id="deputy",
        on=TODAY,
    )
    assert (found == []) is allowed


def test_a_delegation_is_personal_and_limited_to_its_powers() -> None:
    in_force = delegation(valid_from=TODAY, valid_to=TODAY)
    assert DelegationMustCoverTheDecision.check(
        delegation=in_force, power=Power.TRAVEL_LIMIT, actor_id="deputy", on=TODAY
    )
    assert DelegationMustCoverTheDecision.check(
        delegation=in_force, power=Power.COMPULSORY_POSTING, actor_id="someone", on=TODAY
    )
    assert DelegationMustCoverTheDecision.check(
        delegation=None, power=Power.COMPULSORY_POSTING, actor_id="deputy", on=TODAY
    )


def test_a_restriction_needs_both_supporters_to_be_set_aside() -> None:
    psd = RestrictionSource.PROFESSIONAL_STANDARDS
    cases = [
        (Restriction("dover", psd), False),
        (Restriction("dover", psd, supported_by_psd=True), False),
        (Restriction("dover", psd, supported_by_head_of_resourcing=True), False),
        (Restriction("dover", psd, True, True), True),
        (Restriction("ashford", psd), True),  # another place
    ]
    for restriction, allowed in cases:
        found = LocationMustNotBeUnsuitable.check(location="dover", restrictions=[restriction])
        assert (found == []) is allowed, restriction
        if found:
            assert found[0].clause == "L1800 3.2.2"


@pytest.mark.parametrize(
    ("distance", "limit", "justification", "needs"),
    [
        (30.0, 30.0, None, False),
        (30.1, 30.0, None, True),
        (30.1, 30.0, "  ", True),
        (30.1, 30.0, "Only vacancy", False),
        (90.0, None, None, False),
        (None, 30.0, None, False),
    ],
)
def test_travel_beyond_the_limit_must_be_justified(
    distance: float | None, limit: float | None, justification: str | None, needs: bool
) -> None:
    found = TravelBeyondTheLimitMustBeJustified.check(
        distance_km=distance, limit_km=limit, justification=justification
    )
    assert (found != []) is needs


def test_welfare_factors_on_record_must_be_addressed() -> None:
    assert WelfareFactorsMustBeAddressed.check(factors=[], consideration=None) == []
    (found,) = WelfareFactorsMustBeAddressed.check(
        factors=[WelfareFactor.PRIMARY_CARER], consideration=" "
    )
    assert found.clause == "L1800 3.1.3"


@pytest.mark.parametrize(
    ("given", "agreed", "ok"),
    [(28, None, True), (27, None, False), (14, 14, True), (13, 14, False)],
)
def test_notice_is_28_days_unless_the_officer_agreed_to_less(
    given: int, agreed: int | None, ok: bool
) -> None:
    found = NoticePeriodMustBeGiven.check(
        decided_on=TODAY,
        posting_date=TODAY + timedelta(days=given),
        notice_days=28,
        agreed_days=agreed,
    )
    assert (found == []) is ok


def test_distances_are_great_circle_kilometres() -> None:
    maidstone, dover = GeoPoint(51.2720, 0.5290), GeoPoint(51.1279, 1.3134)
    assert 55 < maidstone.km_to(dover) < 58
