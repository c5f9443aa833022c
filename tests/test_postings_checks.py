"""The checks every posting passes, and postings' rules, as pure functions at their
boundaries (L1800 3.1.1, 3.1.3, 3.1.4, 3.2.1, 3.2.2, 3.3.1, 3.4.2, 3.7.2, 3.8.1; DOMAIN.md,
'Postings')."""

from __future__ import annotations

from datetime import UTC, date, datetime, timedelta

import pytest

from services.postings.domain.delegation import Delegation
from services.postings.domain.kinds import (
    SENIOR_RANKS,
    PostingKind,
    Power,
    Rank,
    RestrictionSource,
    WelfareFactor,
)
from services.postings.domain.rules.s3_1_general import (
    DelegationMustCoverTheDecision,
    PdrMustBeCompletedBeforeTheMove,
    PdrOf,
    WelfareFactorsMustBeAddressed,
    pdr_is_outstanding,
)
from services.postings.domain.rules.s3_2_general_postings import (
    LocationMustNotBeUnsuitable,
    Restriction,
    TravelBeyondTheLimitMustBeJustified,
)
from services.postings.domain.rules.s3_3_appointment import ProbationPostingMustNotBeToHomeTown
from services.postings.domain.rules.s3_4_selection import DateOutsideASittingMustBeExceptional
from services.postings.domain.rules.s3_7_compulsory import (
    NoticePeriodMustBeGiven,
    PreferencesMustBeSoughtOrExplained,
)
from services.postings.domain.rules.s3_8_senior import (
    SeniorLeadershipPostingsAreForChiefInspectorsAndAbove,
    SeniorOfficersArePostedThroughTheSeniorFlow,
)
from services.postings.domain.values import GeoPoint, PdrCycle
from shared.errors import Violation
from shared.ledger import Decision
from shared.roles import Role

POSTING_DATE = date(2027, 3, 1)
TODAY = date(2026, 11, 22)
AT = datetime(2026, 11, 22, 9, 30, tzinfo=UTC)


def assert_one(found: list[Violation], *, rule: str, clause: str) -> Violation:
    """Exactly one violation, of the given rule and clause; returned for further checks."""
    assert len(found) == 1, found
    (violation,) = found
    assert (violation.rule, violation.clause) == (rule, clause)
    return violation


# --- PDR (L1800 3.1.4) ------------------------------------------------------------------


def cycle(due_offset: int, *, completed: bool = False) -> PdrCycle:
    """A PDR cycle due ``due_offset`` days from the posting date (negative: before it)."""
    due = POSTING_DATE + timedelta(days=due_offset)
    return PdrCycle(due_on=due, completed_on=due - timedelta(days=1) if completed else None)


def pdr_of(officer_id: str, due_offset: int, *, completed: bool = False) -> PdrOf:
    return PdrOf(officer_id, cycle(due_offset, completed=completed))


def test_a_pdr_cycle_is_completed_once_it_has_a_completion_date() -> None:
    assert PdrCycle(due_on=POSTING_DATE).completed is False
    assert PdrCycle(due_on=POSTING_DATE, completed_on=None).completed is False
    assert PdrCycle(due_on=POSTING_DATE, completed_on=POSTING_DATE).completed is True


@pytest.mark.parametrize(
    ("due_offset", "outstanding"),
    [
        (-61, False),  # due 61 days before the posting date: outside the window
        (-60, True),  # due exactly 60 days before: inside
        (-1, True),
        (0, True),
        (1, True),
        (60, True),  # due exactly 60 days after: inside
        (61, False),  # due 61 days after: outside
    ],
)
def test_an_uncompleted_pdr_is_outstanding_only_within_60_days_either_side_of_the_posting(
    due_offset: int, outstanding: bool
) -> None:
    assert pdr_is_outstanding(cycle(due_offset), POSTING_DATE) is outstanding


@pytest.mark.parametrize("due_offset", [-61, -60, 0, 60, 61])
def test_a_completed_pdr_is_never_outstanding(due_offset: int) -> None:
    assert pdr_is_outstanding(cycle(due_offset, completed=True), POSTING_DATE) is False


