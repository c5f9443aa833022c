"""Rules at their boundaries, as pure functions."""

from __future__ import annotations

from datetime import date

from services.postings.domain.rules.s3_1_general import (
    DelegationPeriodMustBeOrdered,
    PostingMustChangePlaceOfDuty,
)
from services.postings.domain.rules.s3_6_redeployment import (
    RedeploymentMustStayWithinTheDecidersUnit,
)
from services.roi.domain.rules.s3_9_roi import (
    DesignationMustBeProposedByTheHeads,
    DesignationMustStateWhy,
    RoiPeriodMustBeSensible,
)
from services.roi.domain.values import DesignationReason, Quarter
from shared.roles import Role


def test_a_delegation_may_last_a_single_day_but_not_end_before_it_starts() -> None:
    assert (
        DelegationPeriodMustBeOrdered.check(valid_from=date(2027, 1, 1), valid_to=date(2027, 1, 1))
        == []
    )
    (v,) = DelegationPeriodMustBeOrdered.check(
        valid_from=date(2027, 1, 2), valid_to=date(2027, 1, 1)
    )
    assert v.rule == "DelegationPeriodMustBeOrdered"


def test_redeployment_stays_within_the_deciders_own_division() -> None:
    ok = RedeploymentMustStayWithinTheDecidersUnit.check(
        officer_division="north", destination_division="north", decider_division="north"
    )
    assert ok == []
    (outside,) = RedeploymentMustStayWithinTheDecidersUnit.check(
        officer_division="north", destination_division="south", decider_division="south"
    )
    assert (outside.rule, outside.clause) == (
        "RedeploymentMustStayWithinTheDecidersUnit",
        "L1800 3.6.1",
    )
    (unknown,) = RedeploymentMustStayWithinTheDecidersUnit.check(
        officer_division="north", destination_division="north", decider_division=None
    )
    assert unknown.clause == "L1800 3.6.1"
    (elsewhere,) = RedeploymentMustStayWithinTheDecidersUnit.check(
        officer_division="north", destination_division="south", decider_division="north"
    )
    assert elsewhere.field == "to_location"


def test_a_posting_must_move_the_officer() -> None:
    assert PostingMustChangePlaceOfDuty.check(current="maidstone", proposed="tonbridge") == []
    (v,) = PostingMustChangePlaceOfDuty.check(current="maidstone", proposed="maidstone")
    assert v.field == "to_location"


def test_designation_rules() -> None:
    assert DesignationMustStateWhy.check([DesignationReason.HIGH_COST]) == []
    assert DesignationMustStateWhy.check([])[0].clause == "L1800 3.9.1"
    assert DesignationMustBeProposedByTheHeads.check([Role.HEAD_OF_L_AND_D]) == []
    (v,) = DesignationMustBeProposedByTheHeads.check([Role.HEAD_OF_L_AND_D, Role.SLT])
    assert "slt" in v.message
    assert RoiPeriodMustBeSensible.check(1) == RoiPeriodMustBeSensible.check(60) == []
    assert RoiPeriodMustBeSensible.check(0)[0].rule == "RoiPeriodMustBeSensible"
    assert RoiPeriodMustBeSensible.check(61)[0].clause == "L1800 3.9.2"


def test_quarters() -> None:
    assert Quarter.parse("2027-Q1") == Quarter(2027, 1)
    assert Quarter(2027, 4).starts_on == date(2027, 10, 1)
    assert str(Quarter(2026, 2)) == "2026-Q2"
