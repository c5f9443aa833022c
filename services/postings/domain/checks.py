"""The checks every posting passes before the officer moves (DOMAIN.md, 'Checks that every
posting passes'). Each is a pure function of the facts it is given and returns the
violations it finds; the caller records what each relied on as a fact of the decision."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import date, timedelta

from services.postings.domain.kinds import RestrictionSource, WelfareFactor
from services.postings.domain.values import PdrCycle
from shared.errors import Violation

#: 'due (or will become due within 60 days either side of the likely posting date)'.
PDR_WINDOW = timedelta(days=60)


@dataclass(frozen=True)
class PdrOf:
    """Whose PDR, and its current cycle (None: nothing on record)."""

    officer_id: str
    cycle: PdrCycle | None


def pdr_is_outstanding(cycle: PdrCycle | None, posting_date: date) -> bool:
    """A PDR due within 60 days either side of the posting date and not completed
    (L1800 3.1.4)."""
    if cycle is None or cycle.completed:
        return False
    return abs((cycle.due_on - posting_date).days) <= PDR_WINDOW.days


def pdrs_must_be_completed_before_the_move(
    *, officer: PdrOf, subordinates: list[PdrOf], posting_date: date
) -> list[Violation]:
    """The officer's PDR, and for a supervisor every subordinate's PDR, due within 60 days
    either side of the likely posting date must be completed before the move
    (L1800 3.1.4). The refusal lists each outstanding PDR."""
    found = []
    for whose, role in [(officer, "the officer's")] + [
        (s, "a subordinate's") for s in subordinates
    ]:
        if pdr_is_outstanding(whose.cycle, posting_date):
            assert whose.cycle is not None
            found.append(
                Violation(
                    rule="PdrMustBeCompletedBeforeTheMove",
                    message=(
                        f"{role} PDR ({whose.officer_id}) due {whose.cycle.due_on} is not "
                        f"completed, within 60 days of the posting date {posting_date}"
                    ),
                    clause="L1800 3.1.4",
                    details={"officer_id": whose.officer_id, "due_on": str(whose.cycle.due_on)},
                )
            )
    return found


@dataclass(frozen=True)
class Restriction:
    location: str
    source: RestrictionSource
    supported_by_psd: bool = False
    supported_by_head_of_resourcing: bool = False

    @property
    def excepted(self) -> bool:
        """Both Professional Standards and the Head of Resourcing support an exception."""
        return self.supported_by_psd and self.supported_by_head_of_resourcing


def location_must_not_be_unsuitable(
    *, location: str, restrictions: list[Restriction]
) -> list[Violation]:
    """No posting to a location Professional Standards deems unsuitable for the officer, or
    one they asked not to be posted to, unless an exception is supported by both
    Professional Standards and the Head of Resourcing (L1800 3.2.2). The message never
    says why: the reason is confidential."""
    for restriction in restrictions:
        if restriction.location == location and not restriction.excepted:
            return [
                Violation(
                    rule="LocationMustNotBeUnsuitable",
                    message=f"{location} is restricted for this officer",
                    clause="L1800 3.2.2",
                    field="to_location",
                )
            ]
    return []


def probation_posting_must_not_be_to_home_town(
    *,
    probation_ends_on: date | None,
    home_town: str | None,
    destination_town: str,
    posting_date: date,
    exception_granted: bool,
) -> list[Violation]:
    """During probation the divisional posting is not to the officer's home town, unless the
    Director of HR (or delegate) determines exceptional circumstances (L1800 3.3.1).
    Probation runs to the end of ``probation_ends_on``."""
    in_probation = probation_ends_on is not None and posting_date <= probation_ends_on
    same_town = home_town is not None and home_town.casefold() == destination_town.casefold()
    if in_probation and same_town and not exception_granted:
        return [
            Violation(
                rule="ProbationPostingMustNotBeToHomeTown",
                message=(
                    f"in probation until {probation_ends_on}, the officer may not be posted "
                    "to their home town without the Director of HR's exception"
                ),
                clause="L1800 3.3.1",
                field="to_location",
            )
        ]
    return []


def travel_beyond_the_limit_must_be_justified(
    *, distance_km: float | None, limit_km: float | None, justification: str | None
) -> list[Violation]:
    """Beyond the reasonable travelling distance the Director of HR set, the decision says
    why organisational need outweighs it (L1800 3.2.1). Not a refusal of the posting."""
    beyond = distance_km is not None and limit_km is not None and distance_km > limit_km
    if beyond and not (justification and justification.strip()):
        return [
            Violation(
                rule="TravelBeyondTheLimitMustBeJustified",
                message=(
                    f"{distance_km:.1f} km from home exceeds the reasonable travel limit of "
                    f"{limit_km:g} km: say why organisational need outweighs it"
                ),
                clause="L1800 3.2.1",
                field="travel_justification",
            )
        ]
    return []


def welfare_factors_must_be_addressed(
    *, factors: list[WelfareFactor], consideration: str | None
) -> list[Violation]:
    """Welfare factors on record are shown to the decider, and the decision says how they
    were considered (L1800 3.1.3). Not a refusal of the posting."""
    if factors and not (consideration and consideration.strip()):
        return [
            Violation(
                rule="WelfareFactorsMustBeAddressed",
                message="the officer has welfare factors on record: say how they were considered",
                clause="L1800 3.1.3",
                field="welfare_consideration",
            )
        ]
    return []