def test_no_pdr_on_record_is_not_outstanding() -> None:
    assert pdr_is_outstanding(None, POSTING_DATE) is False


@pytest.mark.parametrize(
    ("due_offset", "blocks"),
    [(-61, False), (-60, True), (0, True), (60, True), (61, False)],
)
def test_the_officers_own_uncompleted_pdr_in_the_window_blocks_the_move(
    due_offset: int, blocks: bool
) -> None:
    found = PdrMustBeCompletedBeforeTheMove.check(
        officer=pdr_of("K100", due_offset), subordinates=[], posting_date=POSTING_DATE
    )
    if blocks:
        v = assert_one(found, rule="PdrMustBeCompletedBeforeTheMove", clause="L1800 3.1.4")
        due_on = POSTING_DATE + timedelta(days=due_offset)
        assert v.details == {"officer_id": "K100", "due_on": str(due_on)}
        assert "the officer's" in v.message
    else:
        assert found == []


@pytest.mark.parametrize("due_offset", [-60, 0, 60])
def test_a_completed_pdr_never_blocks_the_move(due_offset: int) -> None:
    found = PdrMustBeCompletedBeforeTheMove.check(
        officer=pdr_of("K100", due_offset, completed=True),
        subordinates=[pdr_of("K200", due_offset, completed=True)],
        posting_date=POSTING_DATE,
    )
    assert found == []


def test_no_pdr_on_record_does_not_block_the_move() -> None:
    found = PdrMustBeCompletedBeforeTheMove.check(
        officer=PdrOf("K100", None),
        subordinates=[PdrOf("K200", None)],
        posting_date=POSTING_DATE,
    )
    assert found == []


@pytest.mark.parametrize(
    ("due_offset", "blocks"),
    [(-61, False), (-60, True), (0, True), (60, True), (61, False)],
)
def test_a_subordinates_uncompleted_pdr_in_the_window_blocks_a_supervisors_move(
    due_offset: int, blocks: bool
) -> None:
    found = PdrMustBeCompletedBeforeTheMove.check(
        officer=pdr_of("S1", 0, completed=True),
        subordinates=[pdr_of("K1", due_offset)],
        posting_date=POSTING_DATE,
    )
    if blocks:
        v = assert_one(found, rule="PdrMustBeCompletedBeforeTheMove", clause="L1800 3.1.4")
        assert v.details["officer_id"] == "K1"
        assert "a subordinate's" in v.message
    else:
        assert found == []


def test_every_outstanding_pdr_of_a_supervisor_and_their_team_is_listed_at_once() -> None:
    found = PdrMustBeCompletedBeforeTheMove.check(
        officer=pdr_of("S1", 30),
        subordinates=[
            pdr_of("K1", -60),  # outstanding, on the window's edge
            pdr_of("K2", -61),  # outside the window
            pdr_of("K3", 0, completed=True),  # completed
            PdrOf("K4", None),  # nothing on record
            pdr_of("K5", 60),  # outstanding, on the other edge
            pdr_of("K6", 61),  # outside the window
            pdr_of("K7", 5),  # outstanding
        ],
        posting_date=POSTING_DATE,
    )
    assert [v.details["officer_id"] for v in found] == ["S1", "K1", "K5", "K7"]
    assert {(v.rule, v.clause) for v in found} == {
        ("PdrMustBeCompletedBeforeTheMove", "L1800 3.1.4")
    }
    assert [v.details["due_on"] for v in found] == [
        str(POSTING_DATE + timedelta(days=d)) for d in (30, -60, 60, 5)
    ]


def test_a_supervisor_whose_own_pdr_is_done_is_still_held_by_each_outstanding_subordinate() -> None:
    found = PdrMustBeCompletedBeforeTheMove.check(
        officer=pdr_of("S1", 0, completed=True),
        subordinates=[pdr_of("K1", 10), pdr_of("K2", -10)],
        posting_date=POSTING_DATE,
    )
    assert [v.details["officer_id"] for v in found] == ["K1", "K2"]


