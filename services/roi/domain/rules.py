"""ROI's rules as pure functions returning the violations they find."""

from __future__ import annotations

from collections.abc import Collection

from services.roi.domain.values import DesignationReason
from shared.errors import Violation
from shared.roles import Role

#: 'In most cases the ROI period will be for a period of 18 months post course or
#: initiative end date' (L1800 3.9.2).
DEFAULT_ROI_PERIOD_MONTHS = 18

#: Who proposes courses to the quarterly resourcing priorities process (L1800 3.9.1).
PROPOSERS = frozenset({Role.HEAD_OF_RESOURCING, Role.HEAD_OF_L_AND_D, Role.HEAD_OF_PROFESSION})


def designation_must_state_why(reasons: Collection[DesignationReason]) -> list[Violation]:
    """A course carries an ROI requirement only if it is in high demand, costly, or gives an
    operationally scarce skill (L1800 3.9.1)."""
    if not reasons:
        return [
            Violation(
                rule="DesignationMustStateWhy",
                message="say why the course carries an ROI: high demand, high cost or scarce skill",
                clause="L1800 3.9.1",
                field="reasons",
            )
        ]
    return []


def designation_must_be_proposed_by_the_heads(proposed_by: Collection[Role]) -> list[Violation]:
    """Proposals come from the Head of Resourcing, Head of L&D and, where necessary, the
    Head of Profession (L1800 3.9.1)."""
    others = sorted(r.value for r in proposed_by if r not in PROPOSERS)
    if not proposed_by or others:
        return [
            Violation(
                rule="DesignationMustBeProposedByTheHeads",
                message=(
                    "a designation is proposed by the Head of Resourcing, Head of L&D or Head "
                    f"of Profession{'; not by ' + ', '.join(others) if others else ''}"
                ),
                clause="L1800 3.9.1",
                field="proposed_by",
            )
        ]
    return []


def roi_period_must_be_sensible(months: int) -> list[Violation]:
    """The period may be set otherwise than 18 months by the same process (L1800 3.9.2), but
    it is a whole number of months from 1 to 60."""
    if not 1 <= months <= 60:
        return [
            Violation(
                rule="RoiPeriodMustBeSensible",
                message=f"an ROI period of {months} months is outside 1 to 60",
                clause="L1800 3.9.2",
                field="period_months",
            )
        ]
    return []
