"""The decision record: what every decision must carry before anything is stored."""

from __future__ import annotations

from datetime import date

import pytest

from shared.errors import RulesBroken
from shared.ledger import Decision
from shared.roles import Role


def decide(**overrides: object) -> Decision:
    values: dict[str, object] = {
        "rationale": "Skills balance in the north",
        "actor_id": "dhr",
        "actor_role": Role.DIRECTOR_OF_HR,
        "clause": "L1800 3.7.1",
        "facts": {"distance_km": 14.2},
        "effective_date": date(2027, 1, 1),
    }
    values.update(overrides)
    return Decision(**values)  # type: ignore[arg-type]


@pytest.mark.parametrize("blank", ["", " ", "\n\t  "])
def test_a_blank_rationale_is_refused(blank: str) -> None:
    with pytest.raises(RulesBroken) as refused:
        decide(rationale=blank)
    (violation,) = refused.value.violations
    assert violation.rule == "RationaleMustBeDocumented"
    assert violation.field == "rationale"
    assert violation.clause == "L1800 3.7.1"


@pytest.mark.parametrize("clause", ["L1800 3.7.1", "L1 2.4", "L1800 3.10.1"])
def test_clauses_of_the_protocol_and_policy_are_accepted(clause: str) -> None:
    assert decide(clause=clause).clause == clause


@pytest.mark.parametrize("clause", ["", "3.7.1", "L1800", "L1800 3.7.", "section 9"])
def test_a_decision_must_cite_a_clause(clause: str) -> None:
    with pytest.raises(RulesBroken) as refused:
        decide(clause=clause)
    assert refused.value.violations[0].rule == "DecisionMustCiteAClause"


def test_facts_must_be_plain_json() -> None:
    with pytest.raises(RulesBroken) as refused:
        decide(facts={"when": date(2027, 1, 1)})
    assert refused.value.violations[0].rule == "FactsMustBeRecordable"


def test_every_missing_part_is_reported_at_once() -> None:
    with pytest.raises(RulesBroken) as refused:
        decide(rationale=" ", actor_id=" ", clause="x")
    assert {v.rule for v in refused.value.violations} == {
        "RationaleMustBeDocumented",
        "DeciderMustBeKnown",
        "DecisionMustCiteAClause",
    }