# --- Unsuitable locations (L1800 3.2.2) ---------------------------------------------------


@pytest.mark.parametrize("source", list(RestrictionSource))
def test_a_restricted_location_is_refused_without_saying_why(source: RestrictionSource) -> None:
    found = LocationMustNotBeUnsuitable.check(
        location="dover", restrictions=[Restriction("dover", source)]
    )
    v = assert_one(found, rule="LocationMustNotBeUnsuitable", clause="L1800 3.2.2")
    assert v.field == "to_location"
    assert v.details == {}
    text = v.message.lower()
    for reason_word in (
        source.value,
        source.value.replace("_", " "),
        "professional standards",
        "psd",
        "association",
        "intelligence",
        "safety",
        "request",
        "asked",
    ):
        assert reason_word not in text, (reason_word, v.message)


@pytest.mark.parametrize(
    ("supported_by_psd", "supported_by_head_of_resourcing", "allowed"),
    [
        (False, False, False),
        (True, False, False),  # PSD alone is not enough
        (False, True, False),  # the Head of Resourcing alone is not enough
        (True, True, True),  # both: the exception stands
    ],
)
def test_a_restriction_is_set_aside_only_with_both_psd_and_head_of_resourcing_support(
    supported_by_psd: bool, supported_by_head_of_resourcing: bool, allowed: bool
) -> None:
    restriction = Restriction(
        "dover",
        RestrictionSource.PROFESSIONAL_STANDARDS,
        supported_by_psd=supported_by_psd,
        supported_by_head_of_resourcing=supported_by_head_of_resourcing,
    )
    assert restriction.excepted is allowed
    found = LocationMustNotBeUnsuitable.check(location="dover", restrictions=[restriction])
    if allowed:
        assert found == []
    else:
        assert_one(found, rule="LocationMustNotBeUnsuitable", clause="L1800 3.2.2")


def test_a_restriction_on_another_location_does_not_matter() -> None:
    restrictions = [
        Restriction("ashford", RestrictionSource.PROFESSIONAL_STANDARDS),
        Restriction("margate", RestrictionSource.OFFICER_REQUEST),
    ]
    assert LocationMustNotBeUnsuitable.check(location="dover", restrictions=restrictions) == []


def test_no_restrictions_allow_any_location() -> None:
    assert LocationMustNotBeUnsuitable.check(location="dover", restrictions=[]) == []


def test_an_exception_to_one_restriction_does_not_lift_another_on_the_same_location() -> None:
    restrictions = [
        Restriction("dover", RestrictionSource.PROFESSIONAL_STANDARDS, True, True),
        Restriction("dover", RestrictionSource.OFFICER_REQUEST),
    ]
    found = LocationMustNotBeUnsuitable.check(location="dover", restrictions=restrictions)
    assert_one(found, rule="LocationMustNotBeUnsuitable", clause="L1800 3.2.2")


def test_the_restricted_location_is_found_among_others() -> None:
    restrictions = [
        Restriction("ashford", RestrictionSource.OFFICER_REQUEST),
        Restriction("dover", RestrictionSource.PROFESSIONAL_STANDARDS),
    ]
    found = LocationMustNotBeUnsuitable.check(location="dover", restrictions=restrictions)
    v = assert_one(found, rule="LocationMustNotBeUnsuitable", clause="L1800 3.2.2")
    assert "dover" in v.message
    assert "ashford" not in v.message


# --- Probation home town (L1800 3.3.1) ----------------------------------------------------


def home_town_check(
    *,
    probation_ends_on: date | None,
    home_town: str | None = "Ashford",
    destination_town: str = "Ashford",
    exception_granted: bool = False,
) -> list[Violation]:
    return ProbationPostingMustNotBeToHomeTown.check(
        probation_ends_on=probation_ends_on,
        home_town=home_town,
        destination_town=destination_town,
        posting_date=POSTING_DATE,
        exception_granted=exception_granted,
    )


@pytest.mark.parametrize(
    ("probation_ends_on", "refused"),
    [
        (POSTING_DATE + timedelta(days=200), True),  # well inside probation
        (POSTING_DATE + timedelta(days=1), True),
        (POSTING_DATE, True),  # the last day of probation is still probation
        (POSTING_DATE - timedelta(days=1), False),  # probation ended the day before
        (POSTING_DATE - timedelta(days=400), False),
        (None, False),  # no probation on record
    ],
)
def test_the_home_town_is_refused_only_while_the_officer_is_in_probation(
    probation_ends_on: date | None, refused: bool
) -> None:
    found = home_town_check(probation_ends_on=probation_ends_on)
    if refused:
        v = assert_one(found, rule="ProbationPostingMustNotBeToHomeTown", clause="L1800 3.3.1")
        assert v.field == "to_location"
    else:
        assert found == []


@pytest.mark.parametrize(
    ("home_town", "destination_town"),
    [("Ashford", "ashford"), ("ASHFORD", "Ashford"), ("ashford", "ASHFORD")],
)
def test_the_home_town_is_recognised_whatever_its_case(
    home_town: str, destination_town: str
) -> None:
    found = home_town_check(
        probation_ends_on=POSTING_DATE, home_town=home_town, destination_town=destination_town
    )
    assert_one(found, rule="ProbationPostingMustNotBeToHomeTown", clause="L1800 3.3.1")


def test_another_town_is_allowed_during_probation() -> None:
    assert home_town_check(probation_ends_on=POSTING_DATE, destination_town="Dover") == []


def test_an_unknown_home_town_does_not_refuse_a_posting_in_probation() -> None:
    assert home_town_check(probation_ends_on=POSTING_DATE, home_town=None) == []


@pytest.mark.parametrize("probation_ends_on", [POSTING_DATE, POSTING_DATE + timedelta(days=200)])
def test_the_directors_exception_allows_the_home_town_during_probation(
    probation_ends_on: date,
) -> None:
    assert home_town_check(probation_ends_on=probation_ends_on, exception_granted=True) == []


# --- Travel (L1800 3.2.1) -----------------------------------------------------------------


@pytest.mark.parametrize(
    ("distance_km", "limit_km", "justification"),
    [
        (30.0, 30.0, None),  # exactly the limit needs no justification
        (29.9, 30.0, None),
        (0.0, 30.0, ""),
        (30.1, 30.0, "The only vacancy with the skills the division lacks"),
        (90.0, None, None),  # no limit set
        (None, 30.0, None),  # no home known: no distance
        (None, None, None),
    ],
)
def test_travel_within_the_limit_or_justified_or_unknown_is_not_a_violation(
    distance_km: float | None, limit_km: float | None, justification: str | None
) -> None:
    found = TravelBeyondTheLimitMustBeJustified.check(
        distance_km=distance_km, limit_km=limit_km, justification=justification
    )
    assert found == []


@pytest.mark.parametrize("justification", [None, "", "   ", "\t\n"])
def test_travel_beyond_the_limit_without_a_justification_is_a_violation(
    justification: str | None,
) -> None:
    found = TravelBeyondTheLimitMustBeJustified.check(
        distance_km=30.1, limit_km=30.0, justification=justification
    )
    v = assert_one(found, rule="TravelBeyondTheLimitMustBeJustified", clause="L1800 3.2.1")
    assert v.field == "travel_justification"
    assert "30.1 km" in v.message
    assert "30 km" in v.message


def test_the_travel_distance_between_two_stations_feeds_the_check() -> None:
    maidstone, dover = GeoPoint(51.2720, 0.5290), GeoPoint(51.1279, 1.3134)
    distance = maidstone.km_to(dover)
    assert (
        TravelBeyondTheLimitMustBeJustified.check(
            distance_km=distance, limit_km=60.0, justification=None
        )
        == []
    )
    found = TravelBeyondTheLimitMustBeJustified.check(
        distance_km=distance, limit_km=50.0, justification=None
    )
    assert_one(found, rule="TravelBeyondTheLimitMustBeJustified", clause="L1800 3.2.1")


# --- Distances ----------------------------------------------------------------------------


def test_the_distance_from_maidstone_to_dover_is_about_57_km() -> None:
    maidstone, dover = GeoPoint(51.2720, 0.5290), GeoPoint(51.1279, 1.3134)
    assert 56.0 < maidstone.km_to(dover) < 57.5


def test_distance_is_the_same_either_way_and_zero_to_the_same_place() -> None:
    maidstone, dover = GeoPoint(51.2720, 0.5290), GeoPoint(51.1279, 1.3134)
    assert maidstone.km_to(dover) == pytest.approx(dover.km_to(maidstone))
    assert maidstone.km_to(maidstone) == 0.0


def test_one_degree_of_longitude_on_the_equator_is_about_111_km() -> None:
    assert GeoPoint(0.0, 0.0).km_to(GeoPoint(0.0, 1.0)) == pytest.approx(111.19, abs=0.05)


# --- Welfare (L1800 3.1.3) ----------------------------------------------------------------


@pytest.mark.parametrize("consideration", [None, "", "   "])
def test_welfare_factors_on_record_with_no_consideration_are_a_violation(
    consideration: str | None,
) -> None:
    found = WelfareFactorsMustBeAddressed.check(
        factors=[WelfareFactor.PRIMARY_CARER, WelfareFactor.DISABILITY],
        consideration=consideration,
    )
    v = assert_one(found, rule="WelfareFactorsMustBeAddressed", clause="L1800 3.1.3")
    assert v.field == "welfare_consideration"


@pytest.mark.parametrize("factor", list(WelfareFactor))
def test_each_welfare_factor_on_record_needs_a_consideration(factor: WelfareFactor) -> None:
    found = WelfareFactorsMustBeAddressed.check(factors=[factor], consideration=None)
    assert_one(found, rule="WelfareFactorsMustBeAddressed", clause="L1800 3.1.3")


def test_welfare_factors_considered_in_the_decision_are_not_a_violation() -> None:
    found = WelfareFactorsMustBeAddressed.check(
        factors=[WelfareFactor.PART_TIME_OR_FLEXIBLE],
        consideration="Shift pattern kept; the new station is on the officer's route",
    )
    assert found == []


@pytest.mark.parametrize("consideration", [None, "", "Nothing to consider"])
def test_no_welfare_factors_on_record_need_no_consideration(consideration: str | None) -> None:
    assert WelfareFactorsMustBeAddressed.check(factors=[], consideration=consideration) == []


# --- Delegation (L1800 3.1.1) -------------------------------------------------------------


def director_decides(rationale: str) -> Decision:
    return Decision(
        rationale=rationale,
        actor_id="dhr-1",
        actor_role=Role.DIRECTOR_OF_HR,
        clause="L1800 3.1.1",
    )


def delegation(
    *,
    valid_from: date = TODAY - timedelta(days=30),
    valid_to: date = TODAY + timedelta(days=30),
    powers: list[Power] | None = None,
    delegate_id: str = "deputy-1",
    revoked: bool = False,
) -> Delegation:
    granted = Delegation.grant(
        decision=director_decides("Cover while the Director is on leave"),
        delegate_id=delegate_id,
        powers=[Power.COMPULSORY_POSTING] if powers is None else powers,
        valid_from=valid_from,
        valid_to=valid_to,
        at=AT,
    )
    if revoked:
        granted.revoke(decision=director_decides("The Director is back"), at=AT)
    return granted


def cover(
    given: Delegation | None,
    *,
    power: Power = Power.COMPULSORY_POSTING,
    actor_id: str = "deputy-1",
    on: date = TODAY,
) -> list[Violation]:
    return DelegationMustCoverTheDecision.check(
        delegation=given, power=power, actor_id=actor_id, on=on
    )


def assert_refused(found: list[Violation]) -> Violation:
    v = assert_one(found, rule="DelegationMustCoverTheDecision", clause="L1800 3.1.1")
    assert v.field == "delegation_id"
    return v


def test_a_delegation_in_force_to_this_person_for_this_power_covers_the_decision() -> None:
    assert cover(delegation()) == []


def test_a_delegation_that_expired_yesterday_is_refused() -> None:
    v = assert_refused(cover(delegation(valid_to=TODAY - timedelta(days=1))))
    assert str(TODAY - timedelta(days=1)) in v.message


def test_a_delegation_on_its_last_day_covers_the_decision() -> None:
    assert cover(delegation(valid_to=TODAY)) == []


def test_a_delegation_on_its_first_day_covers_the_decision() -> None:
    assert cover(delegation(valid_from=TODAY)) == []


def test_a_delegation_for_a_single_day_covers_that_day() -> None:
    assert cover(delegation(valid_from=TODAY, valid_to=TODAY)) == []


def test_a_delegation_starting_tomorrow_is_refused() -> None:
    v = assert_refused(cover(delegation(valid_from=TODAY + timedelta(days=1))))
    assert str(TODAY + timedelta(days=1)) in v.message


def test_a_revoked_delegation_is_refused() -> None:
    revoked = delegation(revoked=True)
    assert revoked.revoked is True
    v = assert_refused(cover(revoked))
    assert "revoked" in v.message


def test_a_delegation_to_someone_else_is_refused() -> None:
    v = assert_refused(cover(delegation(delegate_id="deputy-2"), actor_id="deputy-1"))
    assert "someone else" in v.message


def test_a_delegation_that_does_not_cover_the_power_is_refused() -> None:
    v = assert_refused(cover(delegation(powers=[Power.TRAVEL_LIMIT])))
    assert Power.COMPULSORY_POSTING.value in v.message


def test_no_delegation_is_refused() -> None:
    assert_refused(cover(None))


@pytest.mark.parametrize("power", [Power.TRAVEL_LIMIT, Power.PROBATION_HOME_TOWN_EXCEPTION])
def test_a_delegation_of_several_powers_covers_each_of_them(power: Power) -> None:
    given = delegation(powers=[Power.TRAVEL_LIMIT, Power.PROBATION_HOME_TOWN_EXCEPTION])
    assert cover(given, power=power) == []
    assert_refused(cover(given, power=Power.SENIOR_POSTING))


# --- Senior leadership flow (L1800 3.8.1) -------------------------------------------------


@pytest.mark.parametrize(
    "rank", [Rank.CHIEF_INSPECTOR, Rank.SUPERINTENDENT, Rank.CHIEF_SUPERINTENDENT]
)
def test_chief_inspectors_and_above_are_posted_through_the_senior_flow(rank: Rank) -> None:
    assert rank in SENIOR_RANKS
    assert senior_flow(rank=rank, kind=PostingKind.SENIOR_LEADERSHIP) == []
    for kind in set(PostingKind) - {PostingKind.SENIOR_LEADERSHIP}:
        found = senior_flow(rank=rank, kind=kind)
        assert_one(found, rule="SeniorOfficersArePostedThroughTheSeniorFlow", clause="L1800 3.8.1")


@pytest.mark.parametrize("rank", [Rank.CONSTABLE, Rank.SERGEANT, Rank.INSPECTOR])
def test_officers_below_chief_inspector_may_not_use_the_senior_flow(rank: Rank) -> None:
    assert rank not in SENIOR_RANKS
    found = senior_flow(rank=rank, kind=PostingKind.SENIOR_LEADERSHIP)
    assert_one(
        found,
        rule="SeniorLeadershipPostingsAreForChiefInspectorsAndAbove",
        clause="L1800 3.8.1",
    )
    for kind in set(PostingKind) - {PostingKind.SENIOR_LEADERSHIP}:
        assert senior_flow(rank=rank, kind=kind) == []


# --- Notice (L1800 3.7.2) -----------------------------------------------------------------


def notice(given_days: int, *, notice_days: int = 28, agreed_days: int | None) -> list[Violation]:
    return NoticePeriodMustBeGiven.check(
        decided_on=TODAY,
        posting_date=TODAY + timedelta(days=given_days),
        notice_days=notice_days,
        agreed_days=agreed_days,
    )


@pytest.mark.parametrize(
    ("given_days", "agreed_days", "ok"),
    [
        (28, None, True),  # exactly the notice required
        (27, None, False),  # one day short
        (60, None, True),
        (14, 14, True),  # the officer agreed to 14: exactly that is enough
        (13, 14, False),  # one fewer than agreed
        (0, 0, True),  # the officer agreed to move at once
        (28, 40, True),  # agreement never raises the requirement
        (27, 40, False),  # ... so the 28 days still apply
        (28, 28, True),
        (27, 28, False),
    ],
)
def test_notice_must_be_given_unless_the_officer_agreed_to_less(
    given_days: int, agreed_days: int | None, ok: bool
) -> None:
    found = notice(given_days, agreed_days=agreed_days)
    if ok:
        assert found == []
    else:
        v = assert_one(found, rule="NoticePeriodMustBeGiven", clause="L1800 3.7.2")
        assert v.field == "posting_date"


def test_the_notice_period_is_the_policy_setting_given() -> None:
    assert notice(41, notice_days=42, agreed_days=None) != []
    assert notice(42, notice_days=42, agreed_days=None) == []


def test_a_refusal_for_short_notice_says_what_was_given_and_required() -> None:
    (v,) = notice(10, agreed_days=14)
    assert "10 days" in v.message
    assert "14 required" in v.message
    assert "agreed to 14" in v.message


def test_a_posting_dated_before_the_decision_gives_no_notice() -> None:
    found = notice(-1, agreed_days=0)
    assert_one(found, rule="NoticePeriodMustBeGiven", clause="L1800 3.7.2")


# --- Preferences (L1800 3.7.2) ------------------------------------------------------------


@pytest.mark.parametrize(
    ("preferences", "not_sought_because"),
    [
        (["maidstone", "tonbridge"], None),  # sought and recorded
        ([], None),  # sought: the officer expressed none
        (None, "The move is needed within the week for a live operation"),
        (["dover"], "Also recorded why"),
    ],
)
def test_preferences_sought_or_the_reason_they_were_not_are_enough(
    preferences: list[str] | None, not_sought_because: str | None
) -> None:
    found = PreferencesMustBeSoughtOrExplained.check(
        preferences=preferences, not_sought_because=not_sought_because
    )
    assert found == []


@pytest.mark.parametrize("not_sought_because", [None, "", "   "])
def test_preferences_neither_sought_nor_explained_are_a_violation(
    not_sought_because: str | None,
) -> None:
    found = PreferencesMustBeSoughtOrExplained.check(
        preferences=None, not_sought_because=not_sought_because
    )
    v = assert_one(found, rule="PreferencesMustBeSoughtOrExplained", clause="L1800 3.7.2")
    assert v.field == "preferences"


# --- Panel date (L1800 3.4.2) -------------------------------------------------------------


@pytest.mark.parametrize("rationale", [None, "", "   "])
def test_a_date_outside_a_panel_sitting_needs_the_exceptional_circumstances(
    rationale: str | None,
) -> None:
    found = DateOutsideASittingMustBeExceptional.check(exceptional_rationale=rationale)
    v = assert_one(found, rule="DateOutsideASittingMustBeExceptional", clause="L1800 3.4.2")
    assert v.field == "exceptional_circumstances"


def test_a_date_outside_a_panel_sitting_with_exceptional_circumstances_is_allowed() -> None:
    found = DateOutsideASittingMustBeExceptional.check(
        exceptional_rationale="Custody suite reopens before the next sitting"
    )
    assert found == []


def senior_flow(*, rank: Rank, kind: PostingKind) -> list[Violation]:
    """The two rules of 3.8.1 together: senior officers through the senior flow, and only
    they."""
    return SeniorOfficersArePostedThroughTheSeniorFlow.check(
        rank=rank, kind=kind
    ) + SeniorLeadershipPostingsAreForChiefInspectorsAndAbove.check(rank=rank, kind=kind)
